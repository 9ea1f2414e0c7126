"""What waits for a finance officer, for their start page: budget drafts to adopt, years
that can be closed (or what keeps them open), and the statements already issued."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import literal, select, union

from consortium import clock, db
from consortium.auth.models import User
from consortium.costs.closing import reasons_for_years
from consortium.costs.models import Budget, BudgetStatus, ClosedYear
from consortium.costs.queries import latest_by_year
from consortium.frame import stamps
from consortium.members.models import Municipality


@dataclass
class Worklist:
    consortium_wide: bool  # may adopt and close (not tied to a municipality)
    drafts: list[Budget] = field(default_factory=list)
    closable: list[int] = field(default_factory=list)
    open_reasons: dict[int, list[str]] = field(default_factory=dict)
    closed: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class KeptWorklist:
    made: Markup  # the worklist, rendered
    nothing_waits: bool


KEPT: stamps.Memo[KeptWorklist] = stamps.Memo()


def kept_worklist(user: User) -> KeptWorklist:
    """The worklist as the start page shows it, kept under the costs stamp (frame/stamps.py):
    it reads budgets, closed years and fee schedules, and names the user's municipality."""
    today = clock.today()
    return KEPT.get(stamps.current(stamps.COSTS),
                    (today, user.municipality_id, str(get_locale())),
                    lambda: _made(user, today))


def _made(user: User, today: date) -> KeptWorklist:
    work = worklist(user, today)
    municipality = db.session.get(Municipality, user.municipality_id) \
        if user.municipality_id is not None else None
    return KeptWorklist(
        Markup(render_template("costs/_worklist.html", work=work, municipality=municipality)),
        not (work.drafts or work.closable or work.open_reasons or work.closed))


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
