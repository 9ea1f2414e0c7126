"""Who invoicing tells what (SPEC "Notices"): the finance users of a municipality learn that
an invoice or credit note was issued to it. Written into the issuing transaction."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from consortium import db
from consortium.auth.models import Role, User
from consortium.invoicing.models import Invoice
from consortium.notices.service import notify


def issued(invoices: list[Invoice]) -> None:
    if not invoices:
        return
    users: dict[int, list[User]] = defaultdict(list)
    for user in db.session.scalars(select(User).where(
            User.role == Role.FINANCE, User.active.is_(True),
            db.any_of(User.municipality_id, sorted({i.municipality_id for i in invoices})))):
        assert user.municipality_id is not None
        users[user.municipality_id].append(user)
    for invoice in invoices:
        notify(users[invoice.municipality_id], "invoice_issued",
               {"number": invoice.number, "kind": invoice.kind.value, "year": invoice.year,
                "municipality": invoice.buyer["name"], "amount": invoice.payable,
                "due_date": invoice.due_date.isoformat() if invoice.due_date else None},
               f"/invoices/{invoice.number}")
