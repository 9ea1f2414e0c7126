"""Who cost sharing tells what, by e-mail (SPEC "Notices"): a budget adopted and a year closed,
to the finance users of the municipalities concerned, each with their municipality's figure.
Written to the outbox inside the caller's transaction; the worker sends."""

from __future__ import annotations

from sqlalchemy import select

from consortium import db
from consortium.auth.models import Role, User
from consortium.members.models import Municipality
from consortium.notices.service import notify


def _finance_users(codes: set[str]) -> list[tuple[User, Municipality]]:
    if not codes:
        return []
    return [(user, municipality) for user, municipality in db.session.execute(
        select(User, Municipality).join(Municipality, Municipality.id == User.municipality_id)
        .where(User.role == Role.FINANCE, User.active.is_(True), Municipality.code.in_(
            sorted(codes))))]


def budget_adopted(tool_slug: str, tool_name: str, year: int, amounts: dict[str, int]) -> None:
    """`amounts`: each participant's share in öre, by kommunkod."""
    for user, municipality in _finance_users(set(amounts)):
        notify([user], "budget_adopted",
               {"tool": tool_name, "year": year, "municipality": municipality.name,
                "amount": amounts[municipality.code]},
               f"/costs/budgets/{tool_slug}/{year}")


def year_closed(year: int) -> None:
    from consortium.costs.queries import statement

    users = _finance_users(set(db.session.scalars(select(Municipality.code).join(
        User, User.municipality_id == Municipality.id).where(User.role == Role.FINANCE))))
    totals: dict[int, int] = {}
    for user, municipality in users:
        if municipality.id not in totals:
            totals[municipality.id] = statement(municipality, year).total
        notify([user], "year_closed",
               {"year": year, "municipality": municipality.name,
                "amount": totals[municipality.id]},
               f"/costs/statements/{municipality.code}/{year}", once=f"year{year}")
