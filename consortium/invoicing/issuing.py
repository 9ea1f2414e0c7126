"""Issuing a closed year's invoices, crediting one, and the gap-free series they are numbered
from (SPEC "Invoicing and the ledger").

Issuing takes the year's series row as a lock (an UPDATE, which PostgreSQL holds on the row and
SQLite on the database until the commit), then reads what is issued already: two requests that
issue at once are served one after the other, and the second finds the first's invoices. The
numbers are taken in the same transaction, so a refused or failed issue leaves no gap."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from consortium import clock, db
from consortium.audit.service import record
from consortium.auth.models import User
from consortium.costs import queries, years
from consortium.costs.fee_schedules import stored_fees
from consortium.costs.models import Adjustment, Budget
from consortium.costs.service import stored_lines
from consortium.db import app_config
from consortium.errors import Conflict, Invalid
from consortium.invoicing import identifiers as ids
from consortium.invoicing import notices, outbox, ubl
from consortium.invoicing import settings as invoicing_settings
from consortium.invoicing.models import (
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceSeries,
    InvoicingSettings,
    Payment,
)
from consortium.members.models import Municipality

VAT_RATES: dict[str, int | None] = {"S": 25, "E": 0, "O": None}
CURRENCIES = {"SE": "SEK", "NO": "NOK"}


@dataclass(frozen=True)
class Charge:
    """A line to invoice: what, how much (öre), its VAT and the account it is booked to."""

    text: str
    amount: int
    vat_category: str
    exemption_reason: str
    account: str

    @property
    def vat_rate(self) -> int | None:
        return VAT_RATES[self.vat_category]

    def negated(self) -> Charge:
        return Charge(self.text, -self.amount, self.vat_category, self.exemption_reason,
                      self.account)


@dataclass
class Issued:
    issued: list[Invoice] = field(default_factory=list)
    existing: list[Invoice] = field(default_factory=list)


def language() -> str:
    """Invoices are written in the consortium's own language, whoever issues them."""
    return str(app_config()["BABEL_DEFAULT_LOCALE"])


def country() -> str:
    return str(app_config()["COUNTRY"])


def _lock_series(year: int) -> InvoiceSeries:
    """The year's series row, locked until the commit (made first when the year has none)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert(InvoiceSeries) if dialect == "postgresql" \
        else sqlite.insert(InvoiceSeries)
    db.session.execute(insert.values(year=year, last=0).on_conflict_do_nothing())
    db.session.execute(update(InvoiceSeries).where(InvoiceSeries.year == year)
                       .values(locked_at=clock.now()))
    series = db.session.get(InvoiceSeries, year, populate_existing=True)
    assert series is not None
    return series


def _charges(year: int) -> dict[int, list[Charge]]:
    """Every municipality's lines of the closed year, by municipality id: each tool share of
    the issued budget versions, the membership fee (and entry fee), and each adjustment of an
    earlier year. A fixed number of statements however many municipalities and tools."""
    settings = invoicing_settings.current()
    budgets = queries.latest_budgets(year, years.closed(year))
    by_code = {m.code: m for m in db.session.scalars(select(Municipality))}
    found: dict[int, list[Charge]] = defaultdict(list)
    with force_locale(language()):
        by_id = {budget.id: budget for budget in budgets}
        for budget_id, lines in stored_lines(list(by_id)).items():
            budget = by_id[budget_id]
            tool = budget.tool
            for line in lines:
                if line.amount:
                    found[by_code[line.code].id].append(Charge(
                        _("%(tool)s %(year)s, share by budget version %(version)s",
                          tool=tool.name, year=year, version=budget.version),
                        line.amount, tool.vat_category, tool.vat_exemption_reason,
                        tool.revenue_account))
        for fee in stored_fees(year):
            target = found[by_code[fee.code].id]
            if fee.annual:
                target.append(Charge(_("Membership fee %(year)s", year=year), fee.annual,
                                     settings.fee_vat_category,
                                     settings.fee_vat_exemption_reason,
                                     settings.account_fees_revenue))
            if fee.entry:
                target.append(Charge(_("Entry fee (medlemsinsats) %(year)s", year=year),
                                     fee.entry, settings.fee_vat_category,
                                     settings.fee_vat_exemption_reason,
                                     settings.account_fees_revenue))
        for adjustment, budget in db.session.execute(
                select(Adjustment, Budget).join(Budget, Budget.id == Adjustment.budget_id)
                .where(Adjustment.year == year, Adjustment.amount != 0)
                .options(selectinload(Budget.tool)).order_by(Budget.year, Adjustment.id)):
            tool = budget.tool
            found[adjustment.municipality_id].append(Charge(
                _("Adjustment of %(tool)s %(year)s: budget version %(version)s",
                  tool=tool.name, year=budget.year, version=budget.version),
                adjustment.amount, tool.vat_category, tool.vat_exemption_reason,
                tool.revenue_account))
    return found


def settings_problems(settings: InvoicingSettings) -> dict[str, str]:
    """What the consortium's settings lack before anything can be invoiced."""
    problems = {}
    if not settings.legal_name:
        problems["legal_name"] = _("the consortium's legal name")
    if not settings.org_number or ids.org_number_error(settings.org_number, country()):
        problems["org_number"] = _("the consortium's organisation number")
    if not (settings.street and settings.postcode and settings.city):
        problems["address"] = _("the consortium's postal address")
    if not (settings.bankgiro or settings.plusgiro or settings.iban):
        problems["bankgiro"] = _("a bankgiro, plusgiro or IBAN to be paid to")
    return problems


def buyer_problems(municipality: Municipality) -> list[str]:
    """What a municipality lacks to be invoiced (its organisation number and the reference
    it asks for); empty when it can be invoiced."""
    missing = []
    if not municipality.org_number or ids.org_number_error(municipality.org_number,
                                                           municipality.country):
        missing.append(_("organisation number"))
    if not (municipality.invoice_reference or "").strip():
        missing.append(_("invoice reference"))
    if municipality.peppol_id and ids.peppol_id_error(municipality.peppol_id,
                                                      municipality.country):
        missing.append(_("Peppol id"))
    return missing


def _vat_problem(charges: list[Charge]) -> str | None:
    categories = {charge.vat_category for charge in charges}
    if "O" in categories and len(categories) > 1:
        return _("Lines outside the scope of VAT (O) cannot share an invoice with lines of "
                 "category %(others)s (EN 16931, BR-O-11): give the tools and the membership "
                 "fee categories that go together.",
                 others=", ".join(sorted(categories - {"O"})))
    return None


def seller_of(settings: InvoicingSettings) -> dict[str, Any]:
    return {"legal_name": settings.legal_name, "org_number": settings.org_number,
            "vat_number": settings.vat_number, "f_skatt": settings.f_skatt,
            "street": settings.street, "postcode": settings.postcode, "city": settings.city,
            "country": country(), "peppol_id": settings.peppol_id
            or ids.peppol_id_for(settings.org_number, country()),
            "bankgiro": settings.bankgiro, "plusgiro": settings.plusgiro,
            "iban": settings.iban, "bic": settings.bic,
            "payment_terms_days": settings.payment_terms_days}


def buyer_of(municipality: Municipality) -> dict[str, Any]:
    org = ids.digits(municipality.org_number or "")
    return {"code": municipality.code, "name": municipality.name, "org_number": org,
            "street": municipality.street or "", "postcode": municipality.postcode or "",
            "city": municipality.city or "", "country": municipality.country,
            "peppol_id": municipality.peppol_id or ids.peppol_id_for(org,
                                                                     municipality.country)}


def _payment_terms(days: int) -> str:
    with force_locale(language()):
        return _("%(days)s days net; pay to the account given with the OCR reference.",
                 days=days)


def ubl_document(invoice: Invoice, credited: Invoice | None = None) -> ubl.Document:
    """The UBL view of an issued record (also used to compare the PDF's figures)."""
    return ubl.Document(
        kind=invoice.kind.value, number=invoice.number, issue_date=invoice.issue_date,
        due_date=invoice.due_date, currency=invoice.currency,
        buyer_reference=invoice.buyer_reference, ocr=invoice.ocr, year=invoice.year,
        seller=invoice.seller, buyer=invoice.buyer,
        lines=[ubl.Line(line.text, line.amount, line.vat_category, line.vat_rate,
                        line.exemption_reason) for line in invoice.lines],
        note=invoice.reason or "",
        payment_terms=_payment_terms(invoice.seller["payment_terms_days"])
        if invoice.kind is InvoiceKind.INVOICE else "",
        credits=(credited.number, credited.issue_date) if credited is not None else None)


def _make(series: InvoiceSeries, kind: InvoiceKind, municipality_id: int, charges: list[Charge],
          *, seller: dict[str, Any], buyer: dict[str, Any], buyer_reference: str,
          actor: User | None, credits: Invoice | None = None, reason: str | None = None
          ) -> Invoice:
    series.last += 1
    number = f"{series.year}-{series.last:04d}"
    today = clock.today()
    lines = [InvoiceLine(position=position, text=charge.text[:300], amount=charge.amount,
                         vat_category=charge.vat_category, vat_rate=charge.vat_rate,
                         exemption_reason=charge.exemption_reason, account=charge.account)
             for position, charge in enumerate(charges, start=1)]
    vat = sum(group.vat for group in ubl.vat_groups(
        [ubl.Line(c.text, c.amount, c.vat_category, c.vat_rate, c.exemption_reason)
         for c in charges]))
    net = sum(charge.amount for charge in charges)
    invoice = Invoice(
        number=number, kind=kind, year=series.year, sequence=series.last,
        municipality_id=municipality_id, issue_date=today,
        due_date=today + timedelta(days=seller["payment_terms_days"])
        if kind is InvoiceKind.INVOICE else None,
        ocr=ids.ocr(number), buyer_reference=buyer_reference,
        currency=CURRENCIES.get(seller["country"], "SEK"), net=net, vat=vat, payable=net + vat,
        credits_id=credits.id if credits is not None else None, reason=reason,
        seller=seller, buyer=buyer, lines=lines, actor_id=actor.id if actor else None,
        xml=b"", xml_sha256="")
    invoice.xml = ubl.document(ubl_document(invoice, credits))
    invoice.xml_sha256 = hashlib.sha256(invoice.xml).hexdigest()
    db.session.add(invoice)
    db.session.flush()
    record("invoice.credit" if credits is not None else f"{kind.value}.issue", "invoices",
           invoice.id, after={"number": number, "municipality": buyer["code"],
                              "year": series.year, "payable": invoice.payable,
                              "sha256": invoice.xml_sha256, "reason": reason}, actor=actor)
    return invoice


def outstanding(year: int) -> dict[int, Invoice]:
    """The year's documents that stand, by municipality id: an invoice not credited, or the
    credit note of a negative statement."""
    credited = select(Invoice.credits_id).where(Invoice.credits_id.is_not(None))
    return {invoice.municipality_id: invoice for invoice in db.session.scalars(
        select(Invoice).where(Invoice.year == year, Invoice.credits_id.is_(None),
                              Invoice.id.not_in(credited)).order_by(Invoice.sequence))}


@dataclass
class Pending:
    """What the year's issuing panel shows: how many municipalities are still to invoice,
    and what stops it (the settings' missing fields; each municipality's, by kommunkod)."""

    count: int
    settings: dict[str, str]
    municipalities: dict[str, str]


def _to_issue(charges: dict[int, list[Charge]], standing: dict[int, Invoice]) -> list[int]:
    """The municipalities with something to invoice and no document that stands."""
    return sorted(mid for mid, lines in charges.items()
                  if sum(c.amount for c in lines) != 0 and mid not in standing)


def pending(year: int) -> Pending:
    charges = _charges(year)
    wanted = _to_issue(charges, outstanding(year))
    municipalities: list[Municipality] = list(db.session.scalars(select(Municipality).where(
        db.any_of(Municipality.id, wanted)).order_by(Municipality.code))) if wanted else []
    lacking = {m.code: f"{m.name}: " + ", ".join(problems) for m in municipalities
               if (problems := buyer_problems(m))}
    settings = settings_problems(invoicing_settings.current()) if wanted else {}
    for mid in wanted:
        if problem := _vat_problem(charges[mid]):
            settings["vat_category"] = problem
            break
    return Pending(len(wanted), settings, lacking)


def issue(year: int, *, actor: User | None = None) -> Issued:
    """Issue the closed year's invoices: one per municipality whose total is above zero, a
    credit note for one below; nothing twice. Refused while data is missing (naming every
    municipality and field), and while the year is open."""
    if years.closed(year) is None:
        raise Conflict(_("%(year)s is not closed: close the year before invoicing it.",
                         year=year))
    series = _lock_series(year)
    settings = invoicing_settings.current()
    problems = settings_problems(settings)
    charges = _charges(year)
    standing = outstanding(year)
    result = Issued(existing=sorted(standing.values(), key=lambda i: i.sequence))
    wanted = _to_issue(charges, standing)
    if not wanted:
        return result
    municipalities = {m.id: m for m in db.session.scalars(
        select(Municipality).where(db.any_of(Municipality.id, wanted)))}
    fields = {f"settings.{key}": text for key, text in problems.items()}
    for mid in sorted(wanted, key=lambda m: municipalities[m].code):
        municipality = municipalities[mid]
        if lacking := buyer_problems(municipality):
            fields[municipality.code] = f"{municipality.name}: " + ", ".join(lacking)
        if vat_problem := _vat_problem(charges[mid]):
            fields["settings.vat_category"] = vat_problem
    if fields:
        raise Invalid(_("Nothing was invoiced: fill in what is missing first."), fields)
    seller = seller_of(settings)
    for mid in sorted(wanted, key=lambda m: municipalities[m].code):
        municipality = municipalities[mid]
        lines = charges[mid]
        total = sum(c.amount for c in lines)
        kind = InvoiceKind.INVOICE if total > 0 else InvoiceKind.CREDIT_NOTE
        if total < 0:
            lines = [charge.negated() for charge in lines]
        result.issued.append(_make(
            series, kind, mid, lines, seller=seller, buyer=buyer_of(municipality),
            buyer_reference=(municipality.invoice_reference or "").strip(), actor=actor))
    db.session.flush()
    notices.issued(result.issued)
    outbox.submit(actor.id if actor else None)
    return result


def credit(invoice: Invoice, reason: str, *, actor: User | None = None) -> Invoice:
    """Credit an issued invoice whole with a credit note that references it; then a new
    invoice may be issued for the municipality and year."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Give the reason for the credit."),
                      {"reason": _("Give the reason for the credit.")})
    if len(reason) > 500:
        raise Invalid(_("The reason is too long."), {"reason": _("At most 500 characters.")})
    if invoice.kind is not InvoiceKind.INVOICE:
        raise Conflict(_("A credit note cannot be credited."))
    series = _lock_series(invoice.year)
    if db.session.scalar(select(Invoice.number).where(Invoice.credits_id == invoice.id)):
        raise Conflict(_("Invoice %(number)s is credited already.", number=invoice.number))
    if db.session.scalar(select(func.count()).select_from(Payment)
                         .where(Payment.invoice_id == invoice.id)):
        raise Conflict(_("Payments are recorded on invoice %(number)s: it cannot be credited "
                         "whole.", number=invoice.number))
    charges = [Charge(line.text, line.amount, line.vat_category, line.exemption_reason,
                      line.account) for line in invoice.lines]
    settings = invoicing_settings.current()
    note = _make(series, InvoiceKind.CREDIT_NOTE, invoice.municipality_id, charges,
                 seller=invoice.seller if settings_problems(settings) else seller_of(settings),
                 buyer=invoice.buyer, buyer_reference=invoice.buyer_reference, actor=actor,
                 credits=invoice, reason=reason)
    notices.issued([note])
    outbox.submit(actor.id if actor else None)
    return note
