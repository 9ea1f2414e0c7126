"""The audit log as a hash chain: every event linked to the one before; an edit behind the
app's back (triggers disabled) is found at its row by `audit verify` and on the audit page;
concurrent writers still make one chain; kept documents are re-hashed."""

from __future__ import annotations

import threading

from sqlalchemy import func, select, text

from consortium import db
from consortium.audit.chain import GENESIS, verify
from consortium.audit.models import AuditEvent
from consortium.audit.service import record
from consortium.auth.models import Role


def write(count, label="test"):
    for number in range(count):
        record("tool.update", "tool", f"t{number}", after={"name": f"Verktyg {number}",
                                                           "å": ["ä", 1, 2.5, None]},
               actor_label=label)
        db.session.commit()


def behind_the_apps_back(sql, **params):
    """What an owner of the database could do: switch the guard off and write."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        db.session.execute(text(sql), params)
        db.session.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
    else:
        db.session.execute(text("DROP TRIGGER audit_events_no_update"))
        db.session.execute(text(sql), params)
    db.session.commit()


def test_every_event_is_linked_to_the_one_before(app):
    write(5)
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    first = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id).limit(1))
    assert first.previous_sha256 == GENESIS
    for before, after in zip(events, events[1:], strict=False):
        assert after.previous_sha256 == before.sha256
    report = verify()
    assert report.whole and report.events == db.session.scalar(
        select(func.count()).select_from(AuditEvent))


def test_verify_finds_an_edited_row_and_exits_non_zero(app, client_as):
    write(4)
    victim = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id.desc())
                                .limit(1).offset(1)).one()
    runner = app.test_cli_runner()
    whole = runner.invoke(args=["audit", "verify"])
    assert whole.exit_code == 0 and "the hash chain is whole" in whole.output
    behind_the_apps_back("UPDATE audit_events SET object_id = 'forged' WHERE id = :id",
                         id=victim)
    report = verify()
    assert report.first_break == victim and "content" in report.reason
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1 and f"BROKEN at event #{victim}" in broken.output
    page = client_as(Role.OBSERVER).get("/admin/audit", headers={"Accept-Language": "en"})
    assert f"event #{victim} does not match" in page.get_data(as_text=True)


def test_a_removed_row_breaks_the_chain_at_the_next(app):
    write(3)
    ids = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()
    if db.session.get_bind().dialect.name == "postgresql":
        behind_the_apps_back("DELETE FROM audit_events WHERE id = :id", id=ids[-2])
    else:
        db.session.execute(text("DROP TRIGGER audit_events_no_delete"))
        db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[-2]})
        db.session.commit()
    report = verify()
    assert report.first_break == ids[-1] and "previous" in report.reason


def test_a_changed_kept_document_is_named(app, client_as):
    from consortium.documents.models import StoredDocument

    db.session.add(StoredDocument(kind="result", key="1", lang="sv", sha256="0" * 64,
                                  content=b"%PDF-1.7 not what was kept"))
    db.session.commit()
    report = verify()
    assert report.documents == 1 and report.document_breaks == ["result 1 (sv)"]
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "no longer match" in result.output


def test_concurrent_writers_make_one_chain(tmp_path_factory):
    from consortium.web.app import create_app
    from tests.conftest import TEST_CONFIG, fresh_database, migrate

    with fresh_database(tmp_path_factory, "chain") as url:
        migrate(url)
        shared = create_app({**TEST_CONFIG, "DATABASE_URL": url})
        barrier = threading.Barrier(3)
        failures = []

        def writer(label):
            with shared.app_context():
                try:
                    barrier.wait(timeout=30)
                    write(15, label)
                except Exception as error:  # noqa: BLE001 - reported below
                    failures.append(error)
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=writer, args=(f"w{n}",)) for n in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        with shared.app_context():
            report = verify(documents=False)
            labels = db.session.scalars(select(AuditEvent.actor_label)).all()
            db.session.remove()
        db.engine_of(shared).dispose()
    assert failures == []
    assert report.whole and report.events == 45
    assert sorted(set(labels)) == ["w0", "w1", "w2"]
