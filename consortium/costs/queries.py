"""A year's allocations for all tools at once, the statement of a municipality, and the
finance overview: a fixed number of statements however many tools and municipalities."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium import db
from consortium.costs import inputs
from consortium.costs.allocation import NEEDS_POPULATION, AllocationError, allocate
from consortium.costs.fee_schedules import fee_schedule, fees_for
from consortium.costs.fees import FeeLine
from consortium.costs.models import AllocationLine, Budget, BudgetStatus
from consortium.costs.service import (
    AllocationView,
    ViewLine,
    explain,
    key_of,
    view_of,
)
from consortium.errors import Invalid
from consortium.members.models import Municipality, swedish_key
from consortium.tools.models import Tool


@dataclass
class ToolYear:
    tool: Tool
    budget: Budget
    view: AllocationView | None
    problem: str | None = None


def latest_budgets(year: int) -> list[Budget]:
    rows = db.session.scalars(select(Budget).where(Budget.year == year)
                              .options(selectinload(Budget.tool))
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
    tool: Tool
    budget: Budget
    line: ViewLine


@dataclass
class Statement:
    municipality: Municipality
    year: int
    lines: list[StatementLine]
    fee: FeeLine | None
    problems: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(item.line.amount for item in self.lines) + (self.fee.amount if self.fee else 0)

    @property
    def preliminary(self) -> bool:
        return any(item.budget.status is BudgetStatus.DRAFT for item in self.lines)


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
    lines, problems = [], []
    for item in year_allocations(year):
        if item.view is None:
            problems.append(f"{item.tool.name}: {item.problem}")
            continue
        for line in item.view.lines:
            if line.code == municipality.code:
                lines.append(StatementLine(item.tool, item.budget, line))
    fees, fee_problem = fees_by_code(year)
    if fee_problem:
        problems.append(fee_problem)
    return Statement(municipality, year, lines, fees.get(municipality.code), problems)


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
