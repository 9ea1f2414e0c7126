"""Two finance officers at the same moment: adopt against edit, adopt against adopt. The
budget is locked while one of them works on it, so the other is refused with a clear 409 or
works on what the first left; an adopted budget's lines always add up to its amount, and no
request fails with a 500. Real threads on a committed database (SQLite, or PostgreSQL in the
PostgreSQL run)."""

from __future__ import annotations

import os
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from consortium import db
from consortium.auth import service as auth
from consortium.costs.models import AllocationLine, Budget, BudgetStatus
from consortium.members import service as members
from consortium.tools import service as tools
from consortium.web.app import create_app
from tests.conftest import TEST_CONFIG, bearer, fresh_database, migrate

ROUNDS = int(os.environ.get("RACE_ROUNDS", "6"))  # 50 for the figures in the note


@pytest.fixture(scope="module")
def race(tmp_path_factory):
    with fresh_database(tmp_path_factory, "budget_races") as url:
        migrate(url)
        app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
        with app.app_context():
            for code, name, county, population in (
                    ("0180", "Stockholm", "Stockholms län", 935_619),
                    ("0483", "Katrineholm", "Södermanlands län", 33_722),
                    ("1860", "Laxå", "Örebro län", 5_631)):
                municipality = members.create_municipality(
                    {"code": code, "name": name, "county": county}, actor_label="test")
                members.change_membership(municipality, "admit", date(2010, 1, 1),
                                          actor_label="test")
                members.set_population(municipality, 2024, population)
            tokens = [auth.issue_token(auth.create_user(
                email=f"ekonomi{n}@sambruk.se", role="finance", password="a long password",
                actor_label="test"), label="race", actor_label="test") for n in range(2)]
            db.commit()  # the set-up's unit of work, as a command's
            db.session.remove()
        yield app, tokens
        db.engine_of(app).dispose()


def at_once(app, *requests):
    """Send the requests from threads released together; their status codes, in order."""
    barrier = threading.Barrier(len(requests))
    statuses = [None] * len(requests)

    def send(index, method, url, token, body):
        client = app.test_client()
        barrier.wait(timeout=30)
        statuses[index] = client.open(url, method=method, json=body,
                                      headers=bearer(token)).status_code

    threads = [threading.Thread(target=send, args=(i, *request))
               for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def consistent(app, slug):
    """Every adopted budget's lines add up to its amount."""
    with app.app_context():
        rows = db.session.execute(
            select(Budget.id, Budget.amount, func.coalesce(func.sum(AllocationLine.amount), 0))
            .join(AllocationLine, AllocationLine.budget_id == Budget.id, isouter=True)
            .where(Budget.status == BudgetStatus.ADOPTED)
            .group_by(Budget.id, Budget.amount)).all()
        db.session.remove()
    return [(budget_id, amount, lines) for budget_id, amount, lines in rows if amount != lines]


def test_adopt_against_edit_and_adopt_against_adopt(race):
    app, (first, second) = race
    outcomes = []
    for round_ in range(ROUNDS):
        slug = f"race{round_}"
        with app.app_context():
            tool = tools.create_tool({"slug": slug, "name": f"Race {round_}",
                                      "open_to_non_members": True}, actor_label="test")
            for code in ("0180", "0483", "1860"):
                tools.set_participation(tool, members.get_by_code(code), date(2020, 1, 1),
                                        None, actor_label="test")
            db.commit()
            db.session.remove()
        url = f"/api/v1/tools/{slug}/budgets/2026"
        client = app.test_client()
        assert client.put(url, json={"amount": "100000.00", "key": {"method": "equal"}},
                          headers=bearer(first)).status_code == 201
        edit = {"amount": "999.00", "key": {"method": "equal"}}
        adopt_edit = at_once(app, ("POST", f"{url}/adopt", first, None),
                             ("PUT", url, second, edit))
        outcomes.append(tuple(adopt_edit))
        assert 500 not in adopt_edit and adopt_edit[0] in (200, 409)
        # the edit either came first (200, then adopted as edited) or was refused (409)
        assert adopt_edit[1] in (200, 409)
        next_year = f"/api/v1/tools/{slug}/budgets/2027"
        client.put(next_year, json={"amount": "5000.00", "key": {"method": "equal"}},
                   headers=bearer(first))
        both = at_once(app, ("POST", f"{next_year}/adopt", first, None),
                       ("POST", f"{next_year}/adopt", second, None))
        assert sorted(both) == [200, 409], both
    assert consistent(app, None) == []
    with app.app_context():
        adopted = db.session.scalar(select(func.count()).select_from(Budget).where(
            Budget.status == BudgetStatus.ADOPTED))
        db.session.remove()
    assert adopted == 2 * ROUNDS
