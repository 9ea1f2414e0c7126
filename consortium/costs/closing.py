"""Closing a year: refused with the reasons while a budget is a draft or the fee schedule is
missing; once closed, the year's statements are final (issued and kept when printed)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from consortium import db
from consortium.audit.service import record
from consortium.auth.models import User
from consortium.costs import notices
from consortium.costs.fee_schedules import fee_problem
from consortium.costs.models import Budget, BudgetStatus, ClosedYear, FeeSchedule
from consortium.costs.queries import latest_by_year
from consortium.errors import Conflict
from consortium.jobs import service as jobs


def reasons_not_to_close(year: int) -> list[str]:
    """Why the year cannot be closed yet (empty: it can)."""
    return reasons_for_years([year])[year]


def reasons_for_years(wanted: list[int], budgets: dict[int, list[Budget]] | None = None,
                      closed: set[int] | None = None) -> dict[int, list[str]]:
    """Why each year cannot be closed yet, read in a fixed number of statements whatever the
    number of years, tools or municipalities: the closed years (`closed`: every closed year,
    when the caller has read them), the tools' current budgets (given when the caller has
    read them), the fee schedules with the problem stored."""
    done = set(db.session.scalars(select(ClosedYear.year).where(ClosedYear.year.in_(wanted)))) \
        if closed is None else closed & set(wanted)
    open_years = [year for year in wanted if year not in done]
    if budgets is None:
        budgets = latest_by_year(open_years)
    schedules = {schedule.year: schedule for schedule in db.session.scalars(
        select(FeeSchedule).where(FeeSchedule.year.in_(open_years)))} if open_years else {}
    found: dict[int, list[str]] = {}
    for year in wanted:
        if year in done:
            found[year] = [_("%(year)s is already closed.", year=year)]
            continue
        reasons = [_("The budget of %(tool)s (version %(version)s) is not adopted.",
                     tool=budget.tool.name, version=budget.version)
                   for budget in budgets[year] if budget.status is not BudgetStatus.ADOPTED]
        schedule = schedules.get(year)
        if schedule is None:
            reasons.append(_("There is no membership fee schedule for %(year)s.", year=year))
        elif problem := fee_problem(schedule):
            reasons.append(problem)
        found[year] = reasons
    return found


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
    # ... in every language, the consortium's own first (kept documents: issue "Fast at any
    # size"), whatever the language of the request that closed it
    issuing = jobs.submit("statements_zip", {"year": year, "every_language": True},
                          user_id=actor.id if actor else None,
                          lang=str(db.app_config()["BABEL_DEFAULT_LOCALE"]))
    record("year.close", "year", year, after={"year": year}, actor=actor,
           actor_label=actor_label)
    notices.year_closed(year)
    db.after_commit(lambda: jobs.start(issuing.id))
    return closing
