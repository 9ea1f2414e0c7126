"""Pages kept between requests, honestly: the database renews a stamp whenever a table behind
them changes, and what was made under one stamp is served only while that stamp stands.

A stamp (`data_stamps`, one row per name) is renewed by triggers on the tables it watches
(the migration that creates it names them): on every INSERT, UPDATE, DELETE or TRUNCATE,
inside the writing transaction. So a reader that reads the stamp and then the data (read
committed) never sees a stamp newer than its data; the stamp is random, so no two states of
the data share one, not even after a rolled-back change or a restore.

What is kept is memoised per process (`Memo`), keyed by the stamp: a second host keeps its own
and misses nothing, since every request asks the shared database for the stamp first. Only a
GET fills a memo: it writes nothing, so it reads committed data only. Without its stamp row
(a database before the migration) nothing is kept: every request makes its page."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from flask import g, has_request_context, request
from sqlalchemy import String, select, text
from sqlalchemy.orm import Mapped, mapped_column

from consortium import db
from consortium.db import Base

T = TypeVar("T")

# The stamps; the migration that adds one installs its triggers on the tables it watches
# (tests compare the tables a kept page reads with the triggers in the database).
COSTS = "costs"  # the finance overview
PARTICIPATION = "participation"  # the participation matrix, a tool page's lists
MEMBERS = "members"  # a municipality's membership periods and population figures

SQLITE_WRITES = ("insert", "update", "delete")
RENEW_PG = """
CREATE OR REPLACE FUNCTION data_stamp_renew() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_stamps SET stamp = replace(gen_random_uuid()::text, '-', '')
     WHERE name = TG_ARGV[0];
    RETURN NULL;
END
$$;
"""


def watch(dialect: str, name: str, tables: tuple[str, ...]) -> list[str]:
    """For migrations: the DDL that makes every write to `tables` renew the stamp `name`
    (PostgreSQL: a trigger per table and statement, calling RENEW_PG's function; SQLite: a
    trigger per table and kind of write, per row)."""
    if dialect == "postgresql":
        return [f"CREATE TRIGGER data_stamp_{name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION data_stamp_renew('{name}')"
                for table in tables]
    return [f"CREATE TRIGGER data_stamp_{name}_{table}_{write} AFTER {write.upper()} ON {table} "
            f"BEGIN UPDATE data_stamps SET stamp = lower(hex(randomblob(16))) "
            f"WHERE name = '{name}'; END" for table in tables for write in SQLITE_WRITES]


def unwatch(dialect: str, name: str, tables: tuple[str, ...]) -> list[str]:
    """For migrations: the DDL that undoes `watch`."""
    if dialect == "postgresql":
        return [f"DROP TRIGGER data_stamp_{name} ON {table}" for table in tables]
    return [f"DROP TRIGGER data_stamp_{name}_{table}_{write}"
            for table in tables for write in SQLITE_WRITES]


def add_stamp(op: Any, name: str, tables: tuple[str, ...]) -> None:
    """For migrations (`op`: Alembic's): a new stamp, renewed by every write to `tables`."""
    op.execute(text("INSERT INTO data_stamps (name, stamp) VALUES (:name, :stamp)")
               .bindparams(name=name, stamp=secrets.token_hex(16)))
    for statement in watch(op.get_bind().dialect.name, name, tables):
        op.execute(statement)


def drop_stamp(op: Any, name: str, tables: tuple[str, ...]) -> None:
    """For migrations: undo `add_stamp`."""
    for statement in unwatch(op.get_bind().dialect.name, name, tables):
        op.execute(statement)
    op.execute(text("DELETE FROM data_stamps WHERE name = :name").bindparams(name=name))


class DataStamp(Base):
    __tablename__ = "data_stamps"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    stamp: Mapped[str] = mapped_column(String(40))


def current(*names: str) -> str | None:
    """The stamps `names` as the database has them now, as one (a page made of the tables of
    several stamps is kept under all of them); None when one of them does not exist. A GET
    request reads every stamp once, in one statement, however many kept parts it shows."""
    if has_request_context() and request.method == "GET":
        found = g.get("data_stamps")
        if found is None:
            found = g.data_stamps = _every_stamp()
    else:
        found = _every_stamp()
    if any(name not in found for name in names):
        return None
    return "/".join(found[name] for name in names)


def _every_stamp() -> dict[str, str]:
    return {name: stamp for name, stamp in db.session.execute(
        select(DataStamp.name, DataStamp.stamp))}


class Memo(Generic[T]):
    """The last `size` things made, each under its key (which holds a stamp): a thread-safe
    LRU. A key that holds no stamp (None) is never kept."""

    def __init__(self, size: int = 128) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, stamp: str | None, key: Hashable, make: Callable[[], T]) -> T:
        if stamp is None or not (has_request_context() and request.method == "GET"):
            return make()
        full = (stamp, key)
        with self._lock:
            if full in self._kept:
                self._kept.move_to_end(full)
                return self._kept[full]
        made = make()  # outside the lock: two threads may make the same thing once each
        with self._lock:
            self._kept[full] = made
            self._kept.move_to_end(full)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return made

    def __len__(self) -> int:
        return len(self._kept)
