"""A year's allocations for all tools at once, the statement of a municipality, and the
finance overview: a fixed number of statements however many tools and municipalities."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, literal, null, or_, select, true, union, union_all
from sqlalchemy.orm import joinedload, selectinload

from consortium import db
from consortium.costs import years
from consortium.costs.fee_schedules import fee_problem, stored_fees
from consortium.costs.fees import FeeLine
from consortium.costs.models import (
    Adjustment,
    AllocationLine,
    Budget,
    BudgetStatus,
    ClosedYear,
    FeeSchedule,
    StoredFee,
)
from consortium.costs.service import (
    AllocationView,
    ViewLine,
    problem_of,
    stored_lines,
    view_from,
)
from consortium.frame.paging import page_count
from consortium.members.models import Municipality, member_between
from consortium.tools.models import Participation, Tool


@dataclass
class ToolYear:
    tool: Tool
    budget: Budget
    view: AllocationView | None
    problem: str | None = None


_UNKNOWN = object()


def latest_budgets(year: int, closing: object = _UNKNOWN) -> list[Budget]:
    """Each tool's current version; for a closed year the version it issued (a later version
    is billed as adjustments on a later statement, never changes an issued one). `closing`:
    the year's ClosedYear (or None) when the caller has read it already."""
    if closing is _UNKNOWN:
        return latest_budgets_of([year])[year]
    assert closing is None or isinstance(closing, ClosedYear)
    return _current_of([year], {year: closing} if closing else {})[year]


def latest_budgets_of(years_: list[int]) -> dict[int, list[Budget]]:
    """`latest_budgets` of several years: two statements whatever their number."""
    closings = {closing.year: closing for closing in db.session.scalars(
        select(ClosedYear).where(ClosedYear.year.in_(years_)))}
    return _current_of(years_, closings)


def latest_by_year(years: list[int]) -> dict[int, list[Budget]]:
    """Each tool's current version for each of the (open) years, in one statement."""
    return _current_of(years, {}) if years else {}


def _current_of(years_: list[int], closings: dict[int, ClosedYear]) -> dict[int, list[Budget]]:
    """The newest version of each tool's budget per year, of a closed year (in `closings`)
    the newest adopted before it closed; sorted by the tools' names. One statement."""
    latest: dict[int, dict[int, Budget]] = {year: {} for year in years_}
    for budget in db.session.scalars(select(Budget).where(Budget.year.in_(years_))
                                     .options(joinedload(Budget.tool))
                                     .order_by(Budget.year, Budget.tool_id, Budget.version)):
        closing = closings.get(budget.year)
        if closing is not None and not (budget.status is BudgetStatus.ADOPTED
                                        and budget.adopted_at is not None
                                        and budget.adopted_at <= closing.closed_at):
            continue
        latest[budget.year][budget.tool_id] = budget
    return {year: sorted(found.values(), key=lambda b: b.tool.name)
            for year, found in latest.items()}


def year_allocations(year: int, with_lines: bool = True,
                     budgets: list[Budget] | None = None) -> list[ToolYear]:
    """Every tool's current budget for the year with its stored allocation (frozen lines when
    adopted, the lines stored at a draft's last input change otherwise): nothing computed.
    Without lines, each view is empty (the budgets and their problems only). `budgets`: the
    year's `latest_budgets` when the caller has read them already."""
    budgets = latest_budgets(year) if budgets is None else budgets
    lines = stored_lines([b.id for b in budgets]) if with_lines \
        else {b.id: [] for b in budgets}
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
    closing = years.closed(year)
    budgets = {budget.tool_id: budget for budget in latest_budgets(year, closing)}
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
        found = mine.get(budget.id)
        lines.append(StatementLine(tool, budget, found[0] if found and not problem else None))
    schedule = db.session.scalar(select(FeeSchedule).where(FeeSchedule.year == year))
    fee_problem_text = fee_problem(schedule) if schedule is not None else None
    fees = {line.code: line for line in stored_fees(year, municipality.id)} \
        if schedule is not None and fee_problem_text is None else {}
    if fee_problem_text:
        problems.append(fee_problem_text)
    fee_missing = schedule is None and db.session.scalar(
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
                     closed=closing is not None, fee_missing=fee_missing,
                     adjustments=adjustments)


@dataclass
class OverviewRow:
    municipality: Any  # a row of id, code, name, county
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
    """One page of the year's costs per municipality, with totals over every municipality the
    filters select (summed by the database, not over the page)."""

    year: int
    tools: list[ToolYear]
    rows: list[OverviewRow]
    tool_totals: list[int]
    fee_total: int
    problems: list[str]
    count: int  # municipalities selected by the filters, on every page
    page: int = 1
    pages: int = 1

    @property
    def total(self) -> int:
        return sum(self.tool_totals) + self.fee_total


OVERVIEW_PAGE = 100


def _schedules(years_: list[int]) -> dict[int, FeeSchedule]:
    return {schedule.year: schedule for schedule in db.session.scalars(
        select(FeeSchedule).where(FeeSchedule.year.in_(years_)))}


def _fees_ok(schedule: FeeSchedule | None) -> tuple[bool, str | None]:
    """Whether the year's stored fees can be read, and the problem when they cannot."""
    if schedule is None:
        return False, None
    problem = fee_problem(schedule)
    return problem is None, problem


def _totals_query(year: int, municipality_ids: list[int], budgets: list[Budget],
                  schedule: FeeSchedule | None) -> Any:
    """A subquery of each of the municipalities' total of the year (stored lines of the year's
    current `budgets` and fees): columns municipality_id, amount. None when nothing counts."""
    if not municipality_ids:
        return None
    ids = [budget.id for budget in budgets if problem_of(budget) is None]
    parts = []
    if ids:
        parts.append(select(AllocationLine.municipality_id.label("municipality_id"),
                            AllocationLine.amount.label("amount"))
                     .where(db.any_of(AllocationLine.budget_id, ids),
                            db.any_of(AllocationLine.municipality_id, municipality_ids)))
    if _fees_ok(schedule)[0]:
        parts.append(select(StoredFee.municipality_id.label("municipality_id"),
                            (StoredFee.annual + StoredFee.entry).label("amount"))
                     .where(StoredFee.year == year,
                            db.any_of(StoredFee.municipality_id, municipality_ids)))
    if not parts:
        return None
    both = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    return (select(both.c.municipality_id, func.sum(both.c.amount).label("amount"))
            .group_by(both.c.municipality_id).subquery())


def overview(year: int, county: str = "", tool_slug: str = "", page: int = 1,
             per_page: int | None = OVERVIEW_PAGE) -> Overview:
    """The costs of the year per municipality: a page of rows (every row with per_page None)
    and the totals of everything the filters select. A fixed number of statements; the work
    of a request grows with the page, not with the consortium."""
    budgets = latest_budgets_of([year, year - 1])  # this year's and last year's: at once
    schedules = _schedules([year, year - 1]) if not tool_slug else {}
    tool_years = [t for t in year_allocations(year, with_lines=False, budgets=budgets[year])
                  if not tool_slug or t.tool.slug == tool_slug]
    budget_ids = [t.budget.id for t in tool_years if t.view is not None]
    problems = [f"{t.tool.name}: {t.problem}" for t in tool_years if t.problem]
    with_fees = not tool_slug
    fees_ok = False
    if with_fees:
        fees_ok, fee_problem_text = _fees_ok(schedules.get(year))
        if fee_problem_text:
            problems.append(fee_problem_text)
    sources = []
    if budget_ids:
        sources.append(select(AllocationLine.municipality_id).where(
            db.any_of(AllocationLine.budget_id, budget_ids)))
    if fees_ok:
        sources.append(select(StoredFee.municipality_id).where(StoredFee.year == year))
    if not sources:
        return Overview(year, tool_years, [], [0] * len(tool_years), 0, problems, 0)
    selected = select(Municipality.id).where(Municipality.id.in_(union(*sources)))
    if county:
        selected = selected.where(Municipality.county == county)
    # A page of rows with, in the same statement, how many are selected and each budget's and
    # the fees' sums over all of them (uncorrelated subqueries: computed once). Without a
    # county every stored line counts, and no line needs to be matched to the selection.
    sum_columns = [select(func.coalesce(func.sum(AllocationLine.amount), 0)).where(
        AllocationLine.budget_id == budget_id,
        AllocationLine.municipality_id.in_(selected) if county else true()).scalar_subquery()
        for budget_id in budget_ids]
    fee_column = select(func.coalesce(func.sum(StoredFee.annual + StoredFee.entry), 0)).where(
        StoredFee.year == year,
        StoredFee.municipality_id.in_(selected) if county else true()).scalar_subquery()
    # Plain columns, not entities: a page of a hundred loaded municipalities costs more than
    # the statements of the page together.
    rows_query = (select(Municipality.id, Municipality.code, Municipality.name,
                         Municipality.county, func.count().over(), fee_column, *sum_columns)
                  .where(Municipality.id.in_(selected))
                  .order_by(Municipality.sort_name, Municipality.code))
    page = max(1, page)
    if per_page:
        rows_query = rows_query.limit(per_page).offset((page - 1) * per_page)
    found = db.session.execute(rows_query).all()
    if not found and page > 1:  # beyond the last page: show the last
        count = db.session.scalar(select(func.count()).select_from(selected.subquery())) or 0
        return overview(year, county, tool_slug, page_count(count, per_page), per_page)
    count = int(found[0][4]) if found else 0
    fee_total = int(found[0][5]) if found and fees_ok else 0
    sums = {budget_id: int(found[0][6 + index]) if found else 0
            for index, budget_id in enumerate(budget_ids)}
    pages = page_count(count, per_page)
    ids = [m.id for m in found]
    # The page's amounts per budget, its fees and last year's totals: one statement.
    amounts: dict[tuple[int, int], int] = {}
    fees: dict[int, int] = {}
    previous: dict[int, int] = {}
    cells: list[Any] = []
    if budget_ids and ids:
        cells.append(select(literal("line"), AllocationLine.budget_id,
                            AllocationLine.municipality_id, AllocationLine.amount)
                     .where(db.any_of(AllocationLine.budget_id, budget_ids),
                            db.any_of(AllocationLine.municipality_id, ids)))
    if fees_ok and ids:
        cells.append(select(literal("fee"), null(), StoredFee.municipality_id,
                            StoredFee.annual + StoredFee.entry)
                     .where(StoredFee.year == year, db.any_of(StoredFee.municipality_id, ids)))
    last_year = _totals_query(year - 1, ids, budgets[year - 1], schedules.get(year - 1)) \
        if with_fees else None
    if last_year is not None:
        cells.append(select(literal("previous"), null(), last_year.c.municipality_id,
                            last_year.c.amount))
    if cells:
        for kind, budget_id, mid, amount in db.session.execute(union_all(*cells)):
            if kind == "line":
                amounts[(budget_id, mid)] = int(amount)
            elif kind == "fee":
                fees[mid] = int(amount)
            else:
                previous[mid] = int(amount)
    rows = [OverviewRow(m, [amounts.get((t.budget.id, m.id)) for t in tool_years],
                        fees.get(m.id) if with_fees else None,
                        previous.get(m.id) if with_fees else None) for m in found]
    return Overview(year, tool_years, rows, [sums.get(t.budget.id, 0) for t in tool_years],
                    fee_total, problems, count, page, pages)
