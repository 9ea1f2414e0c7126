"""The import of official population figures: all rows or none, never onto the wrong
municipality.

`import_files` reads the file (the registry's CSV, SCB's or SSB's table); `plan` compares its
rows with the installation country's national list and with the register: a code outside the
list is an error, and so is a name that differs from the register's (or, for a municipality
not yet in the register, from the national list's) unless that row is explicitly renamed;
`apply` writes the plan in one transaction and keeps the import as a record."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium import db
from consortium.audit.service import record
from consortium.auth.models import User
from consortium.errors import Invalid
from consortium.members.import_files import (
    COLUMNS,
    MAX_ROWS,
    REGISTRY,
    SCB,
    SSB,
    BadFile,
    ImportRow,
    LineError,
    ParsedFile,
    decode,
)
from consortium.members.import_files import parse as parse_text
from consortium.members.import_files import read as read_bytes
from consortium.members.models import (
    Municipality,
    PopulationFigure,
    PopulationImport,
    PopulationImportRow,
)
from consortium.members.national import municipalities as national_list
from consortium.members.national import national_code_error
from consortium.rules import PopulationChange, figures_changed, refuse_change

__all__ = ["COLUMNS", "MAX_ROWS", "BadFile", "ImportRow", "LineError", "ParsedFile", "decode",
           "parse", "read", "plan", "apply", "summary", "LAYOUTS"]
KINDS = ("new_municipality", "new_figure", "changed_figure", "unchanged")
LAYOUTS = {REGISTRY: "registry", SCB: "SCB", SSB: "SSB 07459"}


def _country() -> str:
    from consortium.members.service import installation_country

    return installation_country()


def parse(text: str) -> ParsedFile:
    """A CSV text (the registry's layout or an agency's table)."""
    return parse_text(text, _country())


def read(data: bytes) -> ParsedFile:
    """A file's bytes: CSV or XLSX."""
    return read_bytes(data, _country())


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
    rename_from: str | None = None  # the register's (or national list's) name, when renamed


@dataclass(frozen=True)
class NameConflict:
    """A row whose name is not the register's: an error unless the row is renamed."""
    line: int
    code: str
    kept: str  # the register's name, or the national list's for a new municipality
    given: str

    @property
    def message(self) -> str:
        return _("The file names %(code)s “%(given)s”; the register has “%(kept)s”.",
                 code=self.code, given=self.given, kept=self.kept)

    def __str__(self) -> str:
        return _("Line %(line)s: %(message)s", line=self.line, message=self.message)


@dataclass
class ImportPlan:
    changes: list[Change]
    errors: list[LineError]
    conflicts: list[NameConflict]  # not renamed: each one stops the import
    kept_id: int | None = None  # the record of the import, once applied

    def count(self, kind: str) -> int:
        return sum(1 for change in self.changes if change.kind == kind)

    @property
    def writes(self) -> list[Change]:
        return [change for change in self.changes if change.kind != "unchanged"]

    @property
    def renames(self) -> dict[str, tuple[str, str]]:
        """code → (old name, new name)."""
        return {c.code: (c.rename_from, c.name) for c in self.changes if c.rename_from}

    @property
    def refused(self) -> bool:
        return bool(self.errors or self.conflicts)


def same_name(given: str, kept: str, county: str = "") -> bool:
    """The same name as written by an agency: case, spacing and dashes aside; SSB's
    "Kautokeino - Guovdageaidnu" names Kautokeino (both official names, one of them kept), and
    "Herøy (Nordland)" names the Herøy of that county."""
    def norm(text: str) -> str:
        text = unicodedata.normalize("NFC", text).replace("\u2013", "-").replace("\u2014", "-")
        return " ".join(text.casefold().split())

    given_norm, kept_norm = norm(given), norm(kept)
    qualified = QUALIFIER.match(given_norm)
    if qualified is not None and _same_county(qualified.group(2), norm(county)):
        given_norm = qualified.group(1)
    if given_norm == kept_norm:
        return True
    return kept_norm in [part.strip() for part in given_norm.split(" - ")] or \
        given_norm in [part.strip() for part in kept_norm.split(" - ")]


QUALIFIER = re.compile(r"^(.+?) \(([^()\d]+)\)$")  # "herøy (nordland)"; not "(2020-2023)"


def _same_county(qualifier: str, county: str) -> bool:
    """"nordland" or an abbreviation of the county ("m. og r." for Møre og Romsdal)."""
    words = [word.rstrip(".") for word in qualifier.split()]
    return bool(county) and (qualifier == county or (
        len(words) <= len(county.split()) and all(
            part.startswith(word) for word, part in zip(words, county.split(), strict=False))))


def plan(parsed: ParsedFile, renames: Collection[str] = ()) -> ImportPlan:
    """What the import would change, row by row, without writing anything. `renames`: the
    codes whose name in the file replaces the register's."""
    if parsed.errors:
        raise Invalid(_("The file has errors; nothing was imported."),
                      {"file": "; ".join(str(error) for error in parsed.errors)})
    country = _country()
    national = national_list(country)
    codes = sorted({row.code for row in parsed.rows})
    existing = {m.code: m for m in db.session.scalars(
        select(Municipality).where(Municipality.code.in_(codes))
        .options(selectinload(Municipality.population_figures)))}
    changes, errors, conflicts = [], [], []
    conflicting: set[str] = set()
    added: set[str] = set()  # new municipalities: the first of their rows adds them
    for row in parsed.rows:
        if message := national_code_error(row.code, country):
            errors.append(LineError(row.line, message))
            continue
        municipality = existing.get(row.code)
        listed = national[row.code]
        kept, county = ((municipality.name, municipality.county) if municipality is not None
                        else (listed.name, listed.county))
        rename_from = None
        if not same_name(row.name, kept, county):
            if row.code not in renames:
                if row.code not in conflicting:
                    conflicting.add(row.code)
                    conflicts.append(NameConflict(row.line, row.code, kept, row.name))
                continue
            rename_from = kept
        name = row.name if rename_from else kept
        if municipality is None:
            kind = "new_figure" if row.code in added else "new_municipality"
            added.add(row.code)
            changes.append(Change(row.line, row.code, name, kind, row.year, row.population,
                                  rename_from=rename_from))
            continue
        note = None
        if row.county is not None and row.county != municipality.county:
            note = _("The file says %(county)s; the register keeps %(kept_county)s.",
                     county=row.county, kept_county=municipality.county)
        figures = {f.year: f.population for f in municipality.population_figures}
        previous = figures.get(row.year)
        kind = ("new_figure" if previous is None
                else "unchanged" if previous == row.population else "changed_figure")
        changes.append(Change(row.line, row.code, name, kind, row.year, row.population,
                              previous, note, rename_from))
    return ImportPlan(changes, errors, conflicts)


def refusal(result: ImportPlan) -> Invalid:
    lines = [str(error) for error in result.errors] + [str(c) for c in result.conflicts]
    message = (_("The file names municipalities otherwise than the register; nothing was "
                 "imported. If a municipality has changed its name, import with a rename "
                 "of that row.") if not result.errors else
               _("The file has errors; nothing was imported."))
    return Invalid(message, {"file": "; ".join(lines)})


def apply(parsed: ParsedFile, *, source: str, data: bytes,
          renames: Collection[str] = (), actor: User | None = None,
          actor_label: str | None = None) -> ImportPlan:
    """Write the whole file or nothing, and keep the import as a record. New municipalities
    enter the register without a membership status; existing ones get their figures (and,
    where renamed, their new name)."""
    result = plan(parsed, renames)
    if result.refused:
        raise refusal(result)
    for year in sorted({change.year for change in result.writes}):
        refuse_change(PopulationChange(year))  # nothing is written when a year is locked
    country = _country()
    kept = PopulationImport(
        actor_id=actor.id if actor is not None else None, actor_label=actor_label,
        filename=source[:200], layout=parsed.layout, title=parsed.title[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        row_count=len(parsed.rows), counts=summary(result))
    db.session.add(kept)
    db.session.flush()
    note = f"import {kept.id} {source}"
    codes = sorted({change.code for change in result.changes})
    existing = {m.code: m for m in db.session.scalars(
        select(Municipality).where(Municipality.code.in_(codes)))}
    figures = {(f.municipality_id, f.year): f for f in db.session.scalars(
        select(PopulationFigure).where(PopulationFigure.municipality_id.in_(
            [m.id for m in existing.values()])))}
    touched: dict[int, set[int]] = {}
    handled: set[str] = set()  # codes created or renamed already (one row per year)
    for change in [c for c in result.changes if c.kind != "unchanged" or c.rename_from]:
        municipality = existing.get(change.code)
        if municipality is None:
            entry = national_list(country)[change.code]
            municipality = Municipality(code=change.code, name=change.name,
                                        county=entry.county, country=country)
            db.session.add(municipality)
            db.session.flush()
            existing[change.code] = municipality
            record("municipality.create", "municipality", change.code,
                   after={"code": change.code, "name": change.name,
                          "county": entry.county},
                   actor=actor, actor_label=actor_label, note=note)
            _kept_row(kept, change, municipality, "new_municipality")
        elif change.rename_from and change.code not in handled:
            record("municipality.update", "municipality", change.code,
                   before={"name": municipality.name}, after={"name": change.name},
                   actor=actor, actor_label=actor_label, note=f"{note} (rename)")
            _kept_row(kept, change, municipality, "renamed",
                      name_before=municipality.name)
            municipality.name = change.name
        handled.add(change.code)
        if change.kind == "unchanged":
            continue
        figure = figures.get((municipality.id, change.year))
        if figure is None:
            figure = PopulationFigure(municipality_id=municipality.id, year=change.year,
                                      population=change.population)
            db.session.add(figure)
            figures[municipality.id, change.year] = figure
        figure.population, figure.source, figure.import_id = (
            change.population, source[:200], kept.id)
        _kept_row(kept, change, municipality,
                  "changed_figure" if change.previous is not None else "new_figure")
        record("population.set", "municipality", change.code,
               before=None if change.previous is None
               else {"year": change.year, "population": change.previous},
               after={"year": change.year, "population": change.population,
                      "source": source, "import": kept.id},
               actor=actor, actor_label=actor_label, note=note)
        if change.kind != "new_municipality":  # a new municipality takes part in nothing
            touched.setdefault(change.year, set()).add(municipality.id)
    record("municipality.import", "import", str(kept.id), actor=actor,
           actor_label=actor_label,
           after={"file": source, "sha256": kept.sha256, "layout": parsed.layout,
                  "rows": len(parsed.rows), **summary(result),
                  "renamed": len(result.renames)})
    db.session.flush()
    for year, ids in sorted(touched.items()):
        figures_changed(PopulationChange(year, tuple(sorted(ids))))
    result.kept_id = kept.id
    return result


def _kept_row(kept: PopulationImport, change: Change, municipality: Municipality, kind: str,
              name_before: str | None = None) -> None:
    figure = kind in ("new_figure", "changed_figure")
    db.session.add(PopulationImportRow(
        import_id=kept.id, line=change.line, municipality_id=municipality.id, kind=kind,
        year=change.year if figure else None,
        population_before=change.previous if figure else None,
        population_after=change.population if figure else None,
        name_before=name_before if kind == "renamed" else None,
        name_after=change.name if kind in ("renamed", "new_municipality") else None))


def summary(result: ImportPlan) -> dict[str, Any]:
    counts: dict[str, Any] = {kind: result.count(kind) for kind in KINDS}
    counts["renamed"] = len(result.renames)
    return counts


def kept_import(import_id: int) -> PopulationImport | None:
    """One kept import with the rows it changed and their municipalities (3 statements)."""
    return db.session.scalar(
        select(PopulationImport).where(PopulationImport.id == import_id)
        .options(selectinload(PopulationImport.rows)
                 .joinedload(PopulationImportRow.municipality)))


def imported_by(kept: PopulationImport) -> str | None:
    """Who ran the import: the user's name, or the label of a command (cli, seed-demo)."""
    actor = db.session.get(User, kept.actor_id) if kept.actor_id else None
    return actor.display_name if actor is not None else kept.actor_label
