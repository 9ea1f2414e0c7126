"""Issued invoices as pages, the API and the ledger read them: each with what is paid and
whether it is credited, in one statement however many there are; payments recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased, selectinload

from consortium import clock, db
from consortium.audit.service import record
from consortium.auth.models import User
from consortium.errors import Conflict, Invalid, NotFound
from consortium.invoicing.models import Invoice, InvoiceKind, Payment

STATUSES = ("issued", "partly_paid", "paid", "credited")


@dataclass
class InvoiceRow:
    invoice: Invoice
    paid: int
    credited_by: str | None  # the number of the credit note that credits it
    credits: str | None  # the number of the invoice it credits (a credit note)

    @property
    def status(self) -> str:
        if self.credited_by is not None:
            return "credited"
        if self.invoice.kind is InvoiceKind.INVOICE and self.paid:
            return "paid" if self.paid >= self.invoice.payable else "partly_paid"
        return "issued"

    @property
    def due(self) -> int:
        """What is left to pay (0 for a credit note and a credited invoice)."""
        if self.invoice.kind is not InvoiceKind.INVOICE or self.credited_by is not None:
            return 0
        return max(0, self.invoice.payable - self.paid)

    def overdue(self, today: date) -> bool:
        return self.due > 0 and self.invoice.due_date is not None \
            and self.invoice.due_date < today


def _paid() -> Any:
    """What is paid on the invoice of the query (a correlated sum)."""
    return (select(func.coalesce(func.sum(Payment.amount), 0))
            .where(Payment.invoice_id == Invoice.id).scalar_subquery())


# Made once: an alias proxies every column of the table, which costs more to build than the
# rest of the statement (the start page reads the overdue invoices on every request)
CREDIT_NOTE = aliased(Invoice, name="credit_note")
CREDITED = aliased(Invoice, name="credited")
ANY_CREDIT = aliased(Invoice, name="any_credit")


def _query(*conditions: Any) -> Any:
    return (select(Invoice, _paid(), CREDIT_NOTE.number, CREDITED.number)
            .outerjoin(CREDIT_NOTE, CREDIT_NOTE.credits_id == Invoice.id)
            .outerjoin(CREDITED, CREDITED.id == Invoice.credits_id)
            .where(*conditions)
            .options(selectinload(Invoice.municipality)))


def rows(*, year: int | None = None, municipality_id: int | None = None,
         limit: int | None = None, with_lines: bool = False) -> list[InvoiceRow]:
    conditions = []
    if year is not None:
        conditions.append(Invoice.year == year)
    if municipality_id is not None:
        conditions.append(Invoice.municipality_id == municipality_id)
    query = _query(*conditions).order_by(Invoice.year.desc(), Invoice.sequence)
    if with_lines:
        query = query.options(selectinload(Invoice.lines))
    if limit is not None:
        query = query.limit(limit)
    return [InvoiceRow(invoice, int(paid), credited_by, credits)
            for invoice, paid, credited_by, credits in db.session.execute(query)]


def one(number: str) -> InvoiceRow:
    found = db.session.execute(_query(Invoice.number == number)
                               .options(selectinload(Invoice.lines))).first()
    if found is None:
        raise NotFound(_("No invoice %(number)s.", number=number))
    invoice, paid, credited_by, credits = found
    return InvoiceRow(invoice, int(paid), credited_by, credits)


def overdue_invoices(limit: int = 50, municipality_id: int | None = None
                     ) -> list[InvoiceRow]:
    """Invoices past their due date with something left to pay, the oldest first (of one
    municipality when given)."""
    today = clock.today()
    conditions = [Invoice.kind == InvoiceKind.INVOICE, Invoice.due_date < today,
                  ~select(ANY_CREDIT.id).where(ANY_CREDIT.credits_id == Invoice.id).exists(),
                  _paid() < Invoice.payable]
    if municipality_id is not None:
        conditions.append(Invoice.municipality_id == municipality_id)
    query = (_query(*conditions)
             .order_by(Invoice.due_date, Invoice.sequence).limit(limit))
    return [InvoiceRow(invoice, int(paid_sum), credited_by, credits)
            for invoice, paid_sum, credited_by, credits in db.session.execute(query)]


def payments_of(invoice: Invoice) -> list[Payment]:
    return list(db.session.scalars(select(Payment).where(Payment.invoice_id == invoice.id)
                                   .order_by(Payment.paid_on, Payment.id)))


def record_payment(number: str, paid_on: date | None, amount: int | None, reference: str = "",
                   *, actor: User | None = None) -> Payment:
    """Record a payment received on an invoice: no more than is left to pay, never before it
    was issued nor after today, never on a credited invoice or a credit note."""
    # Read under the invoice's row lock (PostgreSQL): two payments recorded at once are
    # checked one after the other against what is left.
    locked = db.session.scalar(select(Invoice).where(Invoice.number == number)
                               .with_for_update())
    if locked is None:
        raise NotFound(_("No invoice %(number)s.", number=number))
    row = one(number)
    invoice = row.invoice
    if invoice.kind is not InvoiceKind.INVOICE:
        raise Conflict(_("A credit note is not paid: record the payment on an invoice."))
    if row.credited_by is not None:
        raise Conflict(_("Invoice %(number)s is credited (by %(credit)s): nothing is left to "
                         "pay.", number=invoice.number, credit=row.credited_by))
    if row.due == 0:
        raise Conflict(_("Invoice %(number)s is paid.", number=invoice.number))
    errors: dict[str, str] = {}
    if paid_on is None:
        errors["paid_on"] = _("Give the day the payment arrived (YYYY-MM-DD).")
    elif paid_on > clock.today():
        errors["paid_on"] = _("A payment cannot arrive after today.")
    elif paid_on < invoice.issue_date:
        errors["paid_on"] = _("The invoice was issued on %(day)s: a payment on it cannot "
                              "arrive before.", day=invoice.issue_date.isoformat())
    if amount is None or amount <= 0:
        errors["amount"] = _("Give the amount paid, above zero.")
    elif amount > row.due:
        errors["amount"] = _("More than is due: %(due)s is left to pay.",
                             due=f"{row.due // 100}.{row.due % 100:02d}")
    reference = (reference or "").strip()
    if len(reference) > 100:
        errors["reference"] = _("At most 100 characters.")
    if errors:
        raise Invalid(_("The payment was not recorded."), errors)
    assert paid_on is not None and amount is not None
    payment = Payment(invoice_id=invoice.id, paid_on=paid_on, amount=amount,
                      reference=reference, actor_id=actor.id if actor else None)
    db.session.add(payment)
    db.session.flush()
    record("invoice.payment", "invoices", invoice.id,
           after={"number": invoice.number, "paid_on": paid_on.isoformat(), "amount": amount,
                  "reference": reference}, actor=actor)
    return payment
