"""The audit log as a hash chain: every event linked to the one before; an edit behind the
app's back (triggers disabled) is found at its row by `audit verify` and on the audit page;
concurrent writers still make one chain; kept documents are re-hashed."""

from __future__ import annotations

import threading

from sqlalchemy import func, select, text

from consortium import db
from consortium.audit.chain import GENESIS, link_pending, verify
from consortium.audit.models import AuditChainHead, AuditEvent
from consortium.audit.service import record
from consortium.auth.models import Role


def write(count, label="test", link=True):
    """`count` events, each committed on its own; then linked, as the worker would."""
    for number in range(count):
        record("tool.update", "tool", f"t{number}", after={"name": f"Verktyg {number}",
                                                           "å": ["ä", 1, 2.5, None]},
               actor_label=label)
        db.session.commit()
    if link:
        link_pending()
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
    db.session.expire_all()  # what the app reads next comes from the database


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
            # each writer linked as it finished; one that found the head taken left its
            # events to the next round, as the worker's next round would take them
            link_pending()
            db.session.commit()
            report = verify(documents=False)
            labels = db.session.scalars(select(AuditEvent.actor_label)).all()
            db.session.remove()
        db.engine_of(shared).dispose()
    assert failures == []
    assert report.whole and report.events == 45 and report.pending == 0
    assert sorted(set(labels)) == ["w0", "w1", "w2"]


# --- issue 22, item 4: a chain that cannot be shortened or rewritten unseen -----------------

def as_the_owner(sql, **params):
    """Every guard off, as the owner of the database could (triggers stay off on SQLite until
    the test's transaction is rolled back)."""
    if db.session.get_bind().dialect.name == "postgresql":
        for table in ("audit_events", "audit_chain"):
            db.session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        db.session.execute(text(sql), params)
        for table in ("audit_events", "audit_chain"):
            db.session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
    else:
        for trigger in ("audit_events_no_update", "audit_events_no_delete",
                        "audit_chain_no_delete"):
            db.session.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
        db.session.execute(text(sql), params)
    db.session.commit()


def _events_then_checkpoint(count=5):
    from consortium.audit import checkpoints

    write(count)
    made = checkpoints.make()
    db.session.commit()
    return checkpoints.as_dict(made)


def test_new_events_are_keyed_with_the_audit_key(app):
    import hashlib
    import hmac

    from consortium.audit.chain import canonical, content_of

    write(2)
    newest = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert newest.hash_version == 3
    key = app.config["AUDIT_KEY"].encode()
    message = (newest.previous_sha256 + "\n" + canonical(content_of(newest))).encode()
    assert newest.sha256 == hmac.new(key, message, hashlib.sha256).hexdigest()
    assert newest.sha256 != hashlib.sha256(message).hexdigest()
    sealed = ("seal\n" + canonical(content_of(newest))).encode()
    assert newest.seal == hmac.new(key, sealed, hashlib.sha256).hexdigest()
    assert verify().whole


def test_the_newest_events_deleted_with_the_head_set_back_show_against_a_checkpoint(app):
    """On main, deleting the newest events and pointing the head back verified "whole"."""

    held = _events_then_checkpoint()
    newest = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())
                                .limit(3)).all()
    kept_last = newest[2]
    as_the_owner("DELETE FROM audit_events WHERE id > :id", id=kept_last.id)
    before = verify()
    as_the_owner("UPDATE audit_chain SET last_sha256 = :h, last_position = :p",
                 h=kept_last.sha256, p=kept_last.position)
    assert db.session.get(AuditChainHead, 1, populate_existing=True).last_sha256 == \
        kept_last.sha256
    assert verify().whole  # the attack: on its own the chain looks whole
    assert (before.first_break, before.reason) == (-1, "the head names another last event")
    report = verify(checkpoints=[held])
    assert not report.whole
    assert report.checkpoint_breaks == [
        f"checkpoint #{held['sequence']} of {held['at']}: the chain was shortened (it has no "
        f"event at place {held['sequence']}; {report.events} events read)"]


def test_a_chain_recomputed_without_the_key_shows(app):
    """On main an old event changed and every later hash recomputed (plain SHA-256, no key)
    verified whole."""
    import hashlib

    from consortium.audit.chain import canonical, content_of

    held = _events_then_checkpoint()
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    victim = events[-4]

    def recompute(version):
        previous = GENESIS
        for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)
                                        .execution_options(populate_existing=True)).all():
            object_id = "forged" if event.id == victim.id else event.object_id
            content = {**content_of(event), "object_id": object_id}
            message = (previous + "\n" + canonical(content)).encode()
            forged = hashlib.sha256(message).hexdigest()
            as_the_owner("UPDATE audit_events SET object_id = :o, previous_sha256 = :p, "
                         "sha256 = :s, hash_version = :v WHERE id = :id",
                         o=object_id, p=previous, s=forged, v=version, id=event.id)
            previous = forged
        as_the_owner("UPDATE audit_chain SET last_sha256 = :h", h=previous)

    recompute(version=2)  # keeps the version, cannot make the keyed hash
    report = verify()
    assert not report.whole and "content does not match" in report.reason
    recompute(version=1)  # passes every event off as one written before the key
    assert verify().whole  # alone it cannot tell: the checkpoint kept elsewhere can
    report = verify(checkpoints=[held])
    assert report.checkpoint_breaks and "rewritten" in report.checkpoint_breaks[0]


def test_a_forged_checkpoint_is_not_the_registrys(app):
    held = _events_then_checkpoint(2)
    forged = {**held, "sha256": "f" * 64}
    report = verify(checkpoints=[forged])
    assert report.checkpoint_breaks == [
        f"checkpoint #{held['sequence']} of {held['at']}: not signed with this registry's key"]


def test_checkpoints_from_the_command_line_the_api_and_the_sweep(app, runner, tmp_path,
                                                                 client, api_token):
    import json

    from consortium.audit.checkpoints import sign_daily_checkpoint

    write(3)
    made = runner.invoke(args=["audit", "checkpoint"])
    assert made.exit_code == 0, made.output
    listed = runner.invoke(args=["audit", "checkpoints"])
    held = json.loads(listed.output)
    assert len(held) == 1 and held[0]["sequence"] == json.loads(made.output)["sequence"]
    (tmp_path / "held.json").write_text(listed.output)
    ok = runner.invoke(args=["audit", "verify", "--checkpoints", str(tmp_path / "held.json")])
    assert ok.exit_code == 0 and "the chain agrees with each" in ok.output, ok.output
    forged = [{**held[0], "sequence": held[0]["sequence"] + 50}]
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    bad = runner.invoke(args=["audit", "verify", "--checkpoints", str(tmp_path / "forged.json")])
    assert bad.exit_code == 1 and "not signed with this registry's key" in bad.output
    observer = {"Authorization": f"Bearer {api_token(Role.OBSERVER)}"}
    answer = client.get("/api/v1/audit/checkpoints", headers=observer)
    assert answer.status_code == 200 and answer.json[0]["sha256"] == held[0]["sha256"]
    finance = {"Authorization": f"Bearer {api_token(Role.FINANCE)}"}
    assert client.get("/api/v1/audit/checkpoints", headers=finance).status_code == 403
    with app.app_context():
        assert sign_daily_checkpoint() == 0  # one made today already


def test_the_head_of_the_chain_cannot_be_deleted(app):
    import pytest
    from sqlalchemy.exc import DatabaseError

    write(1)
    with pytest.raises(DatabaseError):
        with db.session.begin_nested():
            db.session.execute(text("DELETE FROM audit_chain"))


def test_the_checkpoints_are_a_feed_that_a_feed_parser_reads(app, client_as):
    import json

    import feedparser

    from consortium.audit import checkpoints

    write(2)
    first = checkpoints.as_dict(checkpoints.make())
    write(1)
    second = checkpoints.as_dict(checkpoints.make())
    db.session.commit()
    answer = client_as(Role.OBSERVER).get("/admin/audit/checkpoints.atom")
    assert answer.status_code == 200 and answer.mimetype == "application/atom+xml"
    feed = feedparser.parse(answer.data)
    assert not feed.bozo, feed.bozo_exception
    assert [json.loads(entry.summary) for entry in feed.entries] == [second, first]
    assert feed.entries[0].id == f"urn:consortium:audit-checkpoint:{second['sequence']}:" \
                                 f"{second['sha256']}"
    assert verify(checkpoints=[json.loads(e.summary) for e in feed.entries]).whole
    refused = client_as(Role.FINANCE).get("/admin/audit/checkpoints.atom")
    assert refused.status_code == 403
