"""Read queries of the register, each a fixed number of statements whatever the row count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from consortium import clock, db
from consortium.auth.models import Role, User
from consortium.members.models import (
    MembershipPeriod,
    Municipality,
    PopulationFigure,
    standing_condition,
)
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


def _filtered(query: Select[Any], filters: Filters) -> Select[Any]:
    if filters.q:
        pattern = f"%{filters.q.lower()}%"
        query = query.where(or_(func.lower(Municipality.name).like(pattern),
                                Municipality.code.startswith(filters.q)))
    if filters.county:
        query = query.where(Municipality.county == filters.county)
    if (condition := status_condition(filters.status)) is not None:
        query = query.where(condition)
    return query


def register_query(filters: Filters, columns: list[RegisterColumn] | None = None
                   ) -> Select[Any]:
    """Municipalities with their newest population, then the `columns` other domains add:
    rows of (municipality, population, population year, *extra values). The population is
    read for each row shown (correlated), not for every municipality before the page is cut."""
    newest = (select(PopulationFigure.year).where(
        PopulationFigure.municipality_id == Municipality.id)
        .order_by(PopulationFigure.year.desc()).limit(1).correlate(Municipality)
        .scalar_subquery())
    population = (select(PopulationFigure.population).where(
        PopulationFigure.municipality_id == Municipality.id, PopulationFigure.year == newest)
        .correlate(Municipality).scalar_subquery())
    extras = {column.key: column.expression.label(column.key) for column in columns or []}
    query = _filtered(select(Municipality, population.label("population"),
                             newest.label("year"), *extras.values()), filters)
    order: Any = {
        "code": Municipality.code, "name": Municipality.sort_name,
        "county": Municipality.county,
        "status": Municipality.status, "population": population, **extras,
    }.get(filters.sort, Municipality.sort_name)
    order = order.desc() if filters.desc else order.asc()
    return query.order_by(order.nulls_last() if filters.sort == "population" else order,
                          Municipality.code)


def register_page(filters: Filters, columns: list[RegisterColumn]
                  ) -> tuple[list[Any], int, list[str]]:
    """A page of the register, how many rows the filters select in all, and the counties:
    three statements, none of which reads more than the page's rows' figures."""
    rows = [tuple(row) for row in db.session.execute(
        register_query(filters, columns).limit(PAGE_SIZE)
        .offset((filters.page - 1) * PAGE_SIZE))]
    total = db.session.scalar(_filtered(select(func.count()).select_from(Municipality),
                                        filters)) or 0
    counties = list(db.session.scalars(
        select(Municipality.county).distinct().order_by(Municipality.county)))
    return rows, total, counties


@dataclass
class Detail:
    municipality: Municipality
    people: list[User]


def detail(code: str) -> Detail | None:
    """The municipality and the people of it (its history: `history`)."""
    municipality = db.session.scalar(select(Municipality).where(Municipality.code == code))
    if municipality is None:
        return None
    people = list(db.session.scalars(
        select(User).where(User.municipality_id == municipality.id,
                           User.role.in_([Role.REPRESENTATIVE, Role.FINANCE]))
        .order_by(User.role, User.name)))
    return Detail(municipality, people)


def history(municipality: Municipality) -> tuple[list[MembershipPeriod], list[PopulationFigure]]:
    """Its membership periods (oldest first) and population figures (by year, each with the
    import it came from): two statements."""
    periods = list(db.session.scalars(
        select(MembershipPeriod).where(MembershipPeriod.municipality_id == municipality.id)
        .order_by(MembershipPeriod.joined_on)))
    figures = list(db.session.scalars(
        select(PopulationFigure).where(PopulationFigure.municipality_id == municipality.id)
        .options(joinedload(PopulationFigure.imported_by)).order_by(PopulationFigure.year)))
    return periods, figures
