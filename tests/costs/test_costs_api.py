"""Budgets, allocation, adoption, statements and fees through the API, to the öre."""

from __future__ import annotations

from datetime import date

import pytest

from consortium.members import service as members
from consortium.tools import service as tools
from tests.conftest import bearer


@pytest.fixture
def setup(make_municipality, make_tool, api_token):
    """Provisum with Stockholm and Laxå all year and Katrineholm from 1 July 2026."""
    stockholm = make_municipality("0180", "Stockholm", "Stockholms län")
    laxa = make_municipality("1860", "Laxå", "Örebro län")
    katrineholm = make_municipality("0483", "Katrineholm", "Södermanlands län")
    for municipality, population in ((stockholm, 935_619), (laxa, 5_631),
                                     (katrineholm, 33_722)):
        members.set_population(municipality, 2024, population)
    tool = make_tool("provisum", "Provisum", open_to_non_members=True)
    tools.set_participation(tool, stockholm, date(2019, 1, 1), None)
    tools.set_participation(tool, laxa, date(2019, 1, 1), None)
    tools.set_participation(tool, katrineholm, date(2026, 7, 1), None)
    return {"finance": bearer(api_token("finance")), "admin": bearer(api_token("admin")),
            "observer": bearer(api_token("observer"))}


BUDGET = {"amount": "1000000.00", "key": {"method": "per_capita"}}


def lines(response):
    return {line["code"]: line["amount"] for line in response.json["lines"]}


def test_put_budget_then_allocation_to_the_ore(client, setup):
    created = client.put("/api/v1/tools/provisum/budgets/2026", json=BUDGET,
                         headers=setup["finance"])
    assert created.status_code == 201
    assert created.json["amount"] == "1000000.00" and created.json["status"] == "draft"
    allocation = client.get("/api/v1/tools/provisum/budgets/2026/allocation",
                            headers=setup["observer"])
    assert allocation.status_code == 200
    body = allocation.json
    assert body["population_year"] == 2024 and body["key"] == {"method": "per_capita"}
    # weights: 935619, 5631, 33722*184/365; Σ = (941250*365 + 6204848)/365 = 349761098/365.
    # quotas in öre: 1e8*935619*365/349761098 = 97638341.41, Laxå 587633.96,
    # Katrineholm 1774024.62; floors sum 99999998 -> +1 to .96 (1860) and .62 (0483).
    assert lines(allocation) == {"0180": "976383.41", "1860": "5876.34", "0483": "17740.25"}
    assert sum(int(a.replace(".", "")) for a in lines(allocation).values()) == 100_000_000
    katrineholm = next(line for line in body["lines"] if line["code"] == "0483")
    assert katrineholm["fraction"] == "0.5041095890"  # 184/365
    assert katrineholm["basis"] == "33722"
    assert body["total"] == "1000000.00"


def test_amounts_are_decimal_strings_never_floats(client, setup):
    client.put("/api/v1/tools/provisum/budgets/2026", json=BUDGET, headers=setup["finance"])
    body = client.get("/api/v1/tools/provisum/budgets/2026/allocation",
                      headers=setup["observer"]).json
    assert all(isinstance(line["amount"], str) and isinstance(line["share"], str)
               for line in body["lines"])


def test_draft_changes_then_adoption_freezes(client, setup):
    url = "/api/v1/tools/provisum/budgets/2026"
    client.put(url, json=BUDGET, headers=setup["finance"])
    changed = client.put(url, json={"amount": 300, "key": {"method": "equal"}},
                         headers=setup["finance"])
    assert changed.status_code == 200 and changed.json["amount"] == "300.00"
    adopted = client.post(f"{url}/adopt", headers=setup["finance"])
    assert adopted.status_code == 200 and adopted.json["status"] == "adopted"
    # equal with f = 1, 1, 184/365: 30000 öre * 365/914 = 11980.30 (x2), 6039.39 -> +1 to 0483
    assert lines(adopted) == {"0180": "119.80", "1860": "119.80", "0483": "60.40"}
    assert client.put(url, json=BUDGET, headers=setup["finance"]).status_code == 409
    assert client.post(f"{url}/adopt", headers=setup["finance"]).status_code == 409
    # the register changes, the adopted allocation does not
    members.set_population(members.get_by_code("1860"), 2024, 999_999)
    again = client.get(f"{url}/allocation", headers=setup["observer"])
    assert lines(again) == lines(adopted)


def test_a_new_version_of_an_adopted_budget_says_why(client, setup):
    url = "/api/v1/tools/provisum/budgets/2026"
    client.put(url, json=BUDGET, headers=setup["finance"])
    client.post(f"{url}/adopt", headers=setup["finance"])
    refused = client.post(f"{url}/versions", headers=setup["finance"],
                          json={**BUDGET, "reason": ""})
    assert refused.status_code == 422
    revised = client.post(f"{url}/versions", headers=setup["finance"],
                          json={"amount": "1100000", "key": {"method": "per_capita"},
                                "reason": "Extra support agreed by the board"})
    assert revised.status_code == 201
    assert revised.json["version"] == 2 and revised.json["previous_version"] == 1
    assert revised.json["change_reason"] == "Extra support agreed by the board"
    history = client.get(f"{url}/versions", headers=setup["observer"]).json
    assert [(v["version"], v["status"], v["amount"]) for v in history] == [
        (1, "adopted", "1000000.00"), (2, "draft", "1100000.00")]


def test_missing_population_names_every_municipality(client, setup):
    url = "/api/v1/tools/provisum/budgets/2026"
    client.put(url, json={"amount": "1000", "key": {"method": "per_capita",
                                                    "population_year": 2023}},
               headers=setup["finance"])
    response = client.get(f"{url}/allocation", headers=setup["observer"])
    assert response.status_code == 422
    message = response.json["error"]["message"]
    assert "2023" in message
    assert all(name in message for name in ("Stockholm (0180)", "Laxå (1860)",
                                            "Katrineholm (0483)"))
    assert client.post(f"{url}/adopt", headers=setup["finance"]).status_code == 422


@pytest.mark.parametrize(("body", "field"), [
    ({"amount": "-5", "key": {"method": "equal"}}, "amount"),
    ({"amount": "12.345", "key": {"method": "equal"}}, "amount"),
    ({"amount": "abc", "key": {"method": "equal"}}, "amount"),
    ({"amount": "5", "key": {"method": "lottery"}}, "key.method"),
    ({"amount": "5", "key": {"method": "base_plus_per_capita"}}, "key.base_share"),
    ({"amount": "5", "key": {"method": "base_plus_per_capita", "base_share": "1.5"}},
     "key.base_share"),
    ({"amount": "5", "key": {"method": "tiered"}}, "key.bands"),
    ({"amount": "5", "key": {"method": "tiered", "bands": [{"up_to": None, "weight": "1"},
                                                           {"up_to": 5, "weight": "2"}]}},
     "key.bands"),
    ({"key": {"method": "equal"}}, "amount"),
    # Issue 22, item 9: a weight of 1e-999999 made a number too long to print (500)
    ({"amount": "5", "key": {"method": "tiered", "bands": [{"up_to": None,
                                                           "weight": "1e-999999"}]}},
     "key.bands.0"),
    ({"amount": "5", "key": {"method": "tiered", "bands": [{"up_to": None, "weight": "1e9"}]}},
     "key.bands.0"),
    ({"amount": "5", "key": {"method": "base_plus_per_capita", "base_share": "1e-999999"}},
     "key.base_share"),
    ({"amount": "5", "key": {"method": "base_plus_per_capita", "base_share": "NaN"}},
     "key.base_share"),
])
def test_bad_budgets_are_refused_with_the_field(client, setup, body, field):
    response = client.put("/api/v1/tools/provisum/budgets/2026", json=body,
                          headers=setup["finance"])
    assert response.status_code == 422
    assert any(name.startswith(field) for name in response.json["error"]["fields"]), \
        response.json


def test_only_finance_and_admin_write_budgets(client, setup, api_token):
    url = "/api/v1/tools/provisum/budgets/2026"
    for role in ("representative", "observer"):
        assert client.put(url, json=BUDGET, headers=bearer(api_token(role))).status_code == 403
    assert client.put(url, json=BUDGET, headers=setup["admin"]).status_code == 201
    assert client.post(f"{url}/adopt",
                       headers=bearer(api_token("representative"))).status_code == 403


def test_tiered_and_base_plus_keys_round_trip(client, setup):
    url = "/api/v1/tools/provisum/budgets/2026"
    tiered = {"amount": "700.01", "key": {"method": "tiered", "population_year": 2024, "bands": [
        {"up_to": 10000, "weight": "1"}, {"up_to": 50000, "weight": "2"},
        {"up_to": None, "weight": "4"}]}}
    body = client.put(url, json=tiered, headers=setup["finance"]).json
    assert body["key"] == tiered["key"]
    # weights 4 (0180), 1 (1860), 2*184/365 (0483): Σ = (5*365+368)/365 = 2193/365
    # 70001 öre: 0180 = 70001*1460/2193 = 46603.47, 1860 = 11650.87, 0483 = 11746.66
    # floors 46603+11650+11746 = 69999 -> +1 to 1860 (.87) and 0483 (.66)
    assert lines(client.get(f"{url}/allocation", headers=setup["finance"])) == {
        "0180": "466.03", "1860": "116.51", "0483": "117.47"}
    base = {"amount": "1000.00", "key": {"method": "base_plus_per_capita", "base_share": "0.3"}}
    assert client.put(url, json=base, headers=setup["finance"]).json["key"] == {
        "method": "base_plus_per_capita", "base_share": "0.3"}


def test_usage_key_needs_every_units_figure(client, setup):
    url = "/api/v1/tools/provisum/budgets/2026"
    client.put(url, json={"amount": "100", "key": {"method": "usage"}}, headers=setup["finance"])
    missing = client.get(f"{url}/allocation", headers=setup["finance"])
    assert missing.status_code == 422 and "No usage figure for 2026" in \
        missing.json["error"]["message"]
    for code, units in (("0180", 6), ("1860", 3), ("0483", 1)):
        client.put(f"/api/v1/tools/provisum/usage/2026/{code}", json={"units": units},
                   headers=setup["admin"])
    assert lines(client.get(f"{url}/allocation", headers=setup["finance"])) == {
        "0180": "60.00", "1860": "30.00", "0483": "10.00"}


def test_statement_lists_each_tool_and_the_total(client, setup, make_tool):
    client.put("/api/v1/tools/provisum/budgets/2026", json=BUDGET, headers=setup["finance"])
    client.post("/api/v1/tools/provisum/budgets/2026/adopt", headers=setup["finance"])
    egil = make_tool("egil", "Egil", open_to_non_members=True)
    tools.set_participation(egil, members.get_by_code("1860"), date(2020, 1, 1), None)
    client.put("/api/v1/tools/egil/budgets/2026", json={"amount": "500.00",
                                                        "key": {"method": "equal"}},
               headers=setup["finance"])
    statement = client.get("/api/v1/municipalities/1860/statements/2026",
                           headers=setup["observer"])
    assert statement.status_code == 200
    body = statement.json
    assert [(line["tool"], line["amount"], line["key"], line["status"])
            for line in body["lines"]] == [("egil", "500.00", "equal", "draft"),
                                           ("provisum", "5876.34", "per_capita", "adopted")]
    assert body["total"] == "6376.34" and body["preliminary"] is True


def test_statement_of_another_municipality_is_refused(client, setup, make_user, api_token):
    laxa = members.get_by_code("1860")
    own = bearer(api_token("finance", municipality=laxa))
    assert client.get("/api/v1/municipalities/1860/statements/2026",
                      headers=own).status_code == 200
    assert client.get("/api/v1/municipalities/0180/statements/2026",
                      headers=own).status_code == 403
    representative = bearer(api_token("representative", municipality=laxa))
    assert client.get("/api/v1/municipalities/0180/statements/2026",
                      headers=representative).status_code == 403
    # consortium-wide allocations stay readable to them
    client.put("/api/v1/tools/provisum/budgets/2026", json=BUDGET, headers=setup["finance"])
    assert client.get("/api/v1/tools/provisum/budgets/2026/allocation",
                      headers=own).status_code == 200


SAMBRUK_FEES = {"population_year": 2024, "bands": [
    {"up_to": 6999, "annual": "5000.00", "entry": "5000.00"},
    {"up_to": 14999, "annual": "10000.00", "entry": "5000.00"},
    {"up_to": 24999, "annual": "25000.00", "entry": "10000.00"},
    {"up_to": 49999, "annual": "35000.00", "entry": "10000.00"},
    {"up_to": 99999, "annual": "50000.00", "entry": "10000.00"},
    {"up_to": 149999, "annual": "65000.00", "entry": "20000.00"},
    {"up_to": None, "annual": "80000.00", "entry": "25000.00"}]}


def test_fees_by_band_with_joining_year_and_rejoining(client, setup):
    members.change_membership(members.get_by_code("0180"), "admit", date(2009, 1, 1))
    katrineholm = members.get_by_code("0483")
    members.change_membership(katrineholm, "admit", date(2026, 4, 15))
    laxa = members.get_by_code("1860")
    members.change_membership(laxa, "admit", date(2010, 1, 1))
    members.change_membership(laxa, "resign", date(2019, 12, 31))
    members.change_membership(laxa, "admit", date(2026, 11, 1))
    put = client.put("/api/v1/fees/2026", json=SAMBRUK_FEES, headers=setup["finance"])
    assert put.status_code == 201
    body = client.get("/api/v1/fees/2026", headers=setup["observer"]).json
    by_code = {line["code"]: (line["band"], line["annual"], line["entry"], line["amount"])
               for line in body["lines"]}
    assert by_code == {
        "0180": (7, "80000.00", "0.00", "80000.00"),
        # April-December: 35 000 * 9/12 = 26 250; entry 10 000
        "0483": (4, "26250.00", "10000.00", "36250.00"),
        # rejoins in November: 5 000 * 2/12 = 833.33; half the entry fee 5 000
        "1860": (1, "833.33", "2500.00", "3333.33"),
    }
    assert body["total"] == "119583.33"
    statement = client.get("/api/v1/municipalities/0483/statements/2026",
                           headers=setup["observer"]).json
    assert statement["lines"][-1] == {"tool": None, "type": "membership_fee", "key": None,
                                      "basis": None, "share": None, "status": "adopted",
                                      "amount": "36250.00"}


def test_fee_schedule_validation(client, setup):
    bad = {"bands": [{"up_to": None, "annual": "1", "entry": "1"},
                     {"up_to": 10, "annual": "1", "entry": "1"}]}
    assert client.put("/api/v1/fees/2026", json=bad, headers=setup["finance"]).status_code == 422
    negative = {"bands": [{"up_to": None, "annual": "-1", "entry": "1"}]}
    assert client.put("/api/v1/fees/2026", json=negative,
                      headers=setup["finance"]).status_code == 422
    assert client.get("/api/v1/fees/2031", headers=setup["observer"]).status_code == 404


def test_the_earlier_version_stays_readable(client, setup):
    url = "/api/v1/tools/provisum/budgets/2026"
    client.put(url, json={"amount": "300", "key": {"method": "equal"}}, headers=setup["finance"])
    first = lines(client.post(f"{url}/adopt", headers=setup["finance"]))
    client.post(f"{url}/versions", headers=setup["finance"], json={
        "amount": "600", "key": {"method": "equal"}, "reason": "Doubled"})
    assert lines(client.get(f"{url}/allocation?version=1", headers=setup["observer"])) == first
    assert client.get(f"{url}/allocation", headers=setup["observer"]).json["version"] == 2
    assert client.get(f"{url}/allocation?version=7", headers=setup["observer"]).status_code == 404


def test_adopt_validates_its_optional_body(client, setup):
    url = "/api/v1/tools/provisum/budgets/2026"
    client.put(url, json=BUDGET, headers=setup["finance"])
    bad = client.post(f"{url}/adopt", json={"decision_motion_id": "first"},
                      headers=setup["finance"])
    assert bad.status_code == 422 and "decision_motion_id" in bad.json["error"]["fields"]
    unknown = client.post(f"{url}/adopt", json={"decision_motion_id": 999},
                          headers=setup["finance"])
    assert unknown.status_code == 422
    assert client.post(f"{url}/adopt", headers=setup["finance"]).json["status"] == "adopted"
