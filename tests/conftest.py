"""Shared fixtures: one app per session on a database built by the migrations, a rolled-back
transaction per test, factories, and logged-in clients per role.

The suite runs on SQLite by default and on PostgreSQL when CONSORTIUM_TEST_DATABASE_URL is set
(`make test` does both when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import text
from sqlalchemy.engine import make_url

from consortium import db
from consortium.auth import service as auth_service
from consortium.auth.models import Role, User
from consortium.cli import alembic_config
from consortium.documents.certificates import make_demo_certificate
from consortium.extensions import limiter
from consortium.members.models import Municipality
from consortium.web.app import create_app

PASSWORD = "correct horse battery"
# The Redis the tests use (the worker, the throttle): the one REDIS_URL names, as for the app.
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_or_skip() -> Any:
    """A connection to the tests' Redis; the test is skipped where none answers."""
    from redis import Redis

    connection = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except Exception:
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    return connection
POSTGRES_URL = os.environ.get("CONSORTIUM_TEST_DATABASE_URL")


def on_postgres() -> bool:
    return POSTGRES_URL is not None


def reset_postgres(url: str) -> None:
    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if POSTGRES_URL:
        reset_postgres(POSTGRES_URL)
        return POSTGRES_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@contextmanager
def fresh_database(tmp_path_factory: pytest.TempPathFactory, suffix: str) -> Iterator[str]:
    """An empty database of the kind under test, dropped afterwards."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp(suffix) / (suffix + '.sqlite3')}"
        return
    url = make_url(db.normalise_url(POSTGRES_URL))
    name = f"{url.database}_{suffix}"
    admin = db.make_engine(url.set(database="postgres").render_as_string(hide_password=False),
                           isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def scratch_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database, for tests that build and tear down the schema."""
    with fresh_database(tmp_path_factory, "scratch") as url:
        yield url


def migrate(url: str, revision: str = "head", *, down: bool = False) -> None:
    engine = db.make_engine(url)
    with engine.connect() as conn:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)
        conn.commit()
    engine.dispose()


# The suite's own CA and signing certificate (the same kind `make run` makes for the demo)
SIGNING = make_demo_certificate(Path(tempfile.mkdtemp(prefix="signing-")), "Testförbundet")

TEST_CONFIG: dict[str, Any] = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "AUDIT_KEY": "test-audit-key",
    "AUDIT_SIGNING_KEY": os.path.join(tempfile.mkdtemp(prefix="audit-key-"), "signing.pem"),
    "SESSION_COOKIE_SECURE": False,
    "RATELIMIT_STORAGE_URI": "memory://",
    "SERVER_NAME": None,
    "JOBS_MODE": "inline",  # tests/jobs runs the real worker on Redis
    # scrypt with a small work factor: the suite makes a thousand users (tests/auth checks
    # the default, which is werkzeug's full scrypt)
    "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    "SIGNING_CERT": str(SIGNING.cert), "SIGNING_KEY": str(SIGNING.key),
    "SIGNING_TRUST_ROOT": str(SIGNING.root), "SIGNING_PKCS12": None, "SIGNING_TSA_URL": None,
}


class ScriptClient(FlaskClient):
    """A test that calls services itself is a script: like a command, it ends its unit of work
    (commits what the services flushed) before it asks the app, which commits its own."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        end_the_test_s_unit_of_work()
        return super().open(*args, **kwargs)


class ScriptRunner(FlaskCliRunner):
    def invoke(self, *args: Any, **kwargs: Any) -> Any:
        end_the_test_s_unit_of_work()
        return super().invoke(*args, **kwargs)


def end_the_test_s_unit_of_work() -> None:
    if db.session.registry.has():
        db.commit()


@pytest.fixture(scope="session")
def app(database_url: str) -> Flask:
    migrate(database_url)
    made = create_app({**TEST_CONFIG, "DATABASE_URL": database_url})
    made.test_client_class = ScriptClient
    made.test_cli_runner_class = ScriptRunner
    return made


@pytest.fixture(autouse=True)
def _isolated(app: Flask) -> Iterator[None]:
    """Each test runs in a transaction that is rolled back; the services' commits become
    savepoints inside it."""
    engine = db.engine_of(app)
    connection = engine.connect()
    transaction = connection.begin()
    db.bind_to(app, connection)
    limiter.reset()
    # No app context is pushed here on purpose: each request must get its own (and its own g).
    yield
    db.session.remove()
    transaction.rollback()
    connection.close()
    db.bind_to(app, None)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


# --- factories ---------------------------------------------------------------------------


@pytest.fixture
def make_municipality() -> Callable[..., Municipality]:
    def make(code: str = "0180", name: str = "Stockholm", county: str = "Stockholms län",
             **fields: Any) -> Municipality:
        municipality = Municipality(code=code, name=name, county=county, **fields)
        db.session.add(municipality)
        db.session.commit()
        return municipality

    return make


@pytest.fixture
def make_user(make_municipality: Callable[..., Municipality]) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(role: Role | str = Role.ADMIN, *, email: str | None = None,
             municipality: Municipality | None = None, password: str = PASSWORD,
             name: str = "") -> User:
        role = Role(role)
        if role is Role.REPRESENTATIVE and municipality is None:
            municipality = db.session.query(Municipality).filter_by(code="0180").one_or_none() \
                or make_municipality()
        return auth_service.create_user(
            email=email or f"{role.value}{next(counter)}@example.se", role=role,
            password=password, name=name,
            municipality_code=municipality.code if municipality else None,
            actor_label="test",
        )

    return make


# --- signing in ----------------------------------------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    page = client.get(path)
    match = CSRF_RE.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> Any:
    token = csrf_token(client)
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": token})


@pytest.fixture
def client_as(app: Flask, make_user: Callable[..., User]) -> Callable[..., FlaskClient]:
    """A test client signed in as a new user with the given role."""

    def make(role: Role | str, **user_fields: Any) -> FlaskClient:
        user = make_user(role, **user_fields)
        client = app.test_client()
        response = login(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        client.user = user  # type: ignore[attr-defined]
        return client

    return make


@pytest.fixture
def api_token(make_user: Callable[..., User]) -> Callable[..., str]:
    """A Bearer token of a new user with the given role."""

    def make(role: Role | str, **user_fields: Any) -> str:
        user = make_user(role, **user_fields)
        return auth_service.issue_token(user, label="test", actor_label="test")

    return make


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def make_tool() -> Callable[..., Any]:
    from consortium.tools import service as tool_service

    def make(slug: str = "provisum", name: str | None = None, **fields: Any) -> Any:
        return tool_service.create_tool({"slug": slug, "name": name or slug.title(), **fields},
                                        actor_label="test")

    return make


class QueryCounter:
    """Counts (and keeps) the SQL statements sent while it is active."""

    def __init__(self, engine: Any):
        self.engine = engine
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def _count(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.statements.append(statement)

    def __enter__(self) -> QueryCounter:
        from sqlalchemy import event

        end_the_test_s_unit_of_work()  # count the page's statements, not the test's commit
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc: Any) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._count)


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], QueryCounter]:
    return lambda: QueryCounter(db.engine_of(app))


# --- a small consortium (governance and documents) ---------------------------------------

MUNICIPALITIES = [("0180", "Stockholm", 935_619), ("1280", "Malmö", 328_494),
                  ("0483", "Katrineholm", 33_722), ("1860", "Laxå", 5_631)]


@pytest.fixture
def consortium(make_municipality: Any, make_user: Any, make_tool: Any, api_token: Any
               ) -> dict[str, Any]:
    from datetime import date

    from consortium.members import service as members
    from consortium.tools import service as tools

    found = {}
    for code, name, population in MUNICIPALITIES:
        municipality = make_municipality(code, name, "Län")
        members.set_population(municipality, 2016, population)
        members.change_membership(municipality, "admit", date(2010, 1, 1))
        found[code] = municipality
    tool = make_tool("provisum", "Provisum")
    for code in ("0180", "0483", "1860"):
        tools.set_participation(tool, found[code], date(2019, 1, 1), None)
    reps = {code: bearer(api_token("representative", municipality=m))
            for code, m in found.items()}
    return {"municipalities": found, "tool": tool, "reps": reps,
            "admin": bearer(api_token("admin")), "observer": bearer(api_token("observer"))}


@pytest.fixture
def mail_server(app: Flask) -> Iterator[Any]:
    """A real SMTP server on loopback, not started: a test starts (and may stop) it itself.
    The app sends to it."""
    from tests.smtp import MailServer

    server = MailServer()
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_TIMEOUT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=5)
    yield server
    server.stop()
    app.config.update(saved)
