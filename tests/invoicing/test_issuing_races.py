"""Two finance officers press "issue" at the same moment: each invoice is issued once, the
numbers run without a gap, and neither request fails. Real threads on a committed database
(SQLite, or PostgreSQL in the PostgreSQL run, where the series row's lock decides)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from consortium import db
from consortium.auth import service as auth
from consortium.invoicing.models import Invoice
from consortium.members import service as members
from consortium.tools import service as tools
from consortium.web.app import create_app
from tests.conftest import TEST_CONFIG, bearer, fresh_database, migrate
from tests.costs.test_budget_races import ROUNDS, at_once
from tests.costs.test_costs_api import SAMBRUK_FEES
from tests.invoicing.conftest import SETTINGS, org_number

CODES = (("0180", "Stockholm", "Stockholms län", 935_619),
         ("0483", "Katrineholm", "Södermanlands län", 33_722),
         ("1860", "Laxå", "Örebro län", 5_631))


@pytest.fixture(scope="module")
def race(tmp_path_factory):
    with fresh_database(tmp_path_factory, "invoice_races") as url:
        migrate(url)
        app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
        with app.app_context():
            for code, name, county, population in CODES:
                municipality = members.create_municipality(
                    {"code": code, "name": name, "county": county, "org_number":
                     org_number(code), "invoice_reference": f"Ref {code}"}, actor_label="test")
                members.change_membership(municipality, "admit", date(2010, 1, 1),
                                          actor_label="test")
                members.set_population(municipality, 2024, population)
            tool = tools.create_tool({"slug": "provisum", "name": "Provisum"},
                                     actor_label="test")
            for code, *_rest in CODES:
                tools.set_participation(tool, members.get_by_code(code), date(2020, 1, 1),
                                        None, actor_label="test")
            admin = auth.create_user(email="kansli@sambruk.se", role="admin",
                                     password="a long password", actor_label="test")
            tokens = [auth.issue_token(auth.create_user(
                email=f"ekonomi{n}@sambruk.se", role="finance", password="a long password",
                actor_label="test"), label="race", actor_label="test") for n in range(2)]
            admin_token = auth.issue_token(admin, label="race", actor_label="test")
            db.commit()
            db.session.remove()
        client = app.test_client()
        assert client.put("/api/v1/settings/invoicing", headers=bearer(admin_token),
                          json=SETTINGS).status_code == 200
        yield app, tokens
        db.engine_of(app).dispose()


def close(app, year, token):
    client = app.test_client()
    for url, body in ((f"/api/v1/tools/provisum/budgets/{year}",
                       {"amount": "1000000.00",
                        "key": {"method": "per_capita", "population_year": 2024}}),
                      (f"/api/v1/fees/{year}", SAMBRUK_FEES)):
        assert client.put(url, json=body, headers=bearer(token)).status_code == 201
    assert client.post(f"/api/v1/tools/provisum/budgets/{year}/adopt",
                       headers=bearer(token)).status_code == 200
    assert client.post(f"/api/v1/years/{year}/close", headers=bearer(token)).status_code == 200


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_issue_against_issue_issues_each_invoice_once(race, round_):
    app, tokens = race
    year = 2030 + round_
    close(app, year, tokens[0])
    url = f"/api/v1/years/{year}/invoices"
    statuses = at_once(app, ("POST", url, tokens[0], None), ("POST", url, tokens[1], None))
    assert sorted(statuses) == [200, 201]
    # Again once the year's series exists (its row is then the lock): one invoice credited,
    # two officers issue its replacement at once.
    client = app.test_client()
    assert client.post(f"/api/v1/invoices/{year}-0002/credit", headers=bearer(tokens[0]),
                       json={"reason": "Fel referens"}).status_code == 201
    statuses = at_once(app, ("POST", url, tokens[0], None), ("POST", url, tokens[1], None))
    assert sorted(statuses) == [200, 201]
    with app.app_context():
        issued = list(db.session.execute(
            select(Invoice.sequence, Invoice.municipality_id, Invoice.kind)
            .where(Invoice.year == year).order_by(Invoice.sequence)))
        db.session.remove()
    assert [sequence for sequence, *_rest in issued] == [1, 2, 3, 4, 5]  # once each, no gap
    assert issued[4][1] == issued[1][1]  # the replacement of the credited invoice
