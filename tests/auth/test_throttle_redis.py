"""Login throttling counts in Redis when configured, so that several gunicorn hosts share one
count. Runs in a separate process: the limiter's storage is chosen when the app starts."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from tests.conftest import REDIS_URL, redis_or_skip

SCRIPT = textwrap.dedent('''
    import os, re, uuid
    from consortium import db
    from consortium.web.app import create_app
    from consortium.auth import service
    from tests.conftest import migrate
    url = "sqlite:///" + __import__("tempfile").mkdtemp() + "/t.sqlite3"
    migrate(url)
    config = {"TESTING": True, "SECRET_KEY": "t", "AUDIT_KEY": "t", "DATABASE_URL": url,
              "SESSION_COOKIE_SECURE": False,
              "RATELIMIT_STORAGE_URI": os.environ["REDIS_URL"],
              "RATELIMIT_KEY_PREFIX": "test-" + uuid.uuid4().hex}
    first, second = create_app(config), None
    with first.app_context():
        service.create_user(email="kansli@example.se", role="admin",
                            password="a long password", actor_label="t")
        db.commit()
    def attempt(app):
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        return client.post("/login", data={"email": "kansli@example.se", "password": "wrong",
                                           "csrf_token": token}).status_code
    print([attempt(first) for _ in range(5)])
    second = create_app(config)  # a second "host" with the same Redis
    print(attempt(second))
''')


def test_throttle_is_shared_through_redis():
    redis_or_skip()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=root, capture_output=True,
                            text=True, timeout=120,
                            env={**os.environ, "CONSORTIUM_DEMO": "1", "REDIS_URL": REDIS_URL})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines == ["[401, 401, 401, 401, 401]", "429"]
