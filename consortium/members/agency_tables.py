"""SCB's and SSB's population tables as downloaded (CSV or XLSX, already split into cells
by `import_files`): title lines, a header `region` + one column per year (`2024`,
`Folkmängd 2024`, `Personer 2024`), rows `0180 Stockholm` with the figures, totals and
footnotes around them; or PX-Web's long layout, a row per region and year.

SCB counts the population on 31 December of the column's year, SSB (07459) on 1 January; the
registry keeps the figure of 31 December, so an SSB column `2024` is the registry's year 2023."""

from __future__ import annotations

import re
from collections.abc import Iterator

from flask_babel import gettext as _

from consortium.members.import_files import (
    COLUMNS,
    HEADER_SEARCH,
    SCB,
    SSB,
    ImportRow,
    LineError,
    ParsedFile,
    Skipped,
    add_row,
    limited,
    population_cell,
)
from consortium.members.validation import year_error

MISSING = {"", "..", ".", "-", ":", "…"}  # the agencies' marks for "no figure"
YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
# "0180 Stockholm", "K-3101 Halden" (SSB's code lists), "00 Riket", "F-31 Østfold"
REGION = re.compile(r"^(?:([A-Z])-)?(\d{1,4})\s+(\S.*)$")
SSB_WORDS = ("07459", "personer", "folkemengde", "statistikkvariabel", "hele landet",
             "befolkning, etter")
SCB_WORDS = ("folkmängd", "riket", "be0101", "scb")


def _year_of(heading: str) -> int | None:
    found = YEAR.findall(heading)
    if len(found) == 1 and year_error(int(found[0])) is None:
        return int(found[0])
    return None


YEAR_HEADINGS = ("år", "year", "tid", "aar")  # the long layout's column of years


def read_table(lines: list[tuple[int, list[str]]], country: str) -> ParsedFile:
    """A table with the years as columns (wide), or PX-Web's long layout: a row per region and
    year, the columns region, år and the figure, and perhaps columns of one value each
    (statistikkvariabel: Personer)."""
    result = ParsedFile()
    found = _header(lines, result)
    if found is None:
        return result
    header_at, long = found
    header_line, header = lines[header_at]
    title = " ".join(" ".join(cells) for _line, cells in lines[:header_at + 1]).strip()
    result.title = " ".join(" ".join(c for c in cells if c) for _l, cells in lines[:header_at]
                            ).strip()[:200]
    result.layout = _agency(title, lines[header_at + 1:], country)
    shift = -1 if result.layout == SSB else 0  # SSB: 1 January; the registry: 31 December
    body = lines[header_at + 1:]
    read_rows = _long_rows if long else _wide_rows
    regions = read_rows(header_line, header, body, result)
    for line, region, figures in regions:
        _region_row(result, line, region, figures, shift)
    if not result.rows and not result.errors:
        result.errors.append(LineError(header_line + 1, _(
            "The table has no municipality with a figure.")))
    return result


def _header(lines: list[tuple[int, list[str]]],
            result: ParsedFile) -> tuple[int, bool] | None:
    """Where the table's header is, and whether the layout is long; None with an error."""
    for index, (line, cells) in enumerate(lines[:HEADER_SEARCH]):
        first, rest = cells[0].lower() if cells else "", [c for c in cells[1:] if c]
        if first not in ("region", "") or not rest:
            continue
        others = [c for c in rest if _year_of(c) is None]
        if not others:
            return index, False
        if first != "region":
            continue
        if any(c.lower() in YEAR_HEADINGS for c in rest):
            return index, True
        result.errors.append(LineError(line, _(
            "The column '%(name)s' is neither the region nor a year. Download the table "
            "with only region and year (år) chosen, the years as columns.",
            name=others[0])))
        return None
    result.errors.append(LineError(1, _(
        "The file is neither the registry's CSV (columns %(columns)s) nor a table of SCB "
        "or SSB (a column 'region' and one column per year).", columns=", ".join(COLUMNS))))
    return None


Figures = list[tuple[str, int]]  # (the cell's text, the column's year)


def _wide_rows(header_line: int, header: list[str], body: list[tuple[int, list[str]]],
               result: ParsedFile) -> Iterator[tuple[int, str, Figures]]:
    columns = [(index, _year_of(heading)) for index, heading in enumerate(header)
               if index and heading]
    years = [year for _index, year in columns]
    for year in sorted({y for y in years if years.count(y) > 1}):  # type: ignore[type-var]
        result.errors.append(LineError(header_line, _("The year %(year)s appears twice.",
                                                      year=year)))
    if result.errors:
        return
    for line, cells in limited(body, result):
        if not any(cells):
            continue
        if len(cells) > len(header) and any(cells[len(header):]):
            result.errors.append(LineError(line, _(
                "Expected %(expected)s values, found %(found)s.", expected=len(header),
                found=len([c for c in cells if c]))))
            continue
        values = [(cells[i] if i < len(cells) else "", y) for i, y in columns]
        yield line, cells[0], [(text, y) for text, y in values if y is not None]


def _long_rows(header_line: int, header: list[str], body: list[tuple[int, list[str]]],
               result: ParsedFile) -> Iterator[tuple[int, str, Figures]]:
    names = [heading.lower() for heading in header]
    year_at = next(i for i, name in enumerate(names) if name in YEAR_HEADINGS)
    value_at = max(i for i, name in enumerate(names) if i not in (0, year_at) and name)
    rows = [(line, cells) for line, cells in body if any(cells)]
    for index, heading in enumerate(header):  # other columns must hold one value only
        if index in (0, year_at, value_at) or not heading:
            continue
        seen = sorted({cells[index] for _line, cells in rows
                       if index < len(cells) and REGION.match(cells[0])})
        if len(seen) > 1:
            result.errors.append(LineError(header_line, _(
                "The column '%(name)s' has several values (%(values)s). Download the table "
                "with one value of it chosen.", name=heading, values=", ".join(seen[:3]))))
            return
    for line, cells in limited(rows, result):
        cells = cells + [""] * (len(header) - len(cells))
        text, heading = cells[value_at], cells[year_at]
        year = _year_of(heading)
        if year is None and REGION.match(cells[0]):
            result.errors.append(LineError(line, _(
                "The year '%(value)s' is not a whole number.", value=heading)))
            continue
        yield line, cells[0], [(text, year)] if year is not None else []


def _region_row(result: ParsedFile, line: int, region: str, figures: Figures,
                shift: int) -> None:
    """One region's figures: a municipality's are rows; totals and regions without a figure
    are passed over and listed; a figure that is no whole number is an error of its line."""
    figures = [(text, year) for text, year in figures if text not in MISSING]
    match = REGION.match(region)
    if match is None:
        if figures:
            result.errors.append(LineError(line, _(
                "'%(region)s' does not begin with a municipality code (kommunkod).",
                region=region)))
        return  # a footnote or the source under the table
    prefix, code, name = match.groups()
    if len(code) != 4 or prefix not in (None, "K"):
        result.skipped.append(Skipped(line, region, "total"))
        return
    if not figures:
        result.skipped.append(Skipped(line, region, "no_figures"))
        return
    problems: list[str] = []
    parsed = [(population_cell(text, problems), year) for text, year in figures]
    if problems:
        result.errors.append(LineError(line, " ".join(problems)))
        return
    for population, year in parsed:
        assert population is not None
        add_row(result, ImportRow(line, code, name.strip(), None, population, year + shift))


def _agency(title: str, body: list[tuple[int, list[str]]], country: str) -> str:
    """SSB or SCB from the words of the title and header, SSB's K- codes and totals; a table
    that says neither is read as the agency of the installation's country."""
    words = (title + " " + " ".join(cells[0] for _line, cells in body[:5] if cells)).lower()
    if any(word in words for word in SSB_WORDS) or re.search(r"\bk-\d{4}\b", words):
        return SSB
    if any(word in words for word in SCB_WORDS):
        return SCB
    return SSB if country == "NO" else SCB
