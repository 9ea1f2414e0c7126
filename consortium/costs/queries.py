"""A year's allocations for all tools at once, the statement of a municipality, and the
finance overview: a fixed number of statements however many tools and municipalities."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from consortium import db
from consortium.costs import inputs, years
from consortium.costs.allocation import NEEDS_POPULATION, AllocationError, allocate
from consortium.costs.fee_schedules import fee_schedule, fees_for
from consortium.costs.fees import FeeLine
from consortium.costs.models import Adjustment, AllocationLine, Budget, BudgetStatus
from consortium.costs.service import (
    AllocationView,
    ViewLine,
    explain,
    key_of,
    view_of,
)
from consortium.errors import Invalid
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
    """Every tool's current budget for the year with its allocation: frozen lines when
    adopted, computed from the register when a draft."""
    budgets = latest_budgets(year)
    adopted = [b for b in budgets if b.status is BudgetStatus.ADOPTED]
    drafts = [b for b in budgets if b.status is BudgetStatus.DRAFT]
    frozen: dict[int, list[ViewLine]] = defaultdict(list)
    if adopted:
        for line in db.session.scalars(
                select(AllocationLine).where(AllocationLine.budget_id.in_([b.id for b in adopted]))
                .options(selectinload(AllocationLine.municipality))):
            frozen[line.budget_id].append(ViewLine(
                line.municipality.code, line.municipality.name, line.basis,
                Fraction(line.fraction), Fraction(line.share), line.amount))
    requests = {}
    for budget in drafts:
        key = key_of(budget)
        requests[budget.tool_id] = (year, key.effective_population_year(year)
                                    if key.method in NEEDS_POPULATION else None)
    people = inputs.participants(requests)
    result = []
    for budget in budgets:
        key = key_of(budget)
        if budget.status is BudgetStatus.ADOPTED:
            lines = sorted(frozen[budget.id], key=lambda line: line.code)
            result.append(ToolYear(budget.tool, budget,
                                   AllocationView(budget, key, key.population_year, lines)))
            continue
        try:
            allocation = allocate(budget.amount, key, year,
                                  [p for _mid, p in people.get(budget.tool_id, [])])
        except AllocationError as error:
            result.append(ToolYear(budget.tool, budget, None, explain(error).message))
            continue
        result.append(ToolYear(budget.tool, budget, view_of(allocation, budget)))
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


def fees_by_code(year: int) -> tuple[dict[str, FeeLine], str | None]:
    """Every member's fee line of the year by code, or the reason it cannot be computed."""
    schedule = fee_schedule(year)
    if schedule is None:
        return {}, None
    try:
        return {line.code: line for line in fees_for(schedule)}, None
    except Invalid as error:
        return {}, error.message


def statement(municipality: Municipality, year: int) -> Statement:
    """Every tool the municipality takes part in during the year (a line "not decided" for a
    tool without a budget), the membership fee (or that it is missing) and the adjustments
    billed this year for closed years' later budget versions."""
    lines, problems = [], []
    allocations = {item.tool.id: item for item in year_allocations(year)}
    taking_part = list(db.session.scalars(
        select(Tool).where(Tool.id.in_(select(Participation.tool_id).where(
            Participation.municipality_id == municipality.id,
            Participation.joined_on <= date(year, 12, 31),
            or_(Participation.left_on.is_(None), Participation.left_on >= date(year, 1, 1)))))
        .order_by(Tool.name)))
    for tool in taking_part:
        item = allocations.get(tool.id)
        if item is None:
            lines.append(StatementLine(tool, None, None))
            continue
        if item.view is None:
            problems.append(f"{tool.name}: {item.problem}")
            lines.append(StatementLine(tool, item.budget, None))
            continue
        line = next((line for line in item.view.lines if line.code == municipality.code), None)
        lines.append(StatementLine(tool, item.budget, line))
    fees, fee_problem = fees_by_code(year)
    if fee_problem:
        problems.append(fee_problem)
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
    totals: dict[str, int] = defaultdict(int)
    for item in year_allocations(year):
        for line in item.view.lines if item.view else []:
            totals[line.code] += line.amount
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
        select(Municipality).where(Municipality.code.in_(codes)))} if codes else {}
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
