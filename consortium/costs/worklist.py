"""What waits for a finance officer, for their start page: budget drafts to adopt, years
that can be closed (or what keeps them open), and the statements already issued."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from consortium import clock, db
from consortium.auth.models import User
from consortium.costs.closing import reasons_not_to_close
from consortium.costs.models import Budget, BudgetStatus, ClosedYear
from consortium.costs.queries import latest_budgets


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
    years = sorted(set(db.session.scalars(select(Budget.year).distinct())) | {today.year})
    closed = set(db.session.scalars(select(ClosedYear.year)))
    found.closed = sorted(closed, reverse=True)[:5]
    for year in years:
        if year in closed:
            continue
        drafts = [b for b in latest_budgets(year, None) if b.status is BudgetStatus.DRAFT]
        found.drafts += drafts
        if year <= today.year:
            reasons = reasons_not_to_close(year)
            if reasons:
                found.open_reasons[year] = reasons
            else:
                found.closable.append(year)
    return found
