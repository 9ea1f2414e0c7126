"""Reads what the pure allocation and fee rules need from the database, in batches: a fixed
number of statements however many tools and municipalities there are."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import and_, or_, select, tuple_

from consortium import db
from consortium.costs.allocation import Participant
from consortium.costs.fees import Member
from consortium.members.models import MembershipPeriod, Municipality, PopulationFigure
from consortium.tools.models import Participation, UsageFigure


def populations(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """{(municipality_id, year): population} for the pairs asked for."""
    wanted = list(set(pairs))
    if not wanted:
        return {}
    years = {year for _mid, year in wanted}
    ids = {mid for mid, _year in wanted}
    rows = db.session.execute(
        select(PopulationFigure.municipality_id, PopulationFigure.year,
               PopulationFigure.population)
        .where(PopulationFigure.year.in_(years), PopulationFigure.municipality_id.in_(ids)))
    found = {(mid, year): population for mid, year, population in rows}
    return {pair: found[pair] for pair in wanted if pair in found}


def participants(requests: dict[int, tuple[int, int | None]]
                 ) -> dict[int, list[tuple[int, Participant]]]:
    """For each tool id -> (budget year, population year or None): the municipalities that
    took part in the tool during the year, as (municipality id, Participant)."""
    if not requests:
        return {}
    conditions = [and_(Participation.tool_id == tool_id,
                       Participation.joined_on <= date(year, 12, 31),
                       or_(Participation.left_on.is_(None),
                           Participation.left_on >= date(year, 1, 1)))
                  for tool_id, (year, _pop_year) in requests.items()]
    rows = db.session.execute(
        select(Participation.tool_id, Participation.joined_on, Participation.left_on,
               Municipality.id, Municipality.code, Municipality.name)
        .join(Municipality, Municipality.id == Participation.municipality_id)
        .where(or_(*conditions))).all()
    periods: dict[tuple[int, int], list[tuple[date, date | None]]] = defaultdict(list)
    names: dict[int, tuple[str, str]] = {}
    for tool_id, joined_on, left_on, mid, code, name in rows:
        periods[(tool_id, mid)].append((joined_on, left_on))
        names[mid] = (code, name)
    figures = populations((mid, pop_year) for tool_id, mid in periods
                          if (pop_year := requests[tool_id][1]) is not None)
    usage_keys = [(tool_id, mid, requests[tool_id][0]) for tool_id, mid in periods]
    units: dict[tuple[int, int, int], int] = {}
    if usage_keys:
        units = {(t, m, y): u for t, m, y, u in db.session.execute(
            select(UsageFigure.tool_id, UsageFigure.municipality_id, UsageFigure.year,
                   UsageFigure.units)
            .where(tuple_(UsageFigure.tool_id, UsageFigure.municipality_id, UsageFigure.year)
                   .in_(usage_keys)))}
    result: dict[int, list[tuple[int, Participant]]] = defaultdict(list)
    for (tool_id, mid), spans in periods.items():
        year, population_year = requests[tool_id]
        code, name = names[mid]
        result[tool_id].append((mid, Participant(
            code=code, name=name, periods=tuple(sorted(spans)),
            population=figures.get((mid, population_year)) if population_year else None,
            units=units.get((tool_id, mid, year)))))
    return result


def members(year: int, population_year: int) -> list[tuple[int, Member]]:
    """Every municipality that was a member at some time during `year`, with all its
    membership periods (the entry fee depends on earlier ones)."""
    rows = db.session.execute(
        select(MembershipPeriod.municipality_id, MembershipPeriod.joined_on,
               MembershipPeriod.left_on, Municipality.code, Municipality.name)
        .join(Municipality, Municipality.id == MembershipPeriod.municipality_id)).all()
    periods: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    names: dict[int, tuple[str, str]] = {}
    for mid, joined_on, left_on, code, name in rows:
        periods[mid].append((joined_on, left_on))
        names[mid] = (code, name)
    first, last = date(year, 1, 1), date(year, 12, 31)
    billed = [mid for mid, spans in periods.items()
              if any(j <= last and (left is None or left >= first) for j, left in spans)]
    figures = populations((mid, population_year) for mid in billed)
    return [(mid, Member(names[mid][0], names[mid][1], tuple(sorted(periods[mid])),
                         figures.get((mid, population_year)))) for mid in billed]


def population_coverage(tool_id: int, year: int, wanted: int
                        ) -> tuple[list[str], int | None]:
    """For a budget of `year` weighed by population of `wanted`: the participants without a
    figure for that year (names, Swedish order), and the latest year up to `wanted` for which
    every participant has one (None when there is no such year)."""
    found = participants({tool_id: (year, None)}).get(tool_id, [])
    if not found:
        return [], wanted
    ids = [mid for mid, _participant in found]
    years: dict[int, set[int]] = defaultdict(set)
    for mid, figure_year in db.session.execute(
            select(PopulationFigure.municipality_id, PopulationFigure.year)
            .where(PopulationFigure.municipality_id.in_(ids), PopulationFigure.year <= wanted)):
        years[mid].add(figure_year)
    from consortium.members.models import swedish_key

    missing = sorted((p.name for mid, p in found if wanted not in years[mid]), key=swedish_key)
    common = set.intersection(*(years[mid] for mid in ids)) if ids else set()
    return missing, max(common) if common else None
