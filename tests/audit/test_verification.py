"""The audit page reads, never verifies (issue "Fast at any size"): the worker walks the events
written since its last whole verification from the checkpoint it stored (checking that anchor
again), on a schedule and on demand; `flask audit verify` keeps the full walk; the page shows
the newest verification, and neither its time nor its statements grow with the events."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import insert, select

from consortium import clock, db
from consortium.audit import verification
from consortium.audit.models import AuditEvent, AuditVerification
from tests.audit.test_chain import behind_the_apps_back, write
from tests.conftest import csrf_token

EN = {"Accept-Language": "en"}


def test_the_worker_walks_only_what_is_new_from_its_checkpoint(app):
    write(5)
    first = verification.verify_incrementally()
    db.session.commit()
    total = db.session.scalar(select(AuditEvent.position)
                              .order_by(AuditEvent.position.desc()).limit(1))
    assert (first.full, first.whole, first.through_position) == (True, True, total)
    write(3)
    second = verification.verify_incrementally()
    db.session.commit()
    assert (second.full, second.whole, second.events) == (False, True, 3)
    assert second.from_position == first.through_position
    write(2, link=False)  # a walk on demand links what waits first
    third = verification.verify_incrementally()
    assert (third.events, third.whole, third.through_position) == (2, True, total + 5)
    db.session.commit()
    quiet = verification.verify_incrementally()
    assert (quiet.events, quiet.whole) == (0, True)


def test_a_changed_anchor_or_a_changed_new_event_is_found(app, client_as):
    write(4)
    verification.verify_incrementally()
    db.session.commit()
    write(2)
    newest = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    behind_the_apps_back("UPDATE audit_events SET object_id = 'forged' WHERE id = :id",
                         id=newest)
    broken = verification.verify_incrementally()
    db.session.commit()
    assert (broken.whole, broken.first_break) == (False, newest)
    page = client_as("observer").get("/admin/audit", headers=EN).get_data(as_text=True)
    assert "The hash chain is broken" in page and f"event #{newest}" in page


def test_the_full_walk_of_the_command_line_is_recorded(app, client_as):
    write(3)
    victim = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id).limit(1))
    verification.verify_incrementally()
    db.session.commit()
    behind_the_apps_back("UPDATE audit_events SET object_id = 'forged' WHERE id = :id",
                         id=victim)
    # the incremental walk from the checkpoint cannot see an old event change ...
    assert verification.verify_incrementally().whole
    db.session.commit()
    # ... the full walk can, and the page shows it as the newest verification
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    newest, _waiting = verification.state()
    assert (newest.full, newest.whole, newest.first_break) == (True, False, victim)


def test_on_a_schedule_and_on_demand(app, client_as):
    write(2)
    assert verification.verify_when_due() == 1
    assert verification.verify_when_due() == 0  # fresh: nothing to do
    with time_machine.travel(clock.now() + timedelta(minutes=11), tick=False):
        assert verification.verify_when_due() == 1
    office = client_as("admin")
    before = db.session.scalar(select(AuditVerification.id).order_by(
        AuditVerification.id.desc()).limit(1))
    asked = office.post("/admin/audit/verify", headers=EN,
                        data={"csrf_token": csrf_token(office, "/admin/audit")})
    assert asked.status_code == 302
    newest, _waiting = verification.state()
    assert newest.id > before and newest.by == "on demand" and newest.whole
    page = office.get("/admin/audit", headers=EN).get_data(as_text=True)
    assert "The hash chain was whole when it was last verified" in page


def bulk(count):
    """Events of one kind written straight into the table (the page never walks the chain, so
    they need no hashes): the page's first screen is the same whatever their number."""
    now = clock.now()
    db.session.execute(insert(AuditEvent), [
        {"occurred_at": now, "actor_label": "bulk", "action": "tool.update",
         "object_type": "tool", "object_id": f"b{n}", "hash_version": 2}
        for n in range(count)])
    db.session.commit()


def test_the_page_reads_the_same_with_60_and_10060_events(app, client_as, count_queries):
    auditor = client_as("observer")
    write(2)
    verification.verify_incrementally()
    db.session.commit()
    bulk(60)  # more than a page
    with count_queries() as few:
        assert auditor.get("/admin/audit", headers=EN).status_code == 200
    bulk(10_000)
    with count_queries() as many:
        assert auditor.get("/admin/audit", headers=EN).status_code == 200
    assert many.count == few.count


def test_the_page_says_when_events_wait_too_long_for_their_place(app, client_as):
    from consortium.audit.chain import link_pending, pending

    observer = client_as("observer")
    write(2, link=False)
    assert "waited more than a minute" not in observer.get(
        "/admin/audit", headers=EN).get_data(as_text=True)  # written just now
    waiting = (f"{pending()} events have waited more than a minute for their place in the "
               "hash chain")
    with time_machine.travel(clock.now() + timedelta(minutes=2)):
        page = observer.get("/admin/audit", headers=EN).get_data(as_text=True)
        assert f"{waiting}: is the worker running?" in page
        link_pending()
        db.session.commit()
        page = observer.get("/admin/audit", headers=EN).get_data(as_text=True)
        assert "waited more than a minute" not in page
