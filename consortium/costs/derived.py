"""Which stored figures an input change touches (SPEC "Time": derived figures are stored when
their inputs change, in the same transaction). Exactly the drafts and fee schedules whose
figures the change can alter are recomputed; adopted budgets and closed years never are."""

from __future__ import annotations

from datetime import date
from typing import Any, assert_never

from sqlalchemy import and_, exists, or_, select

from consortium import db
from consortium.costs.allocation import NEEDS_POPULATION
from consortium.costs.fee_schedules import store_fees
from consortium.costs.models import Budget, BudgetStatus, ClosedYear, FeeSchedule, KeyMethod
from consortium.costs.service import lock_budgets, store_allocation
from consortium.rules import (
    FigureChange,
    MembershipChange,
    ParticipationChange,
    PopulationChange,
    UsageChange,
)
from consortium.tools.models import Participation

_POPULATION_KEYS = [KeyMethod(method.value) for method in NEEDS_POPULATION]


def _took_part(budget: Budget, municipality_ids: list[int]) -> bool:
    """True when one of the municipalities took part in the budget's tool in its year."""
    return bool(db.session.scalar(select(exists().where(
        Participation.tool_id == budget.tool_id,
        db.any_of(Participation.municipality_id, municipality_ids),
        Participation.joined_on <= date(budget.year, 12, 31),
        or_(Participation.left_on.is_(None),
            Participation.left_on >= date(budget.year, 1, 1))))))


def touched_drafts(change: FigureChange) -> list[Budget]:
    """The draft budgets whose stored lines the change can alter."""
    conditions: list[Any]
    match change:
        case PopulationChange(year=year):
            conditions = [
                Budget.key_method.in_(_POPULATION_KEYS),
                or_(Budget.key_population_year == year,
                    and_(Budget.key_population_year.is_(None), Budget.year == year + 2))]
        case UsageChange(tool_id=tool_id, year=year):
            conditions = [Budget.key_method == KeyMethod.USAGE, Budget.tool_id == tool_id,
                          Budget.year == year]
        case ParticipationChange(tool_id=tool_id, start=start, end=end):
            conditions = [Budget.tool_id == tool_id, Budget.year >= start.year]
            if end is not None:
                conditions.append(Budget.year <= end.year)
        case MembershipChange():
            return []  # the keys weigh participants; membership moves only the fees
        case _:
            assert_never(change)
    drafts = list(db.session.scalars(select(Budget).where(
        Budget.status == BudgetStatus.DRAFT, *conditions).order_by(Budget.id)))
    if isinstance(change, PopulationChange):
        ids = list(change.municipality_ids)
        drafts = [budget for budget in drafts if _took_part(budget, ids)]
    return drafts


def touched_schedules(change: FigureChange) -> list[FeeSchedule]:
    """The open years' fee schedules whose stored lines the change can alter."""
    open_year = ~exists().where(ClosedYear.year == FeeSchedule.year)
    match change:
        case PopulationChange(year=year):
            condition = or_(FeeSchedule.population_year == year,
                            and_(FeeSchedule.population_year.is_(None),
                                 FeeSchedule.year == year + 2))
        case MembershipChange(on=on):
            condition = FeeSchedule.year >= on.year
        case UsageChange() | ParticipationChange():
            return []
        case _:
            assert_never(change)
    return list(db.session.scalars(select(FeeSchedule).where(condition, open_year)
                                   .order_by(FeeSchedule.year)))


def recompute(change: FigureChange) -> tuple[list[Budget], list[FeeSchedule]]:
    """Recompute and store what the change touches; returns what was recomputed."""
    db.session.flush()
    drafts = still_drafts(touched_drafts(change))
    for budget in drafts:
        store_allocation(budget)
    schedules = touched_schedules(change)
    for schedule in schedules:
        store_fees(schedule)
    return drafts, schedules


def still_drafts(drafts: list[Budget]) -> list[Budget]:
    """Take the lock that adoption takes on each tool (in the tools' order, so that two
    changes never wait for each other), then keep the budgets that are drafts still: one
    adopted meanwhile is never written again (issue 22: its lines were rewritten)."""
    tools = {budget.tool_id: budget.tool for budget in drafts}
    for tool_id in sorted(tools):
        lock_budgets(tools[tool_id])  # also reads the tool's versions anew
    return [budget for budget in drafts if budget.status is BudgetStatus.DRAFT]


def recompute_everything() -> tuple[int, int]:
    """Every draft and every open year's fees (after an upgrade: `flask costs refresh`)."""
    drafts = still_drafts(list(db.session.scalars(select(Budget).where(
        Budget.status == BudgetStatus.DRAFT))))
    for budget in drafts:
        store_allocation(budget)
    schedules = list(db.session.scalars(select(FeeSchedule).where(
        ~exists().where(ClosedYear.year == FeeSchedule.year))))
    for schedule in schedules:
        store_fees(schedule)
    return len(drafts), len(schedules)
