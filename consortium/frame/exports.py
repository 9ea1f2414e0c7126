"""CSV and XLSX downloads of tables: the same header and rows in both formats, written the
way the reader's spreadsheet program expects them.

- CSV in Swedish: semicolon between fields and decimal comma (what Swedish Excel reads), in
  English: comma and decimal point; UTF-8 with a BOM either way.
- XLSX: numbers as numbers with a number format (amounts "# ##0,00" as Excel shows them in
  the reader's locale), dates as dates, text as text.
- No cell is ever read as a formula: a text starting with =, +, -, @, a tab or a carriage
  return is written as text (CSV: with a leading apostrophe; XLSX: a string cell).

Amounts are passed as Decimal (kronor, two decimals), counts as int, dates as date."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Response
from flask_babel import get_locale

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
INVALID_SHEET_CHARACTERS = str.maketrans({c: " " for c in ":/\\?*[]"})


def kronor(ore: int | None) -> Decimal | None:
    """An amount in öre as exact kronor for a table."""
    return None if ore is None else (Decimal(ore) / 100).quantize(Decimal("0.01"))


def _swedish() -> bool:
    return str(get_locale() or "sv").startswith("sv")


def _csv_cell(value: Any, decimal_comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | int | float):
        text = str(value)
        return text.replace(".", ",") if decimal_comma else text
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Response:
    swedish = _swedish()
    buffer = io.StringIO()
    buffer.write("\ufeff")  # BOM: spreadsheet programs then read å, ä, ö as UTF-8
    writer = csv.writer(buffer, delimiter=";" if swedish else ",")
    writer.writerow([_csv_cell(str(name), False) for name in header])
    for row in rows:
        writer.writerow([_csv_cell(value, swedish) for value in row])
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def sheet_title(text: str) -> str:
    """A title Excel accepts: none of : / \\ ? * [ ], at most 31 characters, not empty."""
    return (text.translate(INVALID_SHEET_CHARACTERS).strip()[:31] or "Sheet").strip("'")


def xlsx_bytes(title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    # openpyxl is imported when a workbook is asked for, not when the app starts
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    for column, name in enumerate(header, start=1):
        cell = sheet.cell(row=1, column=column)
        cell.value, cell.data_type, cell.font = str(name), TYPE_STRING, Font(bold=True)
    widths = [len(str(name)) for name in header]
    for row_index, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_index, column=column)
            if isinstance(value, Decimal):
                cell.value, cell.number_format = value, "#,##0.00"
            elif isinstance(value, bool):
                cell.value = value
            elif isinstance(value, int):
                cell.value, cell.number_format = value, "#,##0" if abs(value) >= 10_000 else "0"
            elif isinstance(value, date):
                cell.value, cell.number_format = value, "yyyy-mm-dd"
            elif value is not None:
                cell.value = str(value)
                cell.data_type = TYPE_STRING  # never a formula, whatever it starts with
            shown = value.isoformat() if isinstance(value, date) else str(value or "")
            widths[column - 1] = max(widths[column - 1], len(shown) + 2)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, title: str, header: Sequence[Any],
                  rows: Iterable[Sequence[Any]]) -> Response:
    return Response(xlsx_bytes(title, header, rows), mimetype=XLSX_MIMETYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def table_response(fmt: str, basename: str, title: str, header: Sequence[Any],
                   rows: Iterable[Sequence[Any]]) -> Response:
    if fmt == "xlsx":
        return xlsx_response(f"{basename}.xlsx", title, header, rows)
    return csv_response(f"{basename}.csv", header, rows)
