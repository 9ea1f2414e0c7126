"""What waits for a finance officer, for their start page: budget drafts to adopt, years
that can be closed (or what keeps them open), and the statements already issued."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import literal, select, union

from consortium import clock, db
from consortium.auth.models import User
from consortium.costs.closing import reasons_for_years
from consortium.costs.models import Budget, BudgetStatus, ClosedYear
from consortium.costs.queries import latest_by_year


@dataclass
class Worklist:
    consortium_wide: bool  # may adopt and close (not tied to a municipality)
    drafts: list[Budget] = field(default_factory=list)
    closable: list[int] = field(default_factory=list)
    open_reasons: dict[int, list[str]] = field(default_factory=dict)
    closed: list[int] = field(default_factory=list)


def worklist(user: User, today: date | None = None) -> Worklist:
    today = today or clock.today()
    found = Worklist(consortium_wide=user.municipality_id is None)
    # the years with a budget and the closed years, in one statement
    budgeted: set[int] = {today.year}
    closed: set[int] = set()
    for year, is_closed in db.session.execute(union(
            select(Budget.year, literal(False)), select(ClosedYear.year, literal(True)))):
        (closed if is_closed else budgeted).add(year)
    found.closed = sorted(closed, reverse=True)[:5]
    open_years = [year for year in sorted(budgeted) if year not in closed]
    budgets = latest_by_year(open_years)
    reasons = reasons_for_years([year for year in open_years if year <= today.year], budgets,
                                closed)
    for year in open_years:
        found.drafts += [b for b in budgets[year] if b.status is BudgetStatus.DRAFT]
        if year in reasons:
            if reasons[year]:
                found.open_reasons[year] = reasons[year]
            else:
                found.closable.append(year)
    return found
