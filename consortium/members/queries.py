"""Read queries of the register, each a fixed number of statements whatever the row count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from consortium import clock, db
from consortium.auth.models import Role, User
from consortium.members.models import Municipality, PopulationFigure, standing_condition
from consortium.members.service import latest_population_columns
from consortium.signals import answers, register_columns

SORTS = {"code", "name", "county", "status", "population"}
PAGE_SIZE = 50


@dataclass
class Filters:
    q: str = ""
    county: str = ""
    status: str = ""
    sort: str = "name"
    desc: bool = False
    page: int = 1

    @classmethod
    def from_args(cls, args: Any, sorts: set[str] | None = None) -> Filters:
        sort = args.get("sort", "name")
        return cls(
            q=args.get("q", "").strip()[:100],
            county=args.get("county", "").strip(),
            status=args.get("status", "").strip(),
            sort=sort if sort in (sorts or SORTS) else "name",
            desc=args.get("dir") == "desc",
            page=max(1, args.get("page", 1, type=int) or 1),
        )

    def as_args(self, **overrides: Any) -> dict[str, Any]:
        args = {"q": self.q, "county": self.county, "status": self.status, "sort": self.sort,
                "dir": "desc" if self.desc else "asc"}
        args.update(overrides)
        return {key: value for key, value in args.items() if value not in ("", None)}


@dataclass(frozen=True)
class RegisterColumn:
    """One more column of the register, contributed by a higher domain (see
    `consortium.signals.register_columns`): a SQL expression correlated to `Municipality`."""

    key: str
    label: str
    expression: Any


def extra_columns(on: date | None = None) -> list[RegisterColumn]:
    """The columns other domains add to the register for the day `on` (default today)."""
    found = answers(register_columns.send(on or clock.today()))
    return sorted((column for column in found if isinstance(column, RegisterColumn)),
                  key=lambda column: column.key)


def sorts(columns: list[RegisterColumn]) -> set[str]:
    return SORTS | {column.key for column in columns}


def status_condition(status: str, on: date | None = None) -> Any:
    """The filter for a membership standing given in a query string, as it is on `on`
    (default today): "member", "admitted" (from a later day), "applicant", "resigned",
    "none" (not a member). None when there is no such standing."""
    return standing_condition(status, on or clock.today())


def register_query(filters: Filters, columns: list[RegisterColumn] | None = None
                   ) -> Select[Any]:
    """Municipalities with their newest population, then the `columns` other domains add:
    rows of (municipality, population, population year, *extra values)."""
    latest = latest_population_columns()
    extras = {column.key: column.expression.label(column.key) for column in columns or []}
    query = (select(Municipality, latest.c.population, latest.c.year, *extras.values())
             .outerjoin(latest, latest.c.municipality_id == Municipality.id))
    if filters.q:
        pattern = f"%{filters.q.lower()}%"
        query = query.where(or_(func.lower(Municipality.name).like(pattern),
                                Municipality.code.startswith(filters.q)))
    if filters.county:
        query = query.where(Municipality.county == filters.county)
    if (condition := status_condition(filters.status)) is not None:
        query = query.where(condition)
    order: Any = {
        "code": Municipality.code, "name": Municipality.sort_name,
        "county": Municipality.county,
        "status": Municipality.status, "population": latest.c.population, **extras,
    }.get(filters.sort, Municipality.sort_name)
    order = order.desc() if filters.desc else order.asc()
    return query.order_by(order.nulls_last() if filters.sort == "population" else order,
                          Municipality.code)


def register_page(filters: Filters, columns: list[RegisterColumn]
                  ) -> tuple[list[Any], int, list[str]]:
    """A page of the register, how many rows the filters select in all, and the counties. The
    total comes with the page (a window count), so a page is one statement, not two."""
    query = register_query(filters, columns)
    found = db.session.execute(query.add_columns(func.count().over().label("total"))
                               .limit(PAGE_SIZE)
                               .offset((filters.page - 1) * PAGE_SIZE)).all()
    rows = [tuple(row)[:-1] for row in found]
    total = found[0][-1] if found else 0
    if not found and filters.page > 1:  # a page beyond the last: how many there are
        total = db.session.scalar(select(func.count()).select_from(
            query.order_by(None).subquery())) or 0
    counties = list(db.session.scalars(
        select(Municipality.county).distinct().order_by(Municipality.county)))
    return rows, total, counties


@dataclass
class Detail:
    municipality: Municipality
    people: list[User]


def detail(code: str) -> Detail | None:
    municipality = db.session.scalar(
        select(Municipality).where(Municipality.code == code)
        .options(selectinload(Municipality.population_figures)
                 .joinedload(PopulationFigure.imported_by),
                 selectinload(Municipality.membership_periods)))
    if municipality is None:
        return None
    people = list(db.session.scalars(
        select(User).where(User.municipality_id == municipality.id,
                           User.role.in_([Role.REPRESENTATIVE, Role.FINANCE]))
        .order_by(User.role, User.name)))
    return Detail(municipality, people)
