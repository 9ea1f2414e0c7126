"""The one export writer: no cell is ever a formula, whatever a name starts with; Swedish CSV
for Swedish Excel; XLSX numbers as numbers; sheet titles Excel accepts."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from consortium.frame.exports import sheet_title, xlsx_bytes
from consortium.members import service as members
from consortium.tools import service as tools

# Leading tabs and carriage returns cannot be stored (names are trimmed): the writer itself is
# tested with them below.
DANGEROUS = ["=HYPERLINK(\"http://evil.example\",\"Klicka\")", "+1+1", "-1+1", "@SUM(A1)"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_no_exported_text_is_a_formula(client_as, make_municipality, make_tool, text):
    laxa = make_municipality("1860", "Laxå", "Örebro län")
    members.update_municipality(laxa, {"name": text, "invoice_reference": text})
    tool = make_tool("egil", "Egil", open_to_non_members=True)
    tools.update_tool(tool, {"name": text, "description": text})
    tools.set_participation(tool, laxa, date(2020, 1, 1), None)
    finance = client_as("finance")
    for url in ("/municipalities/export", "/tools/export", "/tools/matrix"):
        raw = finance.get(f"{url}.csv", headers={"Accept-Language": "sv"}).get_data(as_text=True)
        cells = [cell for row in csv.reader(io.StringIO(raw.lstrip("\ufeff")), delimiter=";")
                 for cell in row]
        assert any(cell == "'" + text for cell in cells), url
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
        book = load_workbook(io.BytesIO(finance.get(f"{url}.xlsx").data)).active
        values = [cell for row in book.iter_rows() for cell in row if cell.value == text]
        assert values and all(cell.data_type == "s" for cell in values), url
        assert not any(cell.data_type == "f" for row in book.iter_rows() for cell in row)


@pytest.mark.parametrize("text", DANGEROUS + ["\tTab", "\rReturn"])
def test_the_writer_keeps_every_text_a_text(app, text):
    from consortium.frame.exports import csv_response

    with app.test_request_context(headers={"Accept-Language": "en"}):
        raw = csv_response("x.csv", [text], [[text, Decimal("-1.5")]]).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(raw.lstrip("\ufeff"))))
    assert rows[0] == ["'" + text] and rows[1] == ["'" + text, "-1.5"]
    sheet = load_workbook(io.BytesIO(xlsx_bytes("t", [text], [[text]]))).active
    assert {sheet["A1"].data_type, sheet["A2"].data_type} == {"s"}
    assert sheet["A2"].value in (text, text.replace("\r", "\n"))  # XML keeps no lone CR


def test_numbers_stay_numbers_and_dates_dates():
    data = xlsx_bytes("Kostnader: 2026/2027 [utkast]", ["a", "b", "c"],
                      [[Decimal("-1234.50"), 984_748, date(2026, 1, 1)]])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Kostnader  2026 2027  utkast"
    amount, count, day = (sheet.cell(row=2, column=c) for c in (1, 2, 3))
    assert amount.data_type == "n" and amount.number_format == "#,##0.00"
    assert count.value == 984_748 and count.number_format == "#,##0"
    assert day.is_date and day.number_format == "yyyy-mm-dd"


def test_sheet_titles_are_what_excel_accepts():
    assert sheet_title("Egil/Skola 2026") == "Egil Skola 2026"
    assert sheet_title("x" * 40) == "x" * 31
    assert sheet_title("[]:*?") == "Sheet"
