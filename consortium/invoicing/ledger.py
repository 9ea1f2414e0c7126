"""The year's invoicing as an SIE 4 file for the consortium's own ledger (SPEC "Invoicing and
the ledger"): type 4E, PC8 (code page 437), one voucher per invoice and credit note (series F)
and per payment (series B), each balanced to zero."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium import clock, db
from consortium.db import app_config
from consortium.invoicing import identifiers as ids
from consortium.invoicing import settings as invoicing_settings
from consortium.invoicing.models import Invoice, InvoiceKind, Payment
from consortium.money import to_api
from consortium.tools.models import Tool

PROGRAM = ("Consortium Registry", "1.0")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _day(day: date) -> str:
    return day.strftime("%Y%m%d")


def vouchers(year: int) -> list[tuple[str, date, str, list[tuple[str, int]]]]:
    """(series, date, text, [(account, öre)]) of each voucher, in order: invoices and credit
    notes by number, then payments by day. Every voucher sums to zero."""
    settings = invoicing_settings.current()
    invoices = list(db.session.scalars(
        select(Invoice).where(Invoice.year == year).order_by(Invoice.sequence)
        .options(selectinload(Invoice.lines))))
    found = []
    for invoice in invoices:
        sign = 1 if invoice.kind is InvoiceKind.INVOICE else -1
        revenue: dict[str, int] = defaultdict(int)
        for line in invoice.lines:
            revenue[line.account] += line.amount
        rows = [(settings.account_receivable, sign * invoice.payable)]
        rows += [(account, -sign * amount) for account, amount in sorted(revenue.items())
                 if amount]
        if invoice.vat:
            rows.append((settings.account_vat_output, -sign * invoice.vat))
        label = "Faktura" if invoice.kind is InvoiceKind.INVOICE else "Kreditfaktura"
        found.append(("F", invoice.issue_date,
                      f"{label} {invoice.number} {invoice.buyer['name']}", rows))
    by_id = {invoice.id: invoice for invoice in invoices}
    for payment in db.session.scalars(
            select(Payment).where(db.any_of(Payment.invoice_id, list(by_id)))
            .order_by(Payment.paid_on, Payment.id)) if by_id else []:
        invoice = by_id[payment.invoice_id]
        found.append(("B", payment.paid_on,
                      f"Inbetalning {invoice.number} {invoice.buyer['name']}",
                      [(settings.account_bank, payment.amount),
                       (settings.account_receivable, -payment.amount)]))
    return found


def account_names(accounts: set[str]) -> dict[str, str]:
    settings = invoicing_settings.current()
    names = {settings.account_receivable: "Kundfordringar",
             settings.account_vat_output: "Utgående moms 25 %",
             settings.account_bank: "Företagskonto",
             settings.account_fees_revenue: "Medlemsavgifter"}
    tools: dict[str, list[str]] = defaultdict(list)
    for account, name in db.session.execute(select(Tool.revenue_account, Tool.name)
                                            .order_by(Tool.name)):
        tools[account].append(name)
    for account in accounts:
        if account not in names:
            names[account] = "Intäkter " + ", ".join(tools.get(account, []))
    return {account: names[account].strip() for account in sorted(accounts)}


def sie(year: int) -> bytes:
    """The SIE 4 file of the year's invoices, credit notes and payments, in code page 437."""
    settings = invoicing_settings.current()
    country = str(app_config()["COUNTRY"])
    found = vouchers(year)
    days = [day for _series, day, _text, _rows in found] or [date(year, 12, 31)]
    lines = ["#FLAGGA 0", f"#PROGRAM {_quoted(PROGRAM[0])} {PROGRAM[1]}", "#FORMAT PC8",
             f"#GEN {_day(clock.today())}", "#SIETYP 4",
             f"#ORGNR {ids.org_number_shown(settings.org_number, country)}",
             f"#FNAMN {_quoted(settings.legal_name)}",
             f"#RAR 0 {min(days).year}0101 {max(days).year}1231",
             f"#VALUTA {'NOK' if country == 'NO' else 'SEK'}"]
    accounts = {account for *_rest, rows in found for account, _amount in rows}
    for account, name in account_names(accounts).items():
        lines.append(f"#KONTO {account} {_quoted(name)}")
    numbers: dict[str, int] = defaultdict(int)
    for series, day, text, rows in found:
        numbers[series] += 1
        lines.append(f"#VER {series} {numbers[series]} {_day(day)} {_quoted(text)}")
        lines.append("{")
        lines += [f"   #TRANS {account} {{}} {to_api(amount)}" for account, amount in rows]
        lines.append("}")
    return ("\r\n".join(lines) + "\r\n").encode("cp437", errors="replace")
