"""The yearly import of official municipality figures from CSV: all rows or none.

`parse` checks the whole file and reports every bad row by its line number; `plan` compares
the rows with the register; `apply` writes them in one transaction."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium import db
from consortium.audit.service import record
from consortium.auth.models import User
from consortium.errors import Invalid
from consortium.members.models import Municipality, PopulationFigure
from consortium.members.validation import code_error, population_error, year_error
from consortium.signals import changed, refuse_change

COLUMNS = ("code", "name", "county", "population", "population_year")
MAX_ROWS = 5000


@dataclass(frozen=True)
class ImportRow:
    line: int
    code: str
    name: str
    county: str
    population: int
    year: int


@dataclass(frozen=True)
class LineError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("Line %(line)s: %(message)s", line=self.line, message=self.message)


@dataclass
class ParsedFile:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)


@dataclass(frozen=True)
class Change:
    line: int
    code: str
    name: str
    kind: str  # "new_municipality", "new_figure", "changed_figure", "unchanged"
    year: int
    population: int
    previous: int | None = None
    note: str | None = None


@dataclass
class ImportPlan:
    changes: list[Change]

    def count(self, kind: str) -> int:
        return sum(1 for change in self.changes if change.kind == kind)

    @property
    def writes(self) -> list[Change]:
        return [change for change in self.changes if change.kind != "unchanged"]


class BadFile(ValueError):
    """The file cannot be read as text; the message says where and what to do."""


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM); Windows-1252 as written by older spreadsheet programs.
    Bytes that are neither: BadFile naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise BadFile(_("Line %(line)s holds bytes that are neither UTF-8 nor Windows-1252 "
                        "text. Save the file as CSV (UTF-8) and try again.", line=line)
                      ) from None


def _whole_number(text: str) -> int | None:
    cleaned = text.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if cleaned.lstrip("-").isdigit():
        return int(cleaned)
    return None


def parse(text: str) -> ParsedFile:
    result = ParsedFile()
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        result.errors.append(LineError(1, _("The file is empty; the first line must name the "
                                            "columns %(columns)s.", columns=", ".join(COLUMNS))))
        return result
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader)]
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in COLUMNS if name not in header]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    for name in unknown:
        result.errors.append(LineError(1, _("Unknown column '%(name)s'. The columns are "
                                            "%(columns)s.", name=name,
                                            columns=", ".join(COLUMNS))))
    for name in missing:
        result.errors.append(LineError(1, _("The column '%(name)s' is missing.", name=name)))
    for name in duplicated:
        result.errors.append(LineError(1, _("The column '%(name)s' appears twice.",
                                            name=name)))
    if result.errors:
        return result
    position = {name: header.index(name) for name in COLUMNS}
    first_line_of: dict[str, int] = {}
    rows = iter(reader)
    while True:
        try:
            values = next(rows)
        except StopIteration:
            break
        except csv.Error:  # a field over the csv module's limit (128 kB)
            result.errors.append(LineError(reader.line_num, _(
                "A field on line %(line)s is longer than 128 kB; no value of this file is "
                "that long. Check that it is the right file.", line=reader.line_num)))
            break
        line = reader.line_num
        if not any(value.strip() for value in values):
            continue
        if len(result.rows) + len(result.errors) >= MAX_ROWS:
            result.errors.append(LineError(line, _("The file has more than %(max)s rows.",
                                                   max=MAX_ROWS)))
            break
        row = _parse_row(line, values, position, len(header), result.errors)
        if row is None:
            continue
        if row.code in first_line_of:
            result.errors.append(LineError(line, _(
                "The code %(code)s appears twice (first on line %(first)s).", code=row.code,
                first=first_line_of[row.code])))
            continue
        first_line_of[row.code] = line
        result.rows.append(row)
    if not result.rows and not result.errors:
        result.errors.append(LineError(2, _("The file has no rows.")))
    return result


def _parse_row(line: int, values: list[str], position: dict[str, int], width: int,
               errors: list[LineError]) -> ImportRow | None:
    if len(values) != width:
        errors.append(LineError(line, _("Expected %(expected)s values, found %(found)s.",
                                        expected=width, found=len(values))))
        return None
    get = {name: values[index].strip() for name, index in position.items()}
    problems = []
    if message := code_error(get["code"]):
        problems.append(f"'{get['code']}': {message}")
    if not get["name"]:
        problems.append(_("The name is empty."))
    if not get["county"]:
        problems.append(_("The county is empty."))
    population = _whole_number(get["population"])
    if population is None:
        problems.append(_("The population '%(value)s' is not a whole number.",
                          value=get["population"]))
    elif population < 0:
        problems.append(_("The population %(value)s is negative.", value=population))
    elif message := population_error(population):
        problems.append(message)
    year = _whole_number(get["population_year"])
    if year is None:
        problems.append(_("The year '%(value)s' is not a whole number.",
                          value=get["population_year"]))
    elif message := year_error(year):
        problems.append(message)
    if problems:
        errors.append(LineError(line, " ".join(problems)))
        return None
    assert population is not None and year is not None
    return ImportRow(line, get["code"], get["name"], get["county"], population, year)


def plan(parsed: ParsedFile) -> ImportPlan:
    """What the import would change, row by row, without writing anything."""
    if parsed.errors:
        raise Invalid(_("The file has errors; nothing was imported."),
                      {"file": "; ".join(str(error) for error in parsed.errors)})
    codes = [row.code for row in parsed.rows]
    existing = {m.code: m for m in db.session.scalars(
        select(Municipality).where(Municipality.code.in_(codes))
        .options(selectinload(Municipality.population_figures)))}
    changes = []
    for row in parsed.rows:
        municipality = existing.get(row.code)
        if municipality is None:
            changes.append(Change(row.line, row.code, row.name, "new_municipality", row.year,
                                  row.population))
            continue
        note = None
        if (municipality.name, municipality.county) != (row.name, row.county):
            note = _("The file says %(name)s, %(county)s; the register keeps "
                     "%(kept_name)s, %(kept_county)s.", name=row.name, county=row.county,
                     kept_name=municipality.name, kept_county=municipality.county)
        figures = {f.year: f.population for f in municipality.population_figures}
        previous = figures.get(row.year)
        kind = ("new_figure" if previous is None
                else "unchanged" if previous == row.population else "changed_figure")
        changes.append(Change(row.line, row.code, municipality.name, kind, row.year,
                              row.population, previous, note))
    return ImportPlan(changes)


def apply(parsed: ParsedFile, *, source: str, actor: User | None = None,
          actor_label: str | None = None) -> ImportPlan:
    """Write the whole file or nothing. New municipalities enter the register without a
    membership status; existing ones only get their population figure for the file's year."""
    result = plan(parsed)
    rows = {row.code: row for row in parsed.rows}
    for year in sorted({rows[change.code].year for change in result.writes}):
        refuse_change("population", year=year)  # nothing is written when a year is locked
    existing = {m.code: m for m in db.session.scalars(
        select(Municipality).where(Municipality.code.in_(list(rows))))}
    figures = {(f.municipality_id, f.year): f for f in db.session.scalars(
        select(PopulationFigure).where(PopulationFigure.municipality_id.in_(
            [m.id for m in existing.values()])))}
    try:
        for change in result.writes:
            row = rows[change.code]
            municipality = existing.get(change.code)
            if municipality is None:
                municipality = Municipality(code=row.code, name=row.name, county=row.county,
                                            country=_country())
                db.session.add(municipality)
                db.session.flush()
                record("municipality.create", "municipality", row.code,
                       after={"code": row.code, "name": row.name, "county": row.county},
                       actor=actor, actor_label=actor_label, note=f"import {source}")
            figure = figures.get((municipality.id, row.year))
            if figure is None:
                db.session.add(PopulationFigure(municipality_id=municipality.id, year=row.year,
                                                population=row.population, source=source))
            else:
                figure.population = row.population
                figure.source = source
            record("population.set", "municipality", row.code,
                   before=None if change.previous is None
                   else {"year": row.year, "population": change.previous},
                   after={"year": row.year, "population": row.population, "source": source},
                   actor=actor, actor_label=actor_label, note=f"import {source}")
        record("municipality.import", "import", source, actor=actor, actor_label=actor_label,
               after={"rows": len(parsed.rows),
                      "new_municipalities": result.count("new_municipality"),
                      "new_figures": result.count("new_figure"),
                      "changed_figures": result.count("changed_figure"),
                      "unchanged": result.count("unchanged")})
        db.session.flush()
        touched: dict[int, list[int]] = {}
        for change in result.writes:
            municipality_id = existing[change.code].id if change.code in existing else None
            if municipality_id is not None:  # a new municipality takes part in nothing yet
                touched.setdefault(rows[change.code].year, []).append(municipality_id)
        for year, ids in sorted(touched.items()):
            changed("population", year=year, municipality_ids=ids)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def _country() -> str:
    from consortium.members.service import installation_country

    return installation_country()


def summary(result: ImportPlan) -> dict[str, Any]:
    return {kind: result.count(kind) for kind in
            ("new_municipality", "new_figure", "changed_figure", "unchanged")}
