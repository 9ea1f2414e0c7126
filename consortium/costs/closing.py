"""Closing a year: refused with the reasons while a budget is a draft or the fee schedule is
missing; once closed, the year's statements are final (issued and kept when printed)."""

from __future__ import annotations

from flask_babel import gettext as _

from consortium import db
from consortium.audit.service import record
from consortium.auth.models import User
from consortium.costs import notices
from consortium.costs.fee_schedules import fee_schedule
from consortium.costs.models import BudgetStatus, ClosedYear
from consortium.costs.queries import fees_by_code, latest_budgets
from consortium.costs.years import closed
from consortium.errors import Conflict
from consortium.jobs import service as jobs


def reasons_not_to_close(year: int) -> list[str]:
    """Why the year cannot be closed yet (empty: it can)."""
    reasons = []
    if closed(year) is not None:
        reasons.append(_("%(year)s is already closed.", year=year))
        return reasons
    for budget in latest_budgets(year):
        if budget.status is not BudgetStatus.ADOPTED:
            reasons.append(_("The budget of %(tool)s (version %(version)s) is not adopted.",
                             tool=budget.tool.name, version=budget.version))
    if fee_schedule(year) is None:
        reasons.append(_("There is no membership fee schedule for %(year)s.", year=year))
    else:
        _fees, problem = fees_by_code(year)
        if problem:
            reasons.append(problem)
    return reasons


def close_year(year: int, *, actor: User | None = None, actor_label: str | None = None
               ) -> ClosedYear:
    reasons = reasons_not_to_close(year)
    if reasons:
        raise Conflict(_("%(year)s cannot be closed yet.", year=year),
                       {f"reason_{index}": reason for index, reason in enumerate(reasons, 1)})
    closing = ClosedYear(year=year, closed_by_id=actor.id if actor else None)
    db.session.add(closing)
    db.session.flush()
    # Issuing every statement of the year (kept, and as one ZIP) is long work: the job row is
    # written in this transaction and handed to the worker after the commit.
    issuing = jobs.submit("statements_zip", {"year": year},
                          user_id=actor.id if actor else None)
    record("year.close", "year", year, after={"year": year}, actor=actor,
           actor_label=actor_label)
    notices.year_closed(year)
    db.after_commit(lambda: jobs.start(issuing.id))
    return closing
