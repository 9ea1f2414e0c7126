"""Issue 22, item 4: with Redis down (the README recommends it for the login throttle) every
sign-in answered 500 and /healthz said 200. Now sign-in works, the throttle counts in the
process's memory and says so in the log, and /healthz answers 503 naming Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from consortium import db
from consortium.web.app import create_app
from tests.conftest import TEST_CONFIG

DEAD_REDIS = "redis://127.0.0.1:9/0"  # nothing answers there

SCRIPT = textwrap.dedent('''
    import logging, re, tempfile
    from consortium import db
    from consortium.web.app import create_app
    from consortium.auth import service
    from tests.conftest import migrate
    logging.basicConfig(level=logging.WARNING, format="%(name)s %(message)s")
    url = "sqlite:///" + tempfile.mkdtemp() + "/t.sqlite3"
    migrate(url)
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "AUDIT_KEY": "t",
                      "DATABASE_URL": url,
                      "SESSION_COOKIE_SECURE": False, "JOBS_MODE": "inline",
                      "RATELIMIT_STORAGE_URI": "DEAD_REDIS"})
    with app.app_context():
        service.create_user(email="kansli@example.se", role="admin",
                            password="a long password", actor_label="t")
        db.commit()
    def attempt(password):
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        return client.post("/login", data={"email": "kansli@example.se", "password": password,
                                           "csrf_token": token}).status_code
    print(attempt("a long password"))
    print([attempt("wrong") for _ in range(6)])
    print(attempt("a long password"))
''').replace("DEAD_REDIS", DEAD_REDIS)


def test_sign_in_works_while_redis_is_down_and_still_throttles():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=root, capture_output=True,
                            text=True, timeout=120, env={**os.environ, "CONSORTIUM_DEMO": "1"})
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
    assert response.json == {"status": "down", "parts": {"database": "ok", "redis": "down"}}
