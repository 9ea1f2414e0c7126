"""The database: one engine per app, a session per request, and the declarative Base."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import Flask, Response, current_app, has_app_context
from sqlalchemy import ARRAY, DateTime, Enum, MetaData, any_, create_engine, event, literal
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session
from sqlalchemy.types import TypeDecorator

from consortium.errors import Conflict

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


P = ParamSpec("P")
R = TypeVar("R")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


_outside_app: dict[str, Any] = {}


def _new_session() -> Session:
    """A session bound to the current app's database (or, outside any app context, to the
    last app's). Tests put a connection in place of the engine to roll everything back."""
    if has_app_context():
        extensions = current_app.extensions
        bind = extensions.get("db_bind") or extensions["db_engine"]
    else:
        bind = _outside_app["bind"]
    if isinstance(bind, Connection):
        return Session(bind=bind, expire_on_commit=False, join_transaction_mode="create_savepoint")
    return Session(bind=bind, expire_on_commit=False)


# One session per thread (and so per request); removed when the app context ends.
session: scoped_session[Session] = scoped_session(_new_session)  # type: ignore[arg-type]


def bind_to(app: Flask, bind: Engine | Connection | None) -> None:
    """Use `bind` (a test's connection) instead of the app's engine; None restores it."""
    session.remove()
    _outside_app["config"] = app.config
    if bind is None:
        app.extensions.pop("db_bind", None)
        _outside_app["bind"] = app.extensions["db_engine"]
    else:
        app.extensions["db_bind"] = bind
        _outside_app["bind"] = bind


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def str_enum(enum_cls: type[enum.StrEnum], name: str) -> Enum:
    """A string column limited to the enum's values by a CHECK constraint, on both databases."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda cls: [member.value for member in cls],
        validate_strings=True,
    )


def normalise_url(url: str) -> str:
    """Let operators write postgresql:// and still get the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _make_sqlite_behave(engine)
    return engine


def _make_sqlite_behave(engine: Engine) -> None:
    """Foreign keys on, and real transactions (pysqlite defers BEGIN, which breaks SAVEPOINT).

    Transactions begin IMMEDIATE: every service reads before it writes, and two deferred
    transactions that both try to upgrade their read lock would deadlock ("database is
    locked"). With WAL, readers still do not wait for the writer."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA secure_delete=ON")  # deleted rows (sealed ballots) are zeroed
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = engine
    _outside_app["bind"] = engine
    _outside_app["config"] = app.config

    @app.after_request
    def _end_unit_of_work(response: Response) -> Response:
        """The request owns its transaction: it commits once when the request succeeded and
        rolls back when it was refused (4xx, 5xx). Services only flush."""
        if response.status_code < 400:
            commit()
        # else: nothing is committed; closing the session at teardown rolls it back
        return response

    @app.teardown_appcontext
    def _remove_session(_exc: BaseException | None) -> None:
        session.remove()  # what was not committed (an exception) is rolled back here


def commit() -> None:
    """End the unit of work: commit, then run what waited for the commit (a job handed to
    the worker must find its row). Only requests, jobs and commands call this."""
    session.commit()
    waiting = session.info.pop("after_commit", [])
    for callback in waiting:
        callback()


def after_commit(callback: Callable[[], Any]) -> None:
    """Run `callback` once the current unit of work has committed (never if it rolls back)."""
    session.info.setdefault("after_commit", []).append(callback)


def rollback() -> None:
    session.rollback()
    session.info.pop("after_commit", None)


@contextmanager
def unit_of_work() -> Iterator[None]:
    """A command's or a job's transaction: committed at the end, rolled back on an error."""
    try:
        yield
    except BaseException:
        rollback()
        raise
    commit()


def committed(function: Callable[P, R]) -> Callable[P, R]:
    """A command (CLI) that commits what it did once, at its end."""

    @wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with unit_of_work():
            return function(*args, **kwargs)

    return run


def app_config() -> Any:
    """The configuration of the current app (or, outside any app context, of the last one):
    services are called from requests, the worker, the command line and tests."""
    return current_app.config if has_app_context() else _outside_app["config"]


def the_app() -> Flask:
    """The app behind `current_app` (to hand to a thread or keep past the context)."""
    return current_app._get_current_object()  # type: ignore[attr-defined]


def engine_of(app: Flask) -> Engine:
    return app.extensions["db_engine"]


def insert_once(row: Any, message: str) -> None:
    """Insert a row that a unique constraint allows once; the second attempt is a conflict
    (also when two requests race: the database refuses the later one). The refused
    transaction is the owner's to roll back (the request does), as after any refusal; no
    savepoint, so that the row is written in its transaction's own id (sealing.py)."""
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(message) from None


def any_of(column: Any, values: Any) -> Any:
    """`column IN values` as one bound array on PostgreSQL (`= ANY(:array)`), so that the
    statement's text, and its prepared plan, does not change with the number of values."""
    values = list(values)
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(values, ARRAY(column.type)))
    return column.in_(values)
