"""Cost sharing in the browser's pages: preview before saving, adoption, statements by role,
the finance overview with a fixed number of queries, exports."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from consortium import db
from consortium.costs import fee_schedules, keys
from consortium.costs import service as costs
from consortium.costs.models import Budget
from consortium.members import service as members
from consortium.tools import service as tools
from tests.conftest import csrf_token

EN = {"Accept-Language": "en"}
PAGE = "/costs/budgets/provisum/2026"


@pytest.fixture
def provisum(make_municipality, make_tool):
    tool = make_tool("provisum", "Provisum", open_to_non_members=True)
    for code, name, population in (("0180", "Stockholm", 935_619), ("1860", "Laxå", 5_631)):
        municipality = make_municipality(code, name, "Län")
        members.set_population(municipality, 2024, population)
        tools.set_participation(tool, municipality, date(2019, 1, 1), None)
    return tool


def form(client, **fields):
    return {"csrf_token": csrf_token(client, PAGE), "amount": "1 000 000", "method": "per_capita",
            "population_year": "", "base_share": "", "bands": "", "reason": "", **fields}


def budgets():
    return db.session.scalar(select(func.count()).select_from(Budget))


def test_preview_shows_every_amount_and_saves_nothing(client_as, provisum):
    finance = client_as("finance")
    response = finance.post(PAGE, headers=EN, data=form(finance, preview="1"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview: nothing has been saved" in html
    # 1 000 000 kr per capita: 935619/941250 and 5631/941250 -> 994 017,53 kr and 5 982,47 kr
    assert "SEK994,017.53" in html and "SEK5,982.47" in html
    assert budgets() == 0


def test_save_adopt_and_lock(client_as, provisum):
    finance = client_as("finance")
    assert finance.post(PAGE, data=form(finance, save="1")).status_code == 302
    assert budgets() == 1
    # First a confirmation page that says what adopting means; nothing changes yet
    asked = finance.post(f"{PAGE}/adopt", headers=EN,
                         data={"csrf_token": csrf_token(finance, PAGE)})
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Adopt the budget of Provisum for 2026?" in html
    assert 'name="confirmed" value="yes"' in html
    assert all("src=" in tag for tag in html.split("<script")[1:])  # no inline script
    assert [v.status.value for v in costs.versions(provisum, 2026)] == ["draft"]
    adopted = finance.post(f"{PAGE}/adopt", data={"csrf_token": csrf_token(finance, PAGE),
                                                  "confirmed": "yes"})
    assert adopted.status_code == 302
    page = finance.get(PAGE, headers=EN).get_data(as_text=True)
    assert "adopted and locked" in page and "Make a new version" in page
    no_reason = finance.post(PAGE, headers=EN, data=form(finance, save="1", amount="1 100 000"))
    assert no_reason.status_code == 422
    assert "Say why the adopted budget is changed." in no_reason.get_data(as_text=True)
    finance.post(PAGE, data=form(finance, save="1", amount="1 100 000",
                                 reason="Indexation agreed by the board"))
    versions = costs.versions(provisum, 2026)
    assert [(v.version, v.status.value, v.amount) for v in versions] == [
        (1, "adopted", 100_000_000), (2, "draft", 110_000_000)]


def test_bad_amount_and_bad_key_are_explained(client_as, provisum):
    finance = client_as("finance")
    bad = finance.post(PAGE, headers=EN, data=form(finance, save="1", amount="lots"))
    assert bad.status_code == 422 and "Write the amount in kronor" in bad.get_data(as_text=True)
    bands = finance.post(PAGE, headers=EN, data=form(finance, save="1", method="tiered",
                                                     bands="10000;1\nmany;2"))
    assert bands.status_code == 422 and "Line 2" in bands.get_data(as_text=True)
    share = finance.post(PAGE, headers=EN, data=form(finance, save="1",
                                                     method="base_plus_per_capita",
                                                     base_share="2"))
    assert share.status_code == 422 and "between 0 and 1" in share.get_data(as_text=True)
    assert budgets() == 0


def test_missing_population_is_named_on_the_page(client_as, provisum):
    finance = client_as("finance")
    response = finance.post(PAGE, headers=EN, data=form(finance, preview="1",
                                                        population_year="2020"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "No population figure for 2020 for: Stockholm (0180), Laxå (1860)" in html


@pytest.mark.parametrize("role", ["representative", "observer"])
def test_readers_see_budgets_but_cannot_write(client_as, provisum, role):
    client = client_as(role)
    assert client.get(PAGE).status_code == 200
    assert client.post(PAGE, data=form(client, save="1")).status_code == 403
    assert client.post(f"{PAGE}/adopt",
                       data={"csrf_token": csrf_token(client, PAGE)}).status_code == 403


def test_statements_by_role(client_as, provisum):
    costs.set_budget(provisum, 2026, 100_000, keys.key_from_data({"method": "equal"}))
    laxa = members.get_by_code("1860")
    own_finance = client_as("finance", municipality=laxa)
    assert own_finance.get("/costs/statements/1860/2026").status_code == 200
    assert own_finance.get("/costs/statements/0180/2026").status_code == 403
    assert own_finance.get("/costs/statements/0180/2026.csv").status_code == 403
    representative = client_as("representative", municipality=laxa)
    assert representative.get("/costs/statements/1860/2026").status_code == 200
    assert representative.get("/costs/statements/0180/2026").status_code == 403
    html = client_as("observer").get("/costs/statements/0180/2026", headers=EN) \
        .get_data(as_text=True)
    assert "Provisum" in html and "SEK500.00" in html and "Preliminary" in html


def test_statement_export_has_exact_amounts(client_as, provisum):
    costs.set_budget(provisum, 2026, 100_001, keys.key_from_data({"method": "equal"}))
    text = client_as("observer").get("/costs/statements/1860/2026.csv", headers=EN) \
        .get_data(as_text=True)
    rows = text.lstrip("\ufeff").splitlines()
    assert rows[0] == "Item,Allocation key,Basis,Share,Status,Amount (kr)"
    assert rows[1] == "Provisum,Equal shares,1,0.5000000000,draft,500.00"
    assert rows[-1] == "Total,,,,,500.00"
    # In Swedish: what Swedish Excel reads (semicolons, decimal comma), Swedish words
    swedish = client_as("observer").get("/costs/statements/1860/2026.csv",
                                        headers={"Accept-Language": "sv"}).get_data(as_text=True)
    lines = swedish.lstrip("\ufeff").splitlines()
    assert lines[0] == "Post;Fördelningsnyckel;Underlag;Andel;Status;Belopp (kr)"
    assert lines[1] == "Provisum;Lika delar;1;0,5000000000;utkast;500,00"


def test_overview_lists_municipalities_with_change(client_as, provisum):
    costs.adopt(costs.set_budget(provisum, 2025, 200_000,
                                 keys.key_from_data({"method": "equal"}))[0])
    costs.set_budget(provisum, 2026, 300_001, keys.key_from_data({"method": "equal"}))
    html = client_as("finance").get("/costs/2026", headers=EN).get_data(as_text=True)
    # 3 000,01 kr equally: 1 500,01 (0180, lower code) and 1 500,00; last year 1 000 each.
    assert "SEK1,500.01" in html and "SEK1,500.00" in html and "SEK500.01" in html
    text = client_as("finance").get("/costs/2026.csv", headers=EN).get_data(as_text=True)
    assert "0180,Stockholm,Län,1500.01,,1500.01,1000.00,500.01" in text
    book = load_workbook(io.BytesIO(client_as("finance").get("/costs/2026.xlsx").data)).active
    row = next(r for r in book.iter_rows(min_row=2) if r[0].value == "0180")
    assert row[3].value == Decimal("1500.01") or row[3].value == 1500.01  # a number
    assert row[3].number_format == "#,##0.00"


def test_overview_pages_rows_and_totals_everything(client_as, provisum, make_municipality):
    """A page shows at most 100 municipalities; the totals are those of every municipality
    the filters select, whichever page is shown; the export holds every row."""
    from consortium.costs import queries

    katrineholm = make_municipality("0483", "Katrineholm", "Län")
    tools.set_participation(provisum, katrineholm, date(2019, 1, 1), None)
    costs.set_budget(provisum, 2026, 300_000, keys.key_from_data({"method": "equal"}))
    first = queries.overview(2026, per_page=2)
    second = queries.overview(2026, per_page=2, page=2)
    assert [r.municipality.name for r in first.rows] == ["Katrineholm", "Laxå"]
    assert [r.municipality.name for r in second.rows] == ["Stockholm"]
    assert first.count == second.count == 3 and first.pages == 2
    assert first.tool_totals == second.tool_totals == [300_000]
    assert queries.overview(2026, per_page=2, page=9).page == 2  # beyond the last: the last
    html = client_as("finance").get("/costs/2026", headers=EN).get_data(as_text=True)
    assert "3 municipalities" in html and "SEK3,000.00" in html
    export = client_as("finance").get("/costs/2026.csv").get_data(as_text=True)
    assert len(export.strip().splitlines()) == 4


def test_overview_totals_of_a_county_are_that_countys(client_as, provisum, make_municipality):
    """With a county, the count and the totals are those of its municipalities only, on
    every page; without one, of everyone."""
    from consortium.costs import queries

    for code, name in (("0483", "Katrineholm"), ("0484", "Eskilstuna")):
        municipality = make_municipality(code, name, "Södermanlands län")
        tools.set_participation(provisum, municipality, date(2019, 1, 1), None)
    costs.set_budget(provisum, 2026, 400_000, keys.key_from_data({"method": "equal"}))
    first = queries.overview(2026, county="Södermanlands län", per_page=1)
    second = queries.overview(2026, county="Södermanlands län", per_page=1, page=2)
    assert [r.municipality.name for r in first.rows + second.rows] == ["Eskilstuna",
                                                                      "Katrineholm"]
    assert first.count == second.count == 2 and first.pages == 2
    assert first.tool_totals == second.tool_totals == [200_000]
    everyone = queries.overview(2026)
    assert everyone.count == 4 and everyone.tool_totals == [400_000]
    assert [r.amounts for r in everyone.rows] == [[100_000]] * 4


def test_overview_query_count_is_fixed(client_as, make_municipality, make_tool, count_queries):
    """Made (the first view after a change) and kept (every view after it, frame/stamps.py):
    each a fixed number of statements however many municipalities and tools."""
    client = client_as("finance")
    tool_list = [make_tool(f"t{i}", open_to_non_members=True) for i in range(2)]
    for number in range(3):
        municipality = make_municipality(f"{9300 + number}", f"K{number}", "L")
        members.set_population(municipality, 2024, 1000 + number)
        for tool in tool_list:
            tools.set_participation(tool, municipality, date(2020, 1, 1), None)
    for tool in tool_list:
        costs.set_budget(tool, 2026, 10_000, keys.key_from_data({"method": "per_capita"}))
    costs.adopt(costs.current(tool_list[0], 2026))
    client.get("/costs/2025")  # the reader's own statements, read once per session
    with count_queries() as made_few:
        client.get("/costs/2026")
    with count_queries() as kept_few:
        client.get("/costs/2026")
    for number in range(3, 40):
        municipality = make_municipality(f"{9300 + number}", f"K{number}", "L")
        members.set_population(municipality, 2024, 1000 + number)
        for tool in tool_list:
            tools.set_participation(tool, municipality, date(2020, 1, 1), None)
    for index in range(2, 6):
        extra = make_tool(f"t{index}", open_to_non_members=True)
        costs.set_budget(extra, 2026, 10_000, keys.key_from_data({"method": "equal"}))
    with count_queries() as made_many:
        page = client.get("/costs/2026", headers=EN).get_data(as_text=True)
    with count_queries() as kept_many:
        client.get("/costs/2026", headers=EN)
    # made again after the change, not the page kept before it
    assert "40 municipalities" in page and "/costs/budgets/t5/2026" in page
    assert (made_few.count, kept_few.count) == (made_many.count, kept_many.count)
    assert kept_many.count == made_many.count - 7  # the stamp read instead of the page's 8


def test_fee_form_refuses_a_bad_line(client_as):
    finance = client_as("finance")
    page = "/costs/fees/2026"
    bad = finance.post(page, headers=EN, data={"csrf_token": csrf_token(finance, page),
                                               "bands": "6999;5000\n;80000;25000"})
    assert bad.status_code == 422 and "Line 1" in bad.get_data(as_text=True)
    good = finance.post(page, data={"csrf_token": csrf_token(finance, page),
                                    "population_year": "2024",
                                    "bands": "6999;5000;5000\n;80 000;25 000"})
    assert good.status_code == 302
    schedule = fee_schedules.fee_schedule(2026)
    assert [(b.up_to, b.annual, b.entry) for b in schedule.bands] == [
        (6999, 500_000, 500_000), (None, 8_000_000, 2_500_000)]
    representative = client_as("representative")
    assert representative.post(page, data={
        "csrf_token": csrf_token(representative, page), "bands": "1;1;1"}).status_code == 403


def test_earlier_versions_stay_readable_on_the_page(client_as, provisum):
    budget, _ = costs.set_budget(provisum, 2026, 100_000, keys.key_from_data({"method": "equal"}))
    costs.adopt(budget)
    costs.revise(provisum, 2026, 200_000, keys.key_from_data({"method": "equal"}), "Doubled")
    html = client_as("finance").get(f"{PAGE}?version=1", headers=EN).get_data(as_text=True)
    assert "This is version 1, replaced by a later version." in html
    assert "SEK500.00" in html and "Make a new version" not in html
    assert client_as("finance").get(f"{PAGE}?version=9").status_code == 404


def test_the_form_names_who_lacks_the_population_year_and_offers_the_one_that_works(
        client_as, provisum, make_municipality):
    katrineholm = make_municipality("0483", "Katrineholm", "Län")
    members.set_population(katrineholm, 2016, 33_722)  # an old figure only
    for code in ("0180", "1860"):
        members.set_population(members.get_by_code(code), 2016, 1000)
    tools.set_participation(provisum, katrineholm, date(2019, 1, 1), None)
    finance = client_as("finance")
    refused = finance.post(PAGE, headers=EN, data=form(finance, preview="1"))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "1 participant has no population figure for 2024: Katrineholm." in html
    assert "The latest year every participant has a figure for is 2016." in html
    assert 'name="use_population_year" value="2016"' in html
    offered = finance.post(PAGE, headers=EN, data=form(finance, use_population_year="2016"))
    shown = offered.get_data(as_text=True)
    assert offered.status_code == 200 and "nothing has been saved" in shown.lower()
    assert 'name="population_year" type="number" value="2016"' in shown
    assert "has no population figure" not in shown
    assert budgets() == 0
