"""Issue 22, item 4: with Redis down (the README recommends it for the login throttle) every
sign-in answered 500 and /healthz said 200. Now sign-in works, the throttle counts in the
process's memory and says so in the log, and /healthz answers 503 naming Redis."""

from __future__ import annotations

from consortium import db
from consortium.web.app import create_app
from tests.auth.login_script import run
from tests.conftest import TEST_CONFIG

DEAD_REDIS = "redis://127.0.0.1:9/0"  # nothing answers there


def test_sign_in_works_while_redis_is_down_and_still_throttles():
    result = run("""
        app = make_app()
        print(attempt(app, "a long password"))
        print([attempt(app) for _ in range(6)])
        print(attempt(app, "a long password"))
    """, DEAD_REDIS)
    assert result.returncode == 0, result.stderr
    right, wrongs, after = result.stdout.strip().splitlines()
    assert right == "302"  # signed in (was 500)
    assert wrongs == "[401, 401, 401, 401, 401, 429]"  # counted in memory: 5 a minute
    assert after == "429"  # this client and account wait, as with Redis
    assert "falling back to in-memory storage" in result.stderr


def test_health_names_redis_when_it_is_down(app):
    broken = create_app({**TEST_CONFIG, "DATABASE_URL": "sqlite://", "JOBS_MODE": "rq",
                         "REDIS_URL": DEAD_REDIS})
    try:
        response = broken.test_client().get("/healthz")
    finally:
        db.engine_of(broken).dispose()
        db.bind_to(app, app.extensions.get("db_bind"))
    assert response.status_code == 503
    assert response.json == {"status": "down", "parts": {"database": "ok", "redis": "down",
                                                         "signing": "ok"}}
