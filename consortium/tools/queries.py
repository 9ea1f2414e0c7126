"""Read queries for tools and the participation matrix; fixed statement counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, func, or_, select

from consortium import clock, db
from consortium.frame.paging import page_count
from consortium.members.models import Municipality
from consortium.members.queries import status_condition
from consortium.tools.models import Participation, Tool, ToolStatus, UsageFigure


def active_on(on: date) -> Any:
    return (Participation.joined_on <= on) & or_(Participation.left_on.is_(None),
                                                 Participation.left_on >= on)


def tools_with_counts(on: date) -> list[tuple[Tool, int, int]]:
    """Each tool with its number of participants on `on` and of participants ever."""
    current = (select(func.count(func.distinct(Participation.municipality_id)))
               .where(Participation.tool_id == Tool.id, active_on(on))
               .correlate(Tool).scalar_subquery())
    ever = (select(func.count(func.distinct(Participation.municipality_id)))
            .where(Participation.tool_id == Tool.id).correlate(Tool).scalar_subquery())
    return [tuple(row) for row in db.session.execute(
        select(Tool, current, ever).order_by(Tool.name))]


PAGE = 50  # participants per page of the tool page


@dataclass
class ToolDetail:
    """The tool page, a page of each list at a time: its size and its statements do not
    grow with the number of participants."""

    tool: Tool
    current: list[Any]  # taking part today, this page: rows of code, name, joined_on, left_on
    current_count: int
    other: list[Any]  # earlier and future periods, the first page (the same rows)
    other_count: int
    usage_year: int
    usage_rows: list[Any]  # participants in the year, this page: rows of name, units
    usage_count: int
    usage_years: list[int]
    page: int
    usage_page: int

    @property
    def pages(self) -> int:
        return page_count(self.current_count, PAGE)

    @property
    def usage_pages(self) -> int:
        return page_count(self.usage_count, PAGE)


def detail(tool: Tool, usage_year: int, page: int = 1, usage_page: int = 1,
           today: date | None = None) -> ToolDetail:
    today = today or clock.today()
    ongoing = and_(Participation.joined_on <= today,
                   or_(Participation.left_on.is_(None), Participation.left_on >= today))
    start, end = date(usage_year, 1, 1), date(usage_year, 12, 31)
    in_year = exists().where(Participation.tool_id == tool.id,
                             Participation.municipality_id == Municipality.id,
                             Participation.joined_on <= end,
                             or_(Participation.left_on.is_(None), Participation.left_on >= start))
    # The three lists' sizes in one statement; the rows are plain columns, not entities (a
    # page of 150 loaded municipalities cost more than the rest of the page).
    counts = db.session.execute(select(
        select(func.count()).where(Participation.tool_id == tool.id, ongoing)
        .scalar_subquery(),
        select(func.count()).where(Participation.tool_id == tool.id, ~ongoing)
        .scalar_subquery(),
        select(func.count()).select_from(Municipality).where(in_year).scalar_subquery(),
    )).one()
    current_count, other_count, usage_count = (int(n or 0) for n in counts)

    def periods(condition: Any, offset: int) -> list[Any]:
        return list(db.session.execute(
            select(Municipality.code, Municipality.name, Participation.joined_on,
                   Participation.left_on)
            .join(Municipality, Municipality.id == Participation.municipality_id)
            .where(Participation.tool_id == tool.id, condition)
            .order_by(Municipality.sort_name, Participation.joined_on)
            .limit(PAGE).offset(offset)))

    page, usage_page = max(1, page), max(1, usage_page)
    current = periods(ongoing, (page - 1) * PAGE) if current_count else []
    other = periods(~ongoing, 0) if other_count else []
    usage_rows = list(db.session.execute(
        select(Municipality.name, UsageFigure.units)
        .outerjoin(UsageFigure, and_(UsageFigure.municipality_id == Municipality.id,
                                     UsageFigure.tool_id == tool.id,
                                     UsageFigure.year == usage_year))
        .where(in_year).order_by(Municipality.sort_name)
        .limit(PAGE).offset((usage_page - 1) * PAGE))) if usage_count else []
    years = list(db.session.scalars(
        select(UsageFigure.year).where(UsageFigure.tool_id == tool.id).distinct()
        .order_by(UsageFigure.year)))
    return ToolDetail(tool, current, current_count, other, other_count, usage_year, usage_rows,
                      usage_count, years, page, usage_page)


@dataclass
class MatrixFilters:
    on: date
    county: str = ""
    status: str = ""
    only_participants: bool = True
    include_retired: bool = False

    @classmethod
    def from_args(cls, args: Any) -> MatrixFilters:
        try:
            on = date.fromisoformat(args.get("on", ""))
        except ValueError:
            on = clock.today()
        return cls(on=on, county=args.get("county", "").strip(),
                   status=args.get("status", "").strip(),
                   only_participants=args.get("all") != "1",
                   include_retired=args.get("retired") == "1")

    def as_args(self) -> dict[str, Any]:
        args = {"on": self.on.isoformat(), "county": self.county, "status": self.status,
                "all": "" if self.only_participants else "1",
                "retired": "1" if self.include_retired else ""}
        return {key: value for key, value in args.items() if value}


MATRIX_PAGE = 100


@dataclass
class Matrix:
    """A page of the municipalities x tools table; the totals and the count are those of every
    municipality the filters select."""

    tools: list[Tool]
    rows: list[tuple[Any, list[bool]]]  # (a row of id, code, name, county, status; cells)
    counties: list[str]
    totals: list[int]
    count: int
    page: int = 1
    pages: int = 1


def matrix(filters: MatrixFilters, page: int = 1, per_page: int | None = MATRIX_PAGE
           ) -> Matrix:
    """Municipalities × tools: who takes part on the date, a page of rows at a time (every row
    with per_page None), with the count and each tool's total over every selected row. Five
    statements in all; the database pages and counts, so a page reads its own rows only."""
    tool_query = select(Tool).order_by(Tool.name)
    if not filters.include_retired:
        tool_query = tool_query.where(Tool.status != ToolStatus.RETIRED)
    tools = list(db.session.scalars(tool_query))
    tool_ids = [tool.id for tool in tools]
    page = max(1, page)
    narrowed = []
    if filters.county:
        narrowed.append(Municipality.county == filters.county)
    if (condition := status_condition(filters.status)) is not None:
        narrowed.append(condition)
    selected = list(narrowed)
    if filters.only_participants:
        selected.append(Municipality.id.in_(
            select(Participation.municipality_id)
            .where(active_on(filters.on), db.any_of(Participation.tool_id, tool_ids))))
    # Plain columns (what a row shows and the export writes), not entities
    query = (select(Municipality.id, Municipality.code, Municipality.name, Municipality.county,
                    Municipality.status, func.count().over().label("total"))
             .where(*selected).order_by(Municipality.sort_name, Municipality.code))
    if per_page:
        query = query.limit(per_page).offset((page - 1) * per_page)
    found = db.session.execute(query).all()
    count = found[0].total if found else 0
    if not found and page > 1:  # a page beyond the last: how many there are
        count = db.session.scalar(select(func.count(Municipality.id)).where(*selected)) or 0
    pages = page_count(count, per_page)
    ids = [municipality.id for municipality in found]
    pairs = set(db.session.execute(
        select(Participation.municipality_id, Participation.tool_id)
        .where(active_on(filters.on), db.any_of(Participation.municipality_id, ids)))
        .all())
    rows = [(municipality, [(municipality.id, tool.id) in pairs for tool in tools])
            for municipality in found]
    by_tool = dict(db.session.execute(
        select(Participation.tool_id, func.count(func.distinct(Participation.municipality_id)))
        .where(active_on(filters.on), db.any_of(Participation.tool_id, tool_ids),
               *([Participation.municipality_id.in_(select(Municipality.id).where(*narrowed))]
                 if narrowed else []))
        .group_by(Participation.tool_id)).all())
    totals = [by_tool.get(tool.id, 0) for tool in tools]
    counties = list(db.session.scalars(
        select(Municipality.county).distinct().order_by(Municipality.county)))
    if page > pages:  # beyond the last page: show the last
        return matrix(filters, pages, per_page)
    return Matrix(tools, rows, counties, totals, count, page, pages)
