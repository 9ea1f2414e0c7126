"""Writers append audit events without the chain's lock; the linker gives them their places
(issue "Fast at any size", item 5): written unlinked with their transaction, linked once and
never changed, writers never wait for a linker nor a linker for another, and what is slipped
into the table behind the registry's back is found."""

from __future__ import annotations

import threading

from sqlalchemy import func, insert, select, text

from consortium import clock, db
from consortium.audit.chain import link_pending, pending, verify
from consortium.audit.models import AuditChainHead, AuditEvent
from consortium.audit.service import record
from tests.audit.test_chain import write


def test_an_event_is_written_with_its_transaction_and_linked_afterwards(app):
    rows = lambda: db.session.execute(  # noqa: E731
        select(AuditEvent.action, AuditEvent.position).order_by(AuditEvent.id)).all()
    link_pending()
    db.session.commit()
    before = rows()
    record("test.kept", "tool", "1", actor_label="test")
    try:
        with db.session.begin_nested():
            record("test.in_rolled_back_savepoint", "tool", "2", actor_label="test")
            raise RuntimeError("the savepoint rolls back")
    except RuntimeError:
        pass
    record("test.kept_too", "tool", "3", actor_label="test")
    db.session.commit()
    written = rows()[len(before):]
    assert [action for action, _ in written] == ["test.kept", "test.kept_too"]
    assert [position for _, position in written] == [None, None]  # not linked yet
    assert pending() == 2 and verify(documents=False).pending == 2
    record("test.rolled_back", "tool", "4", actor_label="test")
    db.session.rollback()
    assert link_pending() == 2
    db.session.commit()
    head = db.session.get(AuditChainHead, 1, populate_existing=True)
    last = before[-1][1] if before else 0
    assert [position for _, position in rows()[len(before):]] == [last + 1, last + 2]
    assert head.last_position == last + 2
    report = verify(documents=False)
    assert report.whole and report.pending == 0 and report.through == (last + 2,
                                                                       head.last_sha256)


def _refused(sql, **params):
    """The guard refuses `sql`: the statement fails, its savepoint rolls back."""
    import pytest
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(text(sql), params)


def test_the_guard_lets_an_event_be_linked_once_and_changed_never(app):
    record("test.guarded", "tool", "1", actor_label="test")
    db.session.commit()
    event_id = db.session.scalar(select(func.max(AuditEvent.id)))
    link = ("UPDATE audit_events SET position = :p, previous_sha256 = :h, sha256 = :h "
            "WHERE id = :id")
    _refused("UPDATE audit_events SET object_id = 'forged' WHERE id = :id", id=event_id)
    _refused(link.replace("sha256 = :h WHERE", "sha256 = :h, note = 'x' WHERE"),
             p=10**9, h="a" * 64, id=event_id)  # linked, and changed on the way
    _refused("DELETE FROM audit_events WHERE id = :id", id=event_id)
    assert link_pending() >= 1
    db.session.commit()
    _refused(link, p=10**9, h="b" * 64, id=event_id)  # linked already: never again
    _refused("UPDATE audit_events SET object_id = 'forged' WHERE id = :id", id=event_id)
    assert verify(documents=False).whole


def test_writers_never_wait_for_the_linker_nor_a_linker_for_another(tmp_path_factory):
    """A linker holds the head: a writer appends and commits meanwhile, and a second linker
    returns at once instead of waiting. Events take their places in the order their
    transactions committed: a writer that started first and committed last comes after."""
    import pytest

    from consortium.web.app import create_app
    from tests.conftest import POSTGRES_URL, TEST_CONFIG, fresh_database, migrate

    if not POSTGRES_URL:
        pytest.skip("SQLite has one writer at a time")
    with fresh_database(tmp_path_factory, "chain_link") as url:
        migrate(url)
        shared = create_app({**TEST_CONFIG, "DATABASE_URL": url})
        holding, release = threading.Event(), threading.Event()
        failures = []

        def in_a_thread(work):
            """`work` in a session (and so a connection) of its own, as another request."""
            def run():
                with shared.app_context():
                    try:
                        db.session.execute(text("SET lock_timeout = '2s'"))  # fail, not hang
                        work()
                    except Exception as error:  # noqa: BLE001 - reported below
                        failures.append(error)
                    finally:
                        db.session.remove()
            thread = threading.Thread(target=run)
            thread.start()
            return thread

        def linker_holding_the_head():
            link_pending()
            holding.set()
            release.wait(timeout=30)
            db.session.commit()

        def quick_writer_and_second_linker():
            write(1, "quick", link=False)  # commits while the head is held
            assert link_pending() == 0  # the other linker has it: returns at once
            db.session.commit()

        with shared.app_context():
            try:
                holder = in_a_thread(linker_holding_the_head)
                assert holding.wait(timeout=30)
                record("test.slow", "tool", "1", actor_label="slow")
                db.session.flush()  # the lower id, still open
                in_a_thread(quick_writer_and_second_linker).join(timeout=30)
                release.set()
                holder.join(timeout=30)
                linked = []

                def link_elsewhere():
                    linked.append(link_pending())
                    db.session.commit()

                in_a_thread(link_elsewhere).join(timeout=30)  # "quick"; "slow" is still open
                record("test.after", "tool", "2", actor_label="slow")
                db.session.commit()  # "slow" and "after" commit together
                in_a_thread(link_elsewhere).join(timeout=30)
                assert linked == [1, 2]
                report = verify(documents=False)
                by_position = db.session.scalars(select(AuditEvent.actor_label)
                                                 .order_by(AuditEvent.position)).all()
                by_id = db.session.scalars(select(AuditEvent.actor_label)
                                           .order_by(AuditEvent.id)).all()
            finally:
                release.set()
                db.session.remove()
        db.engine_of(shared).dispose()
    assert failures == []
    assert report.whole and report.pending == 0
    assert by_position[-3:] == ["quick", "slow", "slow"] and by_id[-3:-1] == ["slow", "quick"]


def _slip_in(**columns):
    """An event inserted behind the registry's back (inserting is what the guard allows)."""
    values = {"occurred_at": clock.now(), "actor_label": "intruder", "action": "tool.update",
              "object_type": "tool", "object_id": "forged", "hash_version": 3, **columns}
    db.session.execute(insert(AuditEvent).values(values))
    db.session.commit()
    return db.session.scalar(select(func.max(AuditEvent.id)))


def test_an_event_slipped_in_without_the_key_is_linked_and_found(app):
    write(2)
    forged = _slip_in(seal="f" * 64)
    write(1)  # the linker takes it with the others: it cannot tell
    report = verify(documents=False)
    assert (report.first_break, report.reason) == (forged, "not written by the registry")


def test_an_event_hashed_without_a_place_is_found(app):
    write(2)
    assert verify(documents=False).whole
    outside = _slip_in(sha256="e" * 64, previous_sha256="d" * 64)
    assert link_pending() == 0  # not the linker's to place
    report = verify(documents=False)
    assert (report.first_break, report.reason) == (outside,
                                                   "hashed without a place in the chain")


def test_the_workers_chain_lane_links_every_second(app):
    from consortium import wiring
    from consortium.jobs.service import sweep

    write(3, link=False)
    lane = [task for task in wiring.of(app).periodic if task.lane == "chain"]
    assert [(task.name, task.every) for task in lane] == [("link_written_events",
                                                           "AUDIT_LINK_SECONDS")]
    assert app.config["AUDIT_LINK_SECONDS"] == 1
    with app.app_context():
        assert sweep("chain") == {"link_written_events": 3}
        assert pending() == 0 and verify(documents=False).whole
