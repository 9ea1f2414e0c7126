"""Tools, participation periods (never overlapping), usage, the matrix and its export."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from consortium import db
from consortium.errors import Conflict, Invalid
from consortium.tools import service
from consortium.tools.models import Participation, UsageFigure
from tests.conftest import csrf_token

EN = {"Accept-Language": "en"}


@pytest.fixture
def laxa(make_municipality):
    return make_municipality("1860", "Laxå", "Örebro län")


def test_slug_must_be_url_safe(make_tool):
    for slug in ("Provisum", "pro visum", "-x", "a--b", "å"):
        with pytest.raises(Invalid) as caught:
            make_tool(slug, open_to_non_members=True)
        assert "slug" in caught.value.fields


def test_slug_is_unique(make_tool):
    make_tool("egil", open_to_non_members=True)
    with pytest.raises(Conflict):
        make_tool("egil", "Egil 2", open_to_non_members=True)


def test_unknown_status_is_refused(make_tool):
    with pytest.raises(Invalid) as caught:
        make_tool("egil", status="sleeping", open_to_non_members=True)
    assert "status" in caught.value.fields


def test_periods_never_overlap(make_tool, laxa):
    tool = make_tool("egil", open_to_non_members=True)
    service.set_participation(tool, laxa, date(2020, 1, 1), date(2021, 12, 31))
    with pytest.raises(Conflict) as caught:
        service.set_participation(tool, laxa, date(2021, 6, 1), None)
    assert "must not overlap" in caught.value.message
    with pytest.raises(Conflict):
        service.set_participation(tool, laxa, date(2019, 1, 1), date(2020, 1, 1))
    service.set_participation(tool, laxa, date(2022, 1, 1), None)  # the next day is fine
    count = db.session.scalar(select(func.count()).select_from(Participation))
    assert count == 2


def test_giving_the_start_of_a_period_sets_its_end(make_tool, laxa):
    tool = make_tool("egil", open_to_non_members=True)
    _period, created = service.set_participation(tool, laxa, date(2020, 1, 1), None)
    assert created
    period, created = service.set_participation(tool, laxa, date(2020, 1, 1), date(2022, 6, 30))
    assert not created and period.left_on == date(2022, 6, 30)


def test_a_period_cannot_end_before_it_starts(make_tool, laxa):
    with pytest.raises(Invalid):
        service.set_participation(make_tool("egil", open_to_non_members=True), laxa,
                                  date(2020, 1, 1), date(2019, 1, 1))


def test_an_open_period_blocks_a_later_start(make_tool, laxa):
    tool = make_tool("egil", open_to_non_members=True)
    service.set_participation(tool, laxa, date(2020, 1, 1), None)
    with pytest.raises(Conflict):
        service.set_participation(tool, laxa, date(2030, 1, 1), None)


def test_usage_needs_participation_that_year(make_tool, laxa):
    tool = make_tool("egil", open_to_non_members=True)
    service.set_participation(tool, laxa, date(2024, 7, 1), None)
    with pytest.raises(Invalid) as caught:
        service.set_usage(tool, laxa, 2023, 120)
    assert "did not take part in Egil in 2023" in caught.value.message
    figure, created = service.set_usage(tool, laxa, 2024, 120)
    assert created and figure.units == 120
    figure, created = service.set_usage(tool, laxa, 2024, 130)
    assert not created and figure.units == 130


@pytest.mark.parametrize("units", [-1, 1.5, "12", None])
def test_usage_units_are_non_negative_whole_numbers(make_tool, laxa, units):
    tool = make_tool("egil", open_to_non_members=True)
    service.set_participation(tool, laxa, date(2024, 1, 1), None)
    with pytest.raises(Invalid):
        service.set_usage(tool, laxa, 2024, units)
    assert db.session.scalar(select(func.count()).select_from(UsageFigure)) == 0


def test_tool_pages_show_participants_and_usage(client_as, make_tool, laxa):
    tool = make_tool("egil", "Egil", status="operation", open_to_non_members=True)
    service.set_participation(tool, laxa, date(2024, 7, 1), None)
    service.set_usage(tool, laxa, 2024, 321)
    client = client_as("observer")
    listing = client.get("/tools/", headers=EN).get_data(as_text=True)
    assert "Egil" in listing and "In operation" in listing
    page = client.get("/tools/egil?year=2024", headers=EN).get_data(as_text=True)
    assert "Laxå" in page and "2024-07-01" in page and ">321<" in page


def test_admin_adds_and_ends_a_participation_in_the_browser(client_as, make_tool, laxa):
    make_tool("egil", "Egil", open_to_non_members=True)
    admin = client_as("admin")
    page = "/tools/egil"
    added = admin.post(f"{page}/participants", data={
        "csrf_token": csrf_token(admin, page), "municipality": "1860",
        "joined_on": "2020-01-01", "left_on": ""})
    assert added.status_code == 302
    period = db.session.scalars(select(Participation)).one()
    assert period.left_on is None
    asked = admin.post(f"{page}/participants/end", headers={"Accept-Language": "en"},
                       data={"csrf_token": csrf_token(admin, page), "municipality": "Laxå",
                             "left_on": "2023-06-30"})
    assert asked.status_code == 200
    assert "End the participation of Laxå in Egil on 2023-06-30?" in asked.get_data(as_text=True)
    assert db.session.scalars(select(Participation)).one().left_on is None
    ended = admin.post(f"{page}/participants/end", data={
        "csrf_token": csrf_token(admin, page), "municipality": "1860", "left_on": "2023-06-30",
        "confirmed": "yes"})
    assert ended.status_code == 302
    assert db.session.scalars(select(Participation)).one().left_on == date(2023, 6, 30)


def test_overlap_in_the_browser_is_explained(client_as, make_tool, laxa):
    tool = make_tool("egil", "Egil", open_to_non_members=True)
    service.set_participation(tool, laxa, date(2020, 1, 1), None)
    admin = client_as("admin")
    response = admin.post("/tools/egil/participants", headers=EN, data={
        "csrf_token": csrf_token(admin, "/tools/egil"), "municipality": "1860",
        "joined_on": "2022-01-01"})
    assert response.status_code == 422
    assert "Overlaps another period." in response.get_data(as_text=True)


def test_create_tool_form_validates_the_slug(client_as):
    admin = client_as("admin")
    response = admin.post("/tools/new", headers=EN, data={
        "csrf_token": csrf_token(admin, "/tools/new"), "slug": "Bad Slug", "name": "X",
        "status": "development"})
    assert response.status_code == 422
    assert "lower-case letters" in response.get_data(as_text=True)


def test_matrix_shows_who_takes_part_on_the_date(client_as, make_tool, laxa,
                                                 make_municipality):
    make_municipality("0180", "Stockholm", "Stockholms län")
    egil = make_tool("egil", "Egil", open_to_non_members=True)
    bibblix = make_tool("bibblix", "Bibblix", open_to_non_members=True)
    service.set_participation(egil, laxa, date(2020, 1, 1), date(2022, 12, 31))
    service.set_participation(bibblix, laxa, date(2021, 1, 1), None)
    client = client_as("observer")
    html = client.get("/tools/matrix?on=2022-06-01", headers=EN).get_data(as_text=True)
    assert ">Laxå</a>" in html and ">Stockholm</a>" not in html
    assert html.count('aria-label="takes part"') == 2
    later = client.get("/tools/matrix?on=2023-06-01", headers=EN).get_data(as_text=True)
    assert later.count('aria-label="takes part"') == 1
    everyone = client.get("/tools/matrix?on=2023-06-01&all=1").get_data(as_text=True)
    assert ">Stockholm</a>" in everyone


def test_matrix_export(client_as, make_tool, laxa):
    egil = make_tool("egil", "Egil", open_to_non_members=True)
    service.set_participation(egil, laxa, date(2020, 1, 1), None)
    text = client_as("finance").get("/tools/matrix.csv?on=2024-01-01",
                                    headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert text.lstrip("\ufeff").splitlines() == ["Kommunkod;Kommun;Län;Medlemskap;Egil",
                                                  "1860;Laxå;Örebro län;;x"]


def test_matrix_query_count_is_fixed(client_as, make_tool, make_municipality, count_queries):
    tools = [make_tool(f"t{i}", open_to_non_members=True) for i in range(2)]
    client = client_as("observer")
    with count_queries() as few:
        client.get("/tools/matrix?all=1")
    for number in range(40):
        municipality = make_municipality(f"{9200 + number}", f"K{number}", "L")
        service.set_participation(tools[number % 2], municipality, date(2020, 1, 1), None)
    tools.append(make_tool("t9", open_to_non_members=True))
    with count_queries() as many:
        client.get("/tools/matrix?all=1")
    assert few.count == many.count


def test_refusals_speak_the_users_language(client_as, make_tool, laxa):
    tool = make_tool("egil", "Egil", open_to_non_members=True)
    service.set_participation(tool, laxa, date(2020, 1, 1), None)
    admin = client_as("admin")
    response = admin.post("/tools/egil/participants", headers={"Accept-Language": "sv"}, data={
        "csrf_token": csrf_token(admin, "/tools/egil"), "municipality": "1860",
        "joined_on": "2022-01-01"})
    assert "Överlappar en annan period." in response.get_data(as_text=True)


def test_api_refusals_are_english_unless_swedish_is_asked_for(client, api_token, make_tool,
                                                             laxa):
    from tests.conftest import bearer

    headers = bearer(api_token("admin"))
    tool = make_tool("egil", "Egil", open_to_non_members=True)
    service.set_participation(tool, laxa, date(2020, 1, 1), None)
    url = "/api/v1/tools/egil/participants/1860"
    english = client.put(url, headers=headers, json={"joined_on": "2021-01-01"})
    assert "periods must not overlap" in english.json["error"]["message"]
    swedish = client.put(url, headers={**headers, "Accept-Language": "sv"},
                         json={"joined_on": "2021-01-01"})
    assert "perioder får inte överlappa" in swedish.json["error"]["message"]


def test_a_municipality_is_typed_by_name_or_code_not_chosen_from_every_one(
        client_as, make_tool, laxa, make_municipality):
    make_tool("egil", "Egil", open_to_non_members=True)
    make_municipality("0483", "Katrineholm", "Södermanlands län")
    admin = client_as("admin")
    page = "/tools/egil"
    form = admin.get(page, headers=EN).get_data(as_text=True)
    assert "<option value=\"0483\"" not in form and "<option value=\"1860\"" not in form
    by_name = admin.post(f"{page}/participants", data={
        "csrf_token": csrf_token(admin, page), "municipality": "laxå",
        "joined_on": "2020-01-01", "left_on": ""})
    assert by_name.status_code == 302
    assert db.session.scalars(select(Participation)).one().municipality.code == "1860"
    unknown = admin.post(f"{page}/participants", headers=EN, data={
        "csrf_token": csrf_token(admin, page), "municipality": "Gotham",
        "joined_on": "2020-01-01", "left_on": ""})
    assert unknown.status_code == 422
    assert "No municipality has the code or name “Gotham”." in unknown.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Participation)) == 1


def test_the_matrix_shows_a_page_of_rows_and_totals_of_all(client_as, make_tool, laxa,
                                                            make_municipality):
    from consortium.tools.queries import MatrixFilters, matrix

    tool = make_tool("egil", "Egil", open_to_non_members=True)
    ale = make_municipality("1440", "Ale", "Västra Götalands län")
    for municipality in (laxa, ale):
        service.set_participation(tool, municipality, date(2020, 1, 1), None)
    filters = MatrixFilters(on=date(2026, 1, 1))
    first, second = matrix(filters, page=1, per_page=1), matrix(filters, page=2, per_page=1)
    assert [m.name for m, _cells in first.rows] == ["Ale"]
    assert [m.name for m, _cells in second.rows] == ["Laxå"]
    assert first.totals == second.totals == [2] and first.count == 2 and first.pages == 2
    export = client_as("observer").get("/tools/matrix.csv?on=2026-01-01")
    assert len(export.get_data(as_text=True).strip().splitlines()) == 3
