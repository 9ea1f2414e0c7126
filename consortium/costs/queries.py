"""A year's allocations for all tools at once, the statement of a municipality, and the
finance overview: a fixed number of statements however many tools and municipalities."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from consortium import db
from consortium.costs import years
from consortium.costs.fee_schedules import fee_problem, fee_schedule, stored_fees
from consortium.costs.fees import FeeLine
from consortium.costs.models import Adjustment, AllocationLine, Budget, BudgetStatus, FeeSchedule
from consortium.costs.service import (
    AllocationView,
    ViewLine,
    problem_of,
    stored_lines,
    view_from,
)
from consortium.members.models import Municipality, member_between, swedish_key
from consortium.tools.models import Participation, Tool


@dataclass
class ToolYear:
    tool: Tool
    budget: Budget
    view: AllocationView | None
    problem: str | None = None


def latest_budgets(year: int) -> list[Budget]:
    """Each tool's current version; for a closed year the version it issued (a later version
    is billed as adjustments on a later statement, never changes an issued one)."""
    closing = years.closed(year)
    query = select(Budget).where(Budget.year == year)
    if closing is not None:
        query = query.where(Budget.status == BudgetStatus.ADOPTED,
                            Budget.adopted_at <= closing.closed_at)
    rows = db.session.scalars(query.options(selectinload(Budget.tool))
                              .order_by(Budget.tool_id, Budget.version))
    latest: dict[int, Budget] = {}
    for budget in rows:
        latest[budget.tool_id] = budget
    return sorted(latest.values(), key=lambda b: b.tool.name)


def year_allocations(year: int) -> list[ToolYear]:
    """Every tool's current budget for the year with its stored allocation (frozen lines when
    adopted, the lines stored at a draft's last input change otherwise): nothing computed."""
    budgets = latest_budgets(year)
    lines = stored_lines([b.id for b in budgets])
    result = []
    for budget in budgets:
        problem = problem_of(budget)
        result.append(ToolYear(budget.tool, budget, None if problem else
                               view_from(budget, lines[budget.id]), problem))
    return result


@dataclass
class StatementLine:
    """A tool the municipality takes part in during the year: its line of the tool's budget,
    or no line while the tool has no budget for the year (status "not_decided")."""

    tool: Tool
    budget: Budget | None
    line: ViewLine | None

    @property
    def status(self) -> str:
        return self.budget.status.value if self.budget is not None else "not_decided"

    @property
    def amount(self) -> int | None:
        return self.line.amount if self.line is not None else None


@dataclass
class AdjustmentLine:
    tool: Tool
    origin_year: int
    version: int
    amount: int
    reason: str


@dataclass
class Statement:
    municipality: Municipality
    year: int
    lines: list[StatementLine]
    fee: FeeLine | None
    problems: list[str] = field(default_factory=list)
    closed: bool = False
    fee_missing: bool = False  # a member, but the year has no fee schedule yet
    adjustments: list[AdjustmentLine] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (sum(item.amount or 0 for item in self.lines)
                + (self.fee.amount if self.fee else 0)
                + sum(item.amount for item in self.adjustments))

    @property
    def preliminary(self) -> bool:
        """Until the year is closed a statement is preliminary (SPEC "Time")."""
        return not self.closed


def fees_by_code(year: int, municipality_id: int | None = None
                 ) -> tuple[dict[str, FeeLine], str | None]:
    """The members' stored fee lines of the year by code (of one municipality when given), or
    the reason they cannot be computed."""
    schedule = db.session.scalar(select(FeeSchedule).where(FeeSchedule.year == year))
    if schedule is None:
        return {}, None
    problem = fee_problem(schedule)
    if problem is not None:
        return {}, problem
    return {line.code: line for line in stored_fees(year, municipality_id)}, None


def statement(municipality: Municipality, year: int) -> Statement:
    """Every tool the municipality takes part in during the year (a line "not decided" for a
    tool without a budget), the membership fee (or that it is missing) and the adjustments
    billed this year for closed years' later budget versions. Reads the stored lines of this
    municipality only: its cost does not grow with the number of other participants."""
    budgets = {budget.tool_id: budget for budget in latest_budgets(year)}
    taking_part = list(db.session.scalars(
        select(Tool).where(Tool.id.in_(select(Participation.tool_id).where(
            Participation.municipality_id == municipality.id,
            Participation.joined_on <= date(year, 12, 31),
            or_(Participation.left_on.is_(None), Participation.left_on >= date(year, 1, 1)))))
        .order_by(Tool.name)))
    mine = stored_lines([budgets[tool.id].id for tool in taking_part if tool.id in budgets],
                        municipality.id)
    lines, problems = [], []
    for tool in taking_part:
        budget = budgets.get(tool.id)
        if budget is None:
            lines.append(StatementLine(tool, None, None))
            continue
        problem = problem_of(budget)
        if problem is not None:
            problems.append(f"{tool.name}: {problem}")
        found = mine.get(budget.id) or [None]
        lines.append(StatementLine(tool, budget, None if problem else found[0]))
    fees, fee_problem_text = fees_by_code(year, municipality.id)
    if fee_problem_text:
        problems.append(fee_problem_text)
    fee_missing = fee_schedule(year) is None and db.session.scalar(
        select(Municipality.id).where(Municipality.id == municipality.id,
                                      member_between(date(year, 1, 1), date(year, 12, 31)))
    ) is not None
    adjustments = [
        AdjustmentLine(budget.tool, budget.year, budget.version, adjustment.amount,
                       adjustment.reason)
        for adjustment, budget in db.session.execute(
            select(Adjustment, Budget).join(Budget, Budget.id == Adjustment.budget_id)
            .where(Adjustment.year == year, Adjustment.municipality_id == municipality.id)
            .options(selectinload(Budget.tool)).order_by(Budget.year, Adjustment.id))]
    return Statement(municipality, year, lines, fees.get(municipality.code), problems,
                     closed=years.closed(year) is not None, fee_missing=fee_missing,
                     adjustments=adjustments)


@dataclass
class OverviewRow:
    municipality: Municipality
    amounts: list[int | None]  # per tool, in the order of Overview.tools
    fee: int | None
    previous_total: int | None

    @property
    def total(self) -> int:
        return sum(a for a in self.amounts if a) + (self.fee or 0)

    @property
    def change(self) -> int | None:
        return None if self.previous_total is None else self.total - self.previous_total


@dataclass
class Overview:
    year: int
    tools: list[ToolYear]
    rows: list[OverviewRow]
    fee_total: int
    problems: list[str]

    @property
    def tool_totals(self) -> list[int]:
        return [sum(row.amounts[i] or 0 for row in self.rows) for i in range(len(self.tools))]

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)


def _totals_by_code(year: int) -> dict[str, int]:
    """Each municipality's total of the year (stored lines of the current budgets and fees),
    summed by the database."""
    totals: dict[str, int] = defaultdict(int)
    ids = [budget.id for budget in latest_budgets(year) if problem_of(budget) is None]
    if ids:
        for code, amount in db.session.execute(
                select(Municipality.code, func.sum(AllocationLine.amount))
                .join(Municipality, Municipality.id == AllocationLine.municipality_id)
                .where(db.any_of(AllocationLine.budget_id, ids)).group_by(Municipality.code)):
            totals[code] += int(amount)
    for code, fee in fees_by_code(year)[0].items():
        totals[code] += fee.amount
    return totals


def overview(year: int, county: str = "", tool_slug: str = "") -> Overview:
    tool_years = [t for t in year_allocations(year) if not tool_slug or t.tool.slug == tool_slug]
    fees, fee_problem = fees_by_code(year)
    problems = [f"{t.tool.name}: {t.problem}" for t in tool_years if t.problem]
    if fee_problem:
        problems.append(fee_problem)
    per_code: dict[str, list[int | None]] = defaultdict(lambda: [None] * len(tool_years))
    for index, item in enumerate(tool_years):
        for line in item.view.lines if item.view else []:
            per_code[line.code][index] = line.amount
    codes = set(per_code) | (set(fees) if not tool_slug else set())
    municipalities = {m.code: m for m in db.session.scalars(
        select(Municipality).where(db.any_of(Municipality.code, codes)))} if codes else {}
    previous = _totals_by_code(year - 1)
    rows = []
    for code in sorted(codes, key=lambda c: swedish_key(municipalities[c].name)):
        municipality = municipalities[code]
        if county and municipality.county != county:
            continue
        fee = fees[code].amount if code in fees and not tool_slug else None
        rows.append(OverviewRow(municipality, per_code[code], fee,
                                previous.get(code) if not tool_slug else None))
    return Overview(year, tool_years, rows, sum(r.fee or 0 for r in rows), problems)
