"""The events of a registry that linked them at commit keep their places when it moves to
writers that append and a linker that places (migration 34671314bfb1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from consortium import db
from consortium.audit.chain import GENESIS, canonical, digest, link_pending, verify
from consortium.audit.models import AuditChainHead, AuditEvent
from consortium.audit.service import record
from consortium.db import UTCDateTime
from tests.conftest import TEST_CONFIG, fresh_database, migrate

BEFORE = "1672d256683b"  # linked at commit: ids in the order of the chain, hash version 2
OLD_EVENTS = sa.table(
    "audit_events", sa.column("id", sa.Integer), sa.column("occurred_at", UTCDateTime()),
    sa.column("actor_label", sa.String), sa.column("action", sa.String),
    sa.column("object_type", sa.String), sa.column("object_id", sa.String),
    sa.column("after", sa.JSON), sa.column("previous_sha256", sa.String),
    sa.column("sha256", sa.String), sa.column("hash_version", sa.SmallInteger))


def _written_the_old_way(count: int) -> list[int]:
    """`count` events as the code before the migration wrote them (raw rows: the models
    already know columns that this schema has not yet)."""
    previous = GENESIS
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    for number in range(count):
        occurred = start + timedelta(minutes=number, microseconds=number)
        after = {"name": f"Verktyg {number}", "å": ["ä", number]}
        content = {"occurred_at": occurred.isoformat(timespec="microseconds"),
                   "actor_id": None, "actor_label": "before", "action": "tool.update",
                   "object_type": "tool", "object_id": str(number), "before": None,
                   "after": after, "note": None, "remote_addr": None}
        sha = digest(previous, content, 2)
        db.session.execute(OLD_EVENTS.insert().values(
            occurred_at=occurred, actor_label="before", action="tool.update",
            object_type="tool", object_id=str(number), after=after, previous_sha256=previous,
            sha256=sha, hash_version=2))
        previous = sha
    db.session.execute(text("UPDATE audit_chain SET last_sha256 = :h"), {"h": previous})
    db.session.commit()
    assert canonical({"b": 1, "a": 2}) == '{"a":2,"b":1}'  # the form the old code hashed
    return list(db.session.scalars(text("SELECT id FROM audit_events ORDER BY id")))


def test_events_linked_at_commit_keep_their_places_after_the_migration(tmp_path_factory):
    from consortium.web.app import create_app

    with fresh_database(tmp_path_factory, "chain_upgrade") as url:
        migrate(url, BEFORE)
        app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
        try:
            with app.app_context():
                ids = _written_the_old_way(3)
                db.session.remove()
            migrate(url, "head")
            with app.app_context():
                head = db.session.get(AuditChainHead, 1)
                positions = db.session.scalars(select(AuditEvent.position)
                                               .order_by(AuditEvent.id)).all()
                assert positions == ids and head.last_position == ids[-1]
                last_sha = head.last_sha256
                report = verify(documents=False)
                assert report.whole and report.events == 3 and report.pending == 0
                with pytest.raises(DBAPIError, match="append-only"):
                    db.session.execute(text("UPDATE audit_events SET object_id = 'x' "
                                            "WHERE id = :id"), {"id": ids[0]})
                db.session.rollback()
                record("tool.update", "tool", "after", actor_label="after")
                db.session.commit()
                assert link_pending() == 1
                db.session.commit()
                newest = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc())
                                           .limit(1))
                assert (newest.position, newest.previous_sha256) == (ids[-1] + 1, last_sha)
                report = verify(documents=False)
                assert report.whole and report.events == 4
                db.session.remove()
        finally:
            db.engine_of(app).dispose()
