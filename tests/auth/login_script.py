"""Sign-in tried in a process of its own: the limiter's storage is chosen when the app starts,
so a test of where the throttle counts runs a script with its own app(s). `run(body, storage)`
runs `body` after a prelude that makes `make_app()` (a fresh database with one admin) and
`attempt(app, password)` (the status of one sign-in)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

PRELUDE = '''
import logging, re, sys, tempfile, uuid
from consortium import db
from consortium.web.app import create_app
from consortium.auth import service
from tests.conftest import migrate
logging.basicConfig(level=logging.WARNING, format="%(name)s %(message)s")
url = "sqlite:///" + tempfile.mkdtemp() + "/t.sqlite3"
migrate(url)
CONFIG = {"TESTING": True, "SECRET_KEY": "t", "AUDIT_KEY": "t", "DATABASE_URL": url,
          "SESSION_COOKIE_SECURE": False, "JOBS_MODE": "inline",
          "RATELIMIT_STORAGE_URI": sys.argv[1], "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex}
made = []
def make_app():
    app = create_app(CONFIG)
    if not made:
        with app.app_context():
            service.create_user(email="kansli@example.se", role="admin",
                                password="a long password", actor_label="t")
            db.commit()
    made.append(app)
    return app
def attempt(app, password="wrong"):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return client.post("/login", data={"email": "kansli@example.se", "password": password,
                                       "csrf_token": token}).status_code
'''
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(body: str, storage: str) -> subprocess.CompletedProcess[str]:
    script = PRELUDE + textwrap.dedent(body)
    return subprocess.run([sys.executable, "-c", script, storage], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CONSORTIUM_DEMO": "1"})
