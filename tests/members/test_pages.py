"""The municipality pages: list, search, filters, detail, forms, exports, query counts."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from consortium import db
from consortium.members import service
from consortium.members.models import Municipality
from tests.conftest import csrf_token

EN = {"Accept-Language": "en"}


@pytest.fixture
def register(make_municipality):
    stockholm = make_municipality("0180", "Stockholm", "Stockholms län")
    malmo = make_municipality("1280", "Malmö", "Skåne län")
    laxa = make_municipality("1860", "Laxå", "Örebro län")
    service.set_population(stockholm, 2016, 935619)
    service.set_population(stockholm, 2024, 984748)
    service.set_population(malmo, 2016, 328494)
    service.set_population(laxa, 2016, 5631)
    service.change_membership(malmo, "admit", date(2010, 1, 1))
    return {"stockholm": stockholm, "malmo": malmo, "laxa": laxa}


def names(html):
    return [n for n in ("Stockholm", "Malmö", "Laxå") if f">{n}</a>" in html]


def test_list_shows_every_municipality_with_its_newest_population(client_as, register):
    html = client_as("observer").get("/municipalities/", headers=EN).get_data(as_text=True)
    assert set(names(html)) == {
        "Stockholm", "Malmö", "Laxå"}
    assert "984\u00a0748" in html or "984,748" in html
    assert "3 municipalities" in html


def test_search_by_name_and_by_code(client_as, register):
    client = client_as("observer")
    assert names(client.get("/municipalities/?q=stock").get_data(as_text=True)) == ["Stockholm"]
    assert names(client.get("/municipalities/?q=1860").get_data(as_text=True)) == ["Laxå"]
    assert names(client.get("/municipalities/?q=malmö").get_data(as_text=True)) == ["Malmö"]


def test_filter_by_county_and_status(client_as, register):
    client = client_as("observer")
    assert names(client.get("/municipalities/?county=Skåne+län").get_data(as_text=True)) \
        == ["Malmö"]
    assert names(client.get("/municipalities/?status=member").get_data(as_text=True)) \
        == ["Malmö"]
    assert set(names(client.get("/municipalities/?status=none").get_data(as_text=True))) \
        == {"Stockholm", "Laxå"}


def test_sort_by_population_descending(client_as, register):
    html = client_as("observer").get("/municipalities/?sort=population&dir=desc") \
        .get_data(as_text=True)
    order = sorted(names(html), key=html.index)
    assert order == ["Stockholm", "Malmö", "Laxå"]


def test_pagination_splits_long_lists(client_as, make_municipality):
    for number in range(55):
        make_municipality(f"{9000 + number}", f"Kommun {number:02d}", "Testlän")
    client = client_as("observer")
    first = client.get("/municipalities/?sort=code", headers=EN).get_data(as_text=True)
    second = client.get("/municipalities/?sort=code&page=2", headers=EN).get_data(as_text=True)
    assert "Kommun 49" in first and "Kommun 50" not in first
    assert "Kommun 50" in second and "Page 2 of 2" in second


def test_detail_shows_history_chart_and_tools(client_as, register, make_tool):
    from consortium.tools import service as tools

    tool = make_tool("provisum", "Provisum", open_to_non_members=True)
    tools.set_participation(tool, register["stockholm"], date(2019, 1, 1), None)
    html = client_as("observer").get("/municipalities/0180", headers=EN).get_data(as_text=True)
    assert "Stockholm" in html and "Stockholms län" in html
    assert "<svg" in html and 'aria-label="Population of Stockholm by year"' in html
    assert ">2024</td>" in html and ">2016</td>" in html
    assert "Provisum" in html and "2019-01-01" in html


def test_unknown_municipality_is_404(client_as):
    assert client_as("observer").get("/municipalities/9999").status_code == 404


def _form(client, path, **fields):
    return {"csrf_token": csrf_token(client, path), **fields}


def test_create_with_a_bad_code_shows_the_error_then_succeeds(client_as):
    admin = client_as("admin")
    bad = admin.post("/municipalities/new", headers=EN, data=_form(
        admin, "/municipalities/new", code="18a0", name="Laxå", county="Örebro län",
        status=""))
    assert bad.status_code == 422
    assert "must be exactly four digits" in bad.get_data(as_text=True)
    assert db.session.scalar(select(Municipality).where(Municipality.name == "Laxå")) is None
    good = admin.post("/municipalities/new", data=_form(
        admin, "/municipalities/new", code="1860", name="Laxå", county="Örebro län",
        status=""))
    assert good.status_code == 302 and good.headers["Location"] == "/municipalities/1860"
    assert "Laxå" in admin.get("/municipalities/").get_data(as_text=True)


def test_create_with_a_taken_code_says_so_next_to_the_field(client_as, register):
    admin = client_as("admin")
    response = admin.post("/municipalities/new", headers=EN, data=_form(
        admin, "/municipalities/new", code="0180", name="Dubbel", county="Stockholms län",
        status=""))
    assert response.status_code == 422
    assert "This code is already in the register." in response.get_data(as_text=True)


def test_a_code_or_county_outside_the_national_list_is_refused(client_as):
    admin = client_as("admin")
    response = admin.post("/municipalities/new", headers=EN, data=_form(
        admin, "/municipalities/new", code="0999", name="Påhittad", county="Fantasilän",
        status=""))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "0999 is not a municipality code (kommunkod) of Sverige." in html
    assert "Choose one of the counties (län) of Sverige." in html


def test_create_member_without_date_is_refused(client_as):
    admin = client_as("admin")
    response = admin.post("/municipalities/new", headers=EN, data=_form(
        admin, "/municipalities/new", code="1860", name="Laxå", county="Örebro län",
        status="member"))
    assert response.status_code == 422
    assert "Give the date the municipality became a member." in response.get_data(as_text=True)


def test_edit_saves_a_valid_organisation_number(client_as, register):
    admin = client_as("admin")
    path = "/municipalities/1860/edit"
    bad = admin.post(path, headers=EN, data=_form(admin, path, name="Laxå",
                                                  county="Örebro län", org_number="123"))
    assert bad.status_code == 422 and "not valid" in bad.get_data(as_text=True)
    good = admin.post(path, data=_form(admin, path, name="Laxå", county="Örebro län",
                                       org_number="2120001884", invoice_reference="LAX-1"))
    assert good.status_code == 302
    assert service.get_by_code("1860").org_number == "212000-1884"


def test_membership_change_form_admits_and_resigns(client_as, register):
    admin = client_as("admin")
    page = "/municipalities/1860"
    admin.post(f"{page}/membership", data=_form(admin, page, action="admit", on="2021-01-01"))
    admin.post(f"{page}/membership", data=_form(admin, page, action="resign", on="2023-12-31"))
    laxa = service.get_by_code("1860")
    db.session.refresh(laxa)
    assert laxa.status.value == "resigned" and laxa.left_on == date(2023, 12, 31)


def test_population_form_refuses_a_negative_figure(client_as, register):
    admin = client_as("admin")
    page = "/municipalities/1860"
    response = admin.post(f"{page}/population", headers=EN,
                          data=_form(admin, page, year="2024", population="-3"))
    assert response.status_code == 422
    assert "The population cannot be negative." in response.get_data(as_text=True)
    ok = admin.post(f"{page}/population", data=_form(admin, page, year="2024",
                                                     population="5700", source="SCB"))
    assert ok.status_code == 302


@pytest.mark.parametrize("role", ["finance", "representative", "observer"])
def test_only_admins_change_the_register(client_as, register, role):
    client = client_as(role)
    assert client.get("/municipalities/0180").status_code == 200
    assert client.get("/municipalities/new").status_code == 403
    assert client.post("/municipalities/0180/population", data={
        "csrf_token": csrf_token(client, "/municipalities/0180"), "year": "2024",
        "population": "1"}).status_code == 403


def test_csv_export_has_every_row_with_swedish_letters(client_as, register):
    response = client_as("finance").get("/municipalities/export.csv?status=",
                                        headers={"Accept-Language": "sv"})
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Kommunkod;Namn;Län;Land;Medlemskap")
    assert "1280;Malmö;Skåne län;SE;Medlem;2010-01-01" in text
    assert len(lines) == 4
    english = client_as("finance").get("/municipalities/export.csv?status=",
                                       headers=EN).get_data(as_text=True)
    assert english.lstrip("\ufeff").startswith("Kommunkod,Name,County,Country,Membership")


def test_xlsx_export_opens_as_a_workbook(client_as, register):
    response = client_as("finance").get("/municipalities/export.xlsx?sort=code")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Kommunkod", "Namn", "Län")
    assert rows[1][:2] == ("0180", "Stockholm") and rows[1][9] == 984748  # a number
    assert sheet.cell(row=2, column=10).number_format == "#,##0"


def test_list_query_count_does_not_grow_with_rows(client_as, make_municipality, count_queries):
    client = client_as("observer")
    for number in range(3):
        service.set_population(make_municipality(f"{9100 + number}", f"A{number}", "L"),
                               2016, 100 + number)
    client.get("/municipalities/?sort=code")  # the session's first page
    with count_queries() as few:
        client.get("/municipalities/")
    with count_queries() as kept_few:  # kept under its stamps (frame/stamps.py)
        client.get("/municipalities/")
    for number in range(3, 60):
        service.set_population(make_municipality(f"{9100 + number}", f"A{number}", "L"),
                               2016, 100 + number)
    with count_queries() as many:
        page = client.get("/municipalities/?sort=population").get_data(as_text=True)
    with count_queries() as kept_many:
        client.get("/municipalities/?sort=population")
    assert "/municipalities/9149" in page  # made again after the change
    assert few.count == many.count <= 7
    assert kept_few.count == kept_many.count == many.count - 3  # the page, count, counties


def test_detail_query_count_does_not_grow_with_history(client_as, register, count_queries,
                                                        make_tool):
    from consortium.tools import service as tools

    client = client_as("observer")
    with count_queries() as few:
        client.get("/municipalities/1860")
    laxa = service.get_by_code("1860")
    for year in range(1990, 2016):
        service.set_population(laxa, year, 5000 + year)
    for slug in ("a", "b", "c", "d"):
        tool = make_tool(slug, open_to_non_members=True)
        tools.set_participation(tool, laxa, date(2020, 1, 1), None)
    with count_queries() as many:
        page = client.get("/municipalities/1860").get_data(as_text=True)
    with count_queries() as kept:  # its history kept under its stamp (frame/stamps.py)
        assert client.get("/municipalities/1860").get_data(as_text=True) == page
    assert "2015" in page and "7\xa0015" in page  # made again after the change
    assert few.count == many.count <= 11  # including the test savepoint statements
    assert kept.count == many.count - 3  # the periods, the figures and the tools it takes part in


def test_names_sort_in_swedish_order(client_as, make_municipality):
    for code, name in (("1292", "Ängelholm"), ("2321", "Åre"), ("1880", "Örebro"),
                       ("0764", "Alvesta"), ("1980", "Västerås")):
        make_municipality(code, name, "Län")
    html = client_as("observer").get("/municipalities/?sort=name").get_data(as_text=True)
    names = re.findall(r'/municipalities/\d{4}">([^<]+)</a>', html)
    assert names == ["Alvesta", "Västerås", "Åre", "Ängelholm", "Örebro"]
    descending = client_as("observer").get("/municipalities/?sort=name&dir=desc") \
        .get_data(as_text=True)
    assert re.findall(r'/municipalities/\d{4}">([^<]+)</a>', descending)[0] == "Örebro"
