"""Reading population files as offices download them, into rows of (code, name, year,
population), each with the line it came from: CSV (comma, semicolon or tab; UTF-8 or
Windows-1252) or XLSX, told apart by their header:

- the registry's own CSV: `code,name,county,population,population_year` (here);
- SCB's table "Folkmängd efter region och år" and SSB's table 07459 (`agency_tables`).

Nothing here reads the database: `importing` compares the rows with the register."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from consortium.members.validation import code_error, population_error, year_error

COLUMNS = ("code", "name", "county", "population", "population_year")
MAX_ROWS = 5000
HEADER_SEARCH = 20  # an agency's title and notes above the header take a few lines
REGISTRY, SCB, SSB = "registry", "scb", "ssb"


@dataclass(frozen=True)
class ImportRow:
    line: int
    code: str
    name: str
    county: str | None  # None: the file has no county (the agencies' tables)
    population: int
    year: int


@dataclass(frozen=True)
class LineError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("Line %(line)s: %(message)s", line=self.line, message=self.message)


@dataclass(frozen=True)
class Skipped:
    line: int
    text: str
    reason: str  # "total" (a county or the country), "no_figures"


@dataclass
class ParsedFile:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    layout: str = REGISTRY
    title: str = ""
    seen: dict[tuple[str, int], int] = field(default_factory=dict, repr=False)


class BadFile(ValueError):
    """The file cannot be read; the message says where and what to do."""


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM); Windows-1252 as written by older spreadsheet programs and
    by PX-Web's "ANSI" downloads. Bytes that are neither: BadFile naming the line."""
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


def read(data: bytes, country: str) -> ParsedFile:
    """Any accepted file: XLSX by its content (a ZIP), otherwise text. `country` decides how a
    table that names neither agency is read (SE: SCB, NO: SSB)."""
    if data[:4] == b"PK\x03\x04":
        return parse_lines(_xlsx_lines(data), country)
    return parse(decode(data), country)


def parse(text: str, country: str = "SE") -> ParsedFile:
    try:
        return parse_lines(_csv_lines(text), country)
    except _FieldTooLong as error:
        result = ParsedFile()
        result.errors.append(LineError(error.line, _(
            "A field on line %(line)s is longer than 128 kB; no value of this file is "
            "that long. Check that it is the right file.", line=error.line)))
        return result


class _FieldTooLong(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def _csv_lines(text: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of a CSV text, its delimiter found from its lines: the one that
    splits the most of the first lines."""
    head = text.splitlines()[:HEADER_SEARCH + 2]
    delimiter = max((";", ",", "\t"), key=lambda d: sum(line.count(d) for line in head))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    lines: list[tuple[int, list[str]]] = []
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return lines
        except csv.Error:  # a field over the csv module's limit (128 kB)
            raise _FieldTooLong(reader.line_num) from None
        lines.append((reader.line_num, cells))


# What a population workbook may unpack to: a country's table is under 2 MB of sheet XML.
# Checked on the ZIP's directory before anything is parsed (a 297 kB zip bomb held 86 MB of
# sheet XML), and rows are read as a stream that stops after the limit.
MAX_PART_BYTES = 16 * 1024 * 1024
MAX_WORKBOOK_BYTES = 32 * 1024 * 1024
MAX_PARTS = 200
MAX_COLUMNS = 64


def _xlsx_lines(data: bytes) -> list[tuple[int, list[str]]]:
    from defusedxml import DefusedXmlException
    from openpyxl import load_workbook

    _check_workbook(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except DefusedXmlException:
        raise _declares_a_dtd() from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError):
        raise BadFile(_("The file looks like an Excel workbook but cannot be opened. "
                        "Save it again as XLSX or CSV and try again.")) from None
    lines: list[tuple[int, list[str]]] = []
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + HEADER_SEARCH + 1:
                raise BadFile(_("The workbook has more than %(max)s rows; no population table "
                                "is that long. Check that it is the right file.",
                                max=MAX_ROWS))
            lines.append((number, [_cell_text(value) for value in values[:MAX_COLUMNS]]))
    except BadFile:
        raise
    except DefusedXmlException:
        raise _declares_a_dtd() from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError):
        raise BadFile(_("The workbook's sheet cannot be read. Save it again as XLSX or CSV "
                        "and try again.")) from None
    finally:
        workbook.close()
    return lines


def _check_workbook(data: bytes) -> None:
    """Refuse, before parsing, a workbook that unpacks to more than a population table ever
    does, or whose XML declares a document type (entities: the "billion laughs")."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise BadFile(_("The file looks like an Excel workbook but cannot be opened. "
                        "Save it again as XLSX or CSV and try again.")) from None
    with archive:
        if len(parts) > MAX_PARTS or any(part.file_size > MAX_PART_BYTES for part in parts) \
                or sum(part.file_size for part in parts) > MAX_WORKBOOK_BYTES:
            raise BadFile(_("The workbook unpacks to more than %(mb)s MB; no population table "
                            "is that large. Check that it is the right file.",
                            mb=MAX_WORKBOOK_BYTES // (1024 * 1024)))
        for part in parts:
            if part.filename.endswith((".xml", ".rels")):
                try:
                    with archive.open(part) as handle:
                        head = handle.read(4096)
                except (zipfile.BadZipFile, OSError, RuntimeError):
                    raise BadFile(_("The file looks like an Excel workbook but cannot be "
                                    "opened. Save it again as XLSX or CSV and try again.")
                                  ) from None
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise _declares_a_dtd()


def _declares_a_dtd() -> BadFile:
    return BadFile(_("The workbook declares a document type (DTD), which Excel never "
                     "writes; it is refused. Save it again as XLSX or CSV and try again."))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def whole_number(text: str) -> int | None:
    """A figure as the agencies print it: spaces, non-breaking or narrow spaces between
    thousands; a spreadsheet's 48103.0."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if cleaned.endswith(".0"):
        cleaned = cleaned[:-2]
    if cleaned.lstrip("-").isdigit():
        return int(cleaned)
    return None


def parse_lines(lines: list[tuple[int, list[str]]], country: str) -> ParsedFile:
    lines = [(number, [cell.strip() for cell in cells]) for number, cells in lines]
    filled = [(number, cells) for number, cells in lines if any(cells)]
    if not filled:
        result = ParsedFile()
        result.errors.append(LineError(1, _(
            "The file is empty; the first line must name the columns %(columns)s, or it must "
            "be a table of SCB or SSB with the region and one column per year.",
            columns=", ".join(COLUMNS))))
        return result
    first_cells = [cell.lower() for cell in filled[0][1]]
    if "code" in first_cells or "population_year" in first_cells:
        return _registry(filled)
    from consortium.members.agency_tables import read_table  # it builds on this module

    return read_table(lines, country)


# The registry's own CSV ------------------------------------------------------------------

def _registry(lines: list[tuple[int, list[str]]]) -> ParsedFile:
    result = ParsedFile(layout=REGISTRY)
    (header_line, header_cells), body = lines[0], lines[1:]
    header = [name.lower() for name in header_cells]
    for name in header:
        if name not in COLUMNS:
            result.errors.append(LineError(header_line, _(
                "Unknown column '%(name)s'. The columns are %(columns)s.", name=name,
                columns=", ".join(COLUMNS))))
    for name in COLUMNS:
        if name not in header:
            result.errors.append(LineError(header_line, _("The column '%(name)s' is missing.",
                                                          name=name)))
    for name in sorted({name for name in header if header.count(name) > 1}):
        result.errors.append(LineError(header_line, _("The column '%(name)s' appears twice.",
                                                      name=name)))
    if result.errors:
        return result
    position = {name: header.index(name) for name in COLUMNS}
    for line, values in limited(body, result):
        if len(values) != len(header):
            result.errors.append(LineError(line, _("Expected %(expected)s values, found "
                                                   "%(found)s.", expected=len(header),
                                                   found=len(values))))
            continue
        get = {name: values[index] for name, index in position.items()}
        problems = []
        if message := code_error(get["code"]):
            problems.append(f"'{get['code']}': {message}")
        if not get["name"]:
            problems.append(_("The name is empty."))
        if not get["county"]:
            problems.append(_("The county is empty."))
        population = population_cell(get["population"], problems)
        year = whole_number(get["population_year"])
        if year is None:
            problems.append(_("The year '%(value)s' is not a whole number.",
                              value=get["population_year"]))
        elif message := year_error(year):
            problems.append(message)
        if problems:
            result.errors.append(LineError(line, " ".join(problems)))
            continue
        assert population is not None and year is not None
        add_row(result, ImportRow(line, get["code"], get["name"], get["county"], population, year))
    if not result.rows and not result.errors:
        result.errors.append(LineError(header_line + 1, _("The file has no rows.")))
    return result


def limited(body: list[tuple[int, list[str]]],
             result: ParsedFile) -> Iterator[tuple[int, list[str]]]:
    for number, (line, values) in enumerate(body):
        if number >= MAX_ROWS:
            result.errors.append(LineError(line, _("The file has more than %(max)s rows.",
                                                   max=MAX_ROWS)))
            return
        yield line, values


def population_cell(text: str, problems: list[str]) -> int | None:
    population = whole_number(text)
    if population is None:
        problems.append(_("The population '%(value)s' is not a whole number.", value=text))
    elif population < 0:
        problems.append(_("The population %(value)s is negative.", value=population))
    elif message := population_error(population):
        problems.append(message)
    else:
        return population
    return None


def add_row(result: ParsedFile, row: ImportRow) -> None:
    first = result.seen.setdefault((row.code, row.year), row.line)
    if first != row.line:
        error = LineError(row.line, _("The code %(code)s appears twice (first on line "
                                      "%(first)s).", code=row.code, first=first))
        if not result.errors or result.errors[-1] != error:  # once per line, not per year
            result.errors.append(error)
        return
    result.rows.append(row)
