"""With the database unreachable the registry says so: 503 with a plain page or a JSON error,
and /healthz names the part that is down."""

from __future__ import annotations

import pytest

from consortium import db
from consortium.web.app import create_app
from tests.conftest import TEST_CONFIG


@pytest.fixture
def unreachable(app):
    broken = create_app({**TEST_CONFIG, "JOBS_MODE": "inline",
                         "DATABASE_URL": "postgresql://postgres@127.0.0.1:9/nowhere"})
    yield broken.test_client()
    db.engine_of(broken).dispose()
    db.bind_to(app, app.extensions.get("db_bind"))


def test_health_says_the_database_is_down(unreachable):
    response = unreachable.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "down", "parts": {
        "database": "down", "redis": "not used", "signing": "ok"}}


def test_pages_and_the_api_answer_503(unreachable):
    page = unreachable.get("/calendar/" + "x" * 40 + ".ics",
                           headers={"Accept-Language": "en"})
    assert page.status_code == 503
    assert "The registry cannot reach its database right now" in page.get_data(as_text=True)
    api = unreachable.get("/api/v1/tools", headers={"Authorization": "Bearer x"})
    assert api.status_code == 503 and api.json["error"]["code"] == "unavailable"


def test_health_is_ok_when_all_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["parts"]["database"] == "ok"
