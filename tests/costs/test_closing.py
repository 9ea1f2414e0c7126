"""SPEC "Time": closing a year, refusals of every edit that would change its figures,
adjustments on the next statement, and statements of an open year that say what is missing."""

from datetime import date

import pytest
from sqlalchemy import func, select

from consortium import db
from consortium.costs.models import Adjustment, ClosedYear
from consortium.members import service as members
from tests.costs.test_costs_api import SAMBRUK_FEES, setup  # noqa: F401  (the fixture)

BUDGET = {"amount": "1000000.00", "key": {"method": "per_capita"}}


@pytest.fixture
def closed_2026(client, setup):  # noqa: F811
    finance = setup["finance"]
    members.change_membership(members.get_by_code("0180"), "admit", date(2009, 1, 1))
    assert client.put("/api/v1/tools/provisum/budgets/2026", json=BUDGET,
                      headers=finance).status_code == 201
    assert client.post("/api/v1/tools/provisum/budgets/2026/adopt",
                       headers=finance).status_code == 200
    assert client.put("/api/v1/fees/2026", json=SAMBRUK_FEES, headers=finance).status_code == 201
    closed = client.post("/api/v1/years/2026/close", headers=finance)
    assert closed.status_code == 200 and closed.json["closed"] is True
    return setup


def test_closing_is_refused_with_every_reason_and_writes_nothing(client, setup):  # noqa: F811
    client.put("/api/v1/tools/provisum/budgets/2026", json=BUDGET, headers=setup["finance"])
    refused = client.post("/api/v1/years/2026/close", headers=setup["finance"])
    assert refused.status_code == 409
    reasons = " ".join(refused.json["error"]["fields"].values())
    assert "Provisum (version 1) is not adopted" in reasons
    assert "no membership fee schedule for 2026" in reasons
    assert db.session.scalar(select(func.count()).select_from(ClosedYear)) == 0


def test_only_consortium_wide_finance_and_the_office_close(client, setup, api_token,  # noqa: F811
                                                           make_municipality):
    katrineholm = members.get_by_code("0483")
    tied = {"Authorization": f"Bearer {api_token('finance', municipality=katrineholm)}"}
    assert client.post("/api/v1/years/2026/close", headers=tied).status_code == 403
    assert client.post("/api/v1/years/2026/close",
                       headers=setup["observer"]).status_code == 403


def test_a_closed_years_figures_cannot_change_by_any_route(client, closed_2026):
    finance, admin = closed_2026["finance"], closed_2026["admin"]
    assert client.post("/api/v1/years/2026/close", headers=finance).status_code == 409
    assert client.put("/api/v1/fees/2026", json=SAMBRUK_FEES, headers=finance).status_code == 409
    client.post("/api/v1/tools", headers=admin, json={"slug": "egil", "name": "Egil",
                                                      "open_to_non_members": True})
    assert client.put("/api/v1/tools/egil/budgets/2026", json=BUDGET,
                      headers=finance).status_code == 409
    population = client.put("/api/v1/municipalities/0180/population/2024", headers=admin,
                            json={"population": 1})
    assert population.status_code == 409 and "2026" in population.json["error"]["message"]
    assert client.put("/api/v1/municipalities/0180/population/2025", headers=admin,
                      json={"population": 1}).status_code in (200, 201)  # not used by 2026
    assert client.put("/api/v1/tools/egil/participants/0483", headers=admin,
                      json={"joined_on": "2026-03-01"}).status_code == 409
    assert client.put("/api/v1/tools/egil/participants/0483", headers=admin,
                      json={"joined_on": "2027-01-01"}).status_code == 201
    assert client.put("/api/v1/tools/provisum/usage/2026/0180", headers=admin,
                      json={"units": 5}).status_code == 409
    with pytest.raises(Exception) as refused:
        members.change_membership(members.get_by_code("1860"), "admit", date(2026, 6, 1))
    assert "2026 is closed" in str(refused.value)
    statement = client.get("/api/v1/municipalities/0180/statements/2026",
                           headers=closed_2026["observer"]).json
    assert statement["closed"] is True and statement["preliminary"] is False


def test_a_new_version_of_a_closed_years_budget_adjusts_the_next_statement(client, closed_2026):
    finance, observer = closed_2026["finance"], closed_2026["observer"]
    before = client.get("/api/v1/municipalities/0180/statements/2026", headers=observer).json
    made = client.post("/api/v1/tools/provisum/budgets/2026/versions", headers=finance,
                       json={**BUDGET, "amount": "1100000.00", "reason": "Extra support"})
    assert made.status_code == 201
    assert client.post("/api/v1/tools/provisum/budgets/2026/adopt",
                       headers=finance).status_code == 200
    after = client.get("/api/v1/municipalities/0180/statements/2026", headers=observer).json
    assert after == before  # the issued statement stays as it was
    by_code = {a.municipality.code: a.amount for a in db.session.scalars(select(Adjustment))}
    # 100 000 kr more, shared by population 2024: Stockholm 935 619, Laxå 5 631, Katrineholm
    # from 1 July (184 of 365 days): 33 722 * 184 / 365 = 16 999.6; Stockholm's part is
    # 100 000 * 935 619 / 958 249.6 = 97 638.35 kr
    assert sum(by_code.values()) == 100_000_00
    assert by_code["0180"] == 97_638_35
    next_year = client.get("/api/v1/municipalities/0180/statements/2027", headers=observer).json
    adjustment = [line for line in next_year["lines"] if line["type"] == "adjustment"]
    assert adjustment == [{"tool": "provisum", "type": "adjustment", "key": None,
                           "basis": None, "share": None, "status": "adopted",
                           "amount": "97638.35", "year": 2026, "reason": "Extra support"}]


def test_an_open_years_statement_says_what_is_not_decided(client, setup):  # noqa: F811
    members.change_membership(members.get_by_code("0180"), "admit", date(2009, 1, 1))
    statement = client.get("/api/v1/municipalities/0180/statements/2027",
                           headers=setup["observer"]).json
    assert statement["closed"] is False and statement["preliminary"] is True
    assert statement["lines"] == [
        {"tool": "provisum", "type": "tool", "key": None, "basis": None, "share": None,
         "status": "not_decided", "amount": None},
        {"tool": None, "type": "membership_fee", "key": None, "basis": None, "share": None,
         "status": "not_decided", "amount": None}]
    assert statement["total"] == "0.00"


def test_the_close_button_lists_what_is_missing(client_as, setup):  # noqa: F811
    page = client_as("finance").get("/costs/?year=2026").get_data(as_text=True)
    assert "2026 kan inte avslutas ännu" in page
    assert "Det finns ingen medlemsavgiftstabell för 2026." in page


def test_closing_through_the_api_keeps_every_statement_in_every_language(client, closed_2026):
    """The API answers in English, but the closing job issues the year in the consortium's
    language first and then in the others: no reader meets a first render."""
    from consortium.documents.models import StoredDocument

    kept = set(db.session.execute(select(StoredDocument.kind, StoredDocument.lang)).all())
    assert {("statement", "sv"), ("statement", "en"), ("statements_zip", "sv"),
            ("statements_zip", "en")} <= kept
    statements = db.session.scalar(select(func.count()).select_from(StoredDocument).where(
        StoredDocument.kind == "statement", StoredDocument.lang == "sv"))
    assert statements == db.session.scalar(select(func.count()).select_from(
        StoredDocument).where(StoredDocument.kind == "statement", StoredDocument.lang == "en"))
