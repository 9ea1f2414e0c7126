"""The audit log: written by every write, readable by admins, impossible to change."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from consortium import db
from consortium.audit.models import AuditEvent
from consortium.audit.service import record
from consortium.auth.models import Role, User
from tests.conftest import csrf_token

ROOT = Path(__file__).resolve().parents[2]


def test_a_web_write_records_who_what_and_after(client_as):
    admin = client_as(Role.ADMIN)
    token = csrf_token(admin, "/admin/users/new")
    response = admin.post("/admin/users/new", data={
        "email": "ny@example.se", "name": "Ny Ekonom", "role": "finance", "municipality": "",
        "password": "a long password", "confirm": "a long password", "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    new_user = db.session.scalars(select(User).where(User.email == "ny@example.se")).one()
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.create",
                                 AuditEvent.object_id == str(new_user.id))).one()
    assert event.actor_id == admin.user.id
    assert event.actor_label == admin.user.email
    assert event.after == {"email": "ny@example.se", "name": "Ny Ekonom", "role": "finance",
                           "municipality_id": None, "active": True}
    assert event.before is None
    assert event.remote_addr == "127.0.0.1"


def test_a_change_records_before_and_after(client_as, make_user):
    admin = client_as(Role.ADMIN)
    target = make_user(Role.OBSERVER)
    admin.post(f"/admin/users/{target.id}/active",
               data={"csrf_token": csrf_token(admin, f"/admin/users/{target.id}")})
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "user.deactivate")).one()
    assert event.before["active"] is True and event.after["active"] is False


def test_audit_rows_cannot_be_updated(app):
    event = record("test.event", "thing", 1, actor_label="test")
    db.session.commit()
    with pytest.raises(DBAPIError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(update(AuditEvent).where(AuditEvent.id == event.id)
                               .values(action="tampered"))


def test_audit_rows_cannot_be_deleted(app):
    event = record("test.event", "thing", 1, actor_label="test")
    db.session.commit()
    with pytest.raises(DBAPIError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(delete(AuditEvent).where(AuditEvent.id == event.id))
    assert db.session.get(AuditEvent, event.id) is not None


def test_audit_log_cannot_be_truncated_on_postgres(app):
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL")
    with pytest.raises(DBAPIError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(text("TRUNCATE audit_events"))


def test_no_code_updates_or_deletes_audit_rows():
    offenders = []
    for path in (ROOT / "consortium").rglob("*.py"):
        source = path.read_text()
        for needle in ("update(AuditEvent", "delete(AuditEvent", "session.delete(event"):
            if needle in source:
                offenders.append(f"{path.name}: {needle}")
    assert offenders == []


def test_audit_page_filters_by_action_and_object(client_as):
    admin = client_as(Role.ADMIN)
    record("municipality.update", "municipality", 7, after={"name": "Laxå"}, actor_label="t")
    record("tool.update", "tool", 3, after={"name": "Egil"}, actor_label="t")
    db.session.commit()
    html = admin.get("/admin/audit?action=municipality").get_data(as_text=True)
    assert "Laxå" in html and "Egil" not in html
    html = admin.get("/admin/audit?object_type=tool").get_data(as_text=True)
    assert "Egil" in html and "Laxå" not in html


def test_audit_page_shows_the_fields_before_and_after_a_line_each(client_as):
    import html as markup

    record("municipality.update", "municipality", 7, before={"name": "Laxa", "seats": [1, 2]},
           after={"name": "Laxå", "note": None}, actor_label="t")
    db.session.commit()
    page = markup.unescape(client_as(Role.ADMIN).get("/admin/audit?action=municipality")
                           .get_data(as_text=True))
    assert '<pre class="json">name: "Laxa"\nseats: [1, 2]</pre>' in page
    assert '<pre class="json">name: "Laxå"\nnote: null</pre>' in page


def test_audit_page_names_and_links_every_kind_of_object_in_one_statement(
        client_as, consortium, count_queries):
    """Each line names what changed and links to it: a motion, a meeting, a council, a
    municipality, a tool, a budget, a user."""
    from datetime import date

    from consortium.governance import councils, meetings, motions

    board = councils.create_council({"kind": "board", "name": "Styrelse"}, actor_label="t")
    meeting = meetings.create_meeting(board, date(2026, 3, 18), "Västerås", None,
                                      actor_label="t")
    motion = motions.create_motion(board, {"title": "Budget 2027"}, actor_label="t")
    admin = client_as(Role.ADMIN)
    for kind, key, after in (("motion", motion.id, None),
                             ("meeting", meeting.id, None), ("council", board.id, None),
                             ("municipality", "1860", None), ("tool", "provisum", None),
                             ("budget", "provisum/2026", None), ("user", admin.user.id, None)):
        record(f"test.{kind}", kind, key, after=after, actor_label="t")
    db.session.commit()
    with count_queries() as counted:
        page = admin.get("/admin/audit?action=test.").get_data(as_text=True)
    for href, name in ((f"/motions/{motion.id}", "Budget 2027"),
                       (f"/meetings/{meeting.id}", "Styrelse 2026:1"),
                       (f"/councils/{board.id}", "Styrelse"), ("/municipalities/1860", "Laxå"),
                       ("/tools/provisum", "Provisum"),
                       ("/costs/budgets/provisum/2026", "Provisum 2026"),
                       (f"/admin/users/{admin.user.id}", admin.user.email)):
        assert f'href="{href}"' in page and name in page, (href, name)
    with count_queries() as fewer:
        admin.get("/admin/audit?action=test.municipality")
    assert counted.count == fewer.count  # the names of every kind: one statement


def test_a_long_log_is_counted_up_to_a_cap_and_paged_by_what_follows(client_as, monkeypatch):
    """The count stops at COUNT_CAP, so the page costs the same however long the log is;
    beyond it the page says "more than" and offers a next page while there is one."""
    from consortium.web import audit_log

    monkeypatch.setattr(audit_log, "COUNT_CAP", 5)
    monkeypatch.setattr(audit_log, "PAGE_SIZE", 4)
    for number in range(9):
        record("test.many", "tool", f"t{number}", actor_label="t")
    db.session.commit()
    admin = client_as(Role.ADMIN)
    first = admin.get("/admin/audit?action=test.many", headers={"Accept-Language": "en"})
    html = first.get_data(as_text=True)
    assert "More than 5 entries" in html and "Page 1</span>" in html and 'rel="next"' in html
    last = admin.get("/admin/audit?action=test.many&page=3",
                     headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "tool t0" in last and "tool t1" not in last  # the oldest of nine, alone
    assert 'rel="prev"' in last and 'rel="next"' not in last
    few = admin.get("/admin/audit?action=test.many&object_id=t1",
                    headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "1 entry" in few and "More than" not in few


def test_audit_page_reports_a_bad_date_instead_of_failing(client_as):
    response = client_as(Role.ADMIN).get("/admin/audit?from=yesterday")
    assert response.status_code == 200
    assert "YYYY-MM-DD" in response.get_data(as_text=True)
