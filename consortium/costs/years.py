"""Closed years (SPEC "Time"): which years are closed, the refusal of edits that would change
their figures, the versions they issued, and the adjustments a later version makes. Closing
itself is in closing.py."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from consortium import db
from consortium.costs.models import (
    Adjustment,
    AllocationLine,
    Budget,
    BudgetStatus,
    ClosedYear,
    FeeSchedule,
)
from consortium.errors import Conflict


def closed(year: int) -> ClosedYear | None:
    return db.session.get(ClosedYear, year)


def closed_years() -> set[int]:
    return set(db.session.scalars(select(ClosedYear.year)))


def refuse_if_closed(year: int, what: str, hint: str = "") -> None:
    """409 for an edit that would change the figures of a closed year."""
    if closed(year) is not None:
        raise Conflict(" ".join(filter(None, [
            _("%(year)s is closed: %(what)s can no longer change.", year=year, what=what),
            hint])))


def next_open_year(year: int) -> int:
    """The first year after `year` that is not closed: where an adjustment is billed."""
    shut = closed_years()
    following = year + 1
    while following in shut:
        following += 1
    return following


def issued_budgets(year: int, as_of: datetime) -> list[Budget]:
    """Each tool's version that was adopted when the year was closed: the issued figures."""
    latest: dict[int, Budget] = {}
    for budget in db.session.scalars(
            select(Budget).where(Budget.year == year, Budget.status == BudgetStatus.ADOPTED,
                                 Budget.adopted_at <= as_of).order_by(Budget.version)):
        latest[budget.tool_id] = budget
    return list(latest.values())


def adjust(budget: Budget, previous: Budget) -> list[Adjustment]:
    """On adopting a new version of a closed year's budget: the difference per municipality
    against the version it replaces, billed on the next open year's statement."""
    amounts: dict[int, dict[int, int]] = defaultdict(dict)
    for line in db.session.scalars(select(AllocationLine).where(
            AllocationLine.budget_id.in_([budget.id, previous.id]))):
        amounts[line.budget_id][line.municipality_id] = line.amount
    new, old = amounts[budget.id], amounts[previous.id]
    year = next_open_year(budget.year)
    made = []
    for municipality_id in sorted(set(new) | set(old)):
        difference = new.get(municipality_id, 0) - old.get(municipality_id, 0)
        if difference:
            made.append(Adjustment(year=year, budget_id=budget.id, municipality_id=municipality_id,
                                   amount=difference, reason=budget.change_reason or ""))
    db.session.add_all(made)
    return made


def fee_schedule_years() -> dict[int, int]:
    """{fee year: population year used} of every schedule (for the locks on figures)."""
    return {year: population_year if population_year is not None else year - 2
            for year, population_year in db.session.execute(
                select(FeeSchedule.year, FeeSchedule.population_year))}


def locked_population_years() -> dict[int, int]:
    """{population year: the closed year that used it} for budgets and fee schedules."""
    shut = closed_years()
    if not shut:
        return {}
    used: dict[int, int] = {}
    for fee_year, population_year in fee_schedule_years().items():
        if fee_year in shut:
            used.setdefault(population_year, fee_year)
    for year, key_year in db.session.execute(
            select(Budget.year, Budget.key_population_year).where(
                Budget.year.in_(shut), Budget.status == BudgetStatus.ADOPTED,
                Budget.key_population_year.is_not(None))):
        if key_year is not None:
            used.setdefault(key_year, year)
    return used


def first_closed_in(start: date, end: date | None) -> int | None:
    """The first closed year that the inclusive range start..end (None: open) touches."""
    for year in sorted(closed_years()):
        if start <= date(year, 12, 31) and (end is None or end >= date(year, 1, 1)):
            return year
    return None
