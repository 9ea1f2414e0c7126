"""SPEC "Notices": a meeting called (kallelse) tells the council's representatives and the
holders of proxies for the meeting its date, time, place and agenda, with the meeting as a
calendar invitation; called again it is an update of the same calendar event."""

from __future__ import annotations

from datetime import date, timedelta

from icalendar import Calendar
from sqlalchemy import select

from consortium import db
from consortium.auth.models import User
from consortium.notices.models import Notice
from consortium.notices.service import _message
from tests.governance.test_governance_api import council


def invitation_of(app, notice):
    with app.app_context():
        user = db.session.get(User, notice.user_id)
        message = _message(notice, user, app)
    parts = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1 and parts[0].get_filename() == "kallelse.ics"
    assert parts[0].get_param("method") == "REQUEST"
    return Calendar.from_ical(parts[0].get_content()), message


def test_calling_a_meeting_sends_the_kallelse_with_an_invitation(app, client, consortium):
    c = consortium
    assembly = council(client, c)
    day = date.today() + timedelta(days=20)
    meeting = client.post(f"/api/v1/councils/{assembly['id']}/meetings", headers=c["admin"],
                          json={"date": day.isoformat(), "time": "13:00",
                                "place": "Katrineholm, Stadshuset"}).json
    assert meeting["time"] == "13:00" and meeting["called_at"] is None
    called = client.post(f"/api/v1/meetings/{meeting['id']}/call", headers=c["admin"])
    assert called.status_code == 200 and called.json["called_at"]
    notices = list(db.session.scalars(select(Notice).where(Notice.kind == "meeting_called")))
    told = {db.session.get(User, n.user_id).municipality.code for n in notices}
    assert told == {"0180", "1280", "0483", "1860"}  # each seat's representative
    calendar, message = invitation_of(app, notices[0])
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["uid"]) == f"meeting-{meeting['id']}@consortium-registry"
    start = event.decoded("dtstart")
    assert (start.date(), start.strftime("%H:%M")) == (day, "13:00")
    assert str(event["location"]) == "Katrineholm, Stadshuset"
    assert int(event["sequence"]) == 0
    assert "§ 1 " in str(event["description"])
    text = message.get_body(("plain",)).get_content()
    assert day.isoformat() in text and "13:00" in text and "§ 1" in text
    again = client.post(f"/api/v1/meetings/{meeting['id']}/call", headers=c["admin"])
    assert again.status_code == 200
    updates = [n for n in db.session.scalars(select(Notice).where(
        Notice.kind == "meeting_called")) if n.params["update"]]
    assert len(updates) == 4
    calendar, _message_again = invitation_of(app, updates[0])
    assert int(next(iter(calendar.walk("VEVENT")))["sequence"]) == 1
    assert client.post(f"/api/v1/meetings/{meeting['id']}/call",
                       headers=c["observer"]).status_code == 403


def test_a_held_meeting_is_not_called(client, consortium):
    c = consortium
    assembly = council(client, c)
    meeting = client.post(f"/api/v1/councils/{assembly['id']}/meetings", headers=c["admin"],
                          json={"date": date.today().isoformat()}).json
    client.post(f"/api/v1/meetings/{meeting['id']}/held", headers=c["admin"])
    assert client.post(f"/api/v1/meetings/{meeting['id']}/call",
                       headers=c["admin"]).status_code == 409


def called_meeting(client, c, day):
    assembly = council(client, c)
    meeting = client.post(f"/api/v1/councils/{assembly['id']}/meetings", headers=c["admin"],
                          json={"date": day.isoformat(), "time": "13:00",
                                "place": "Katrineholm"}).json
    assert client.post(f"/api/v1/meetings/{meeting['id']}/call",
                       headers=c["admin"]).status_code == 200
    return assembly, meeting


def kallelser(call=None):
    """The kallelse notices, or those of one call (its number: 1 the first, 2 the next)."""
    return [n for n in db.session.scalars(select(Notice).where(
        Notice.kind == "meeting_called")) if call is None or f":call{call}:" in (n.once_key or "")]


def test_a_changed_meeting_is_called_again_as_an_update(app, client, consortium):
    c = consortium
    day = date.today() + timedelta(days=30)
    _assembly, meeting = called_meeting(client, c, day)
    url = f"/api/v1/meetings/{meeting['id']}"
    moved = client.patch(url, headers=c["admin"], json={"time": "09:30", "place": "Eskilstuna"})
    assert moved.status_code == 200 and moved.json["time"] == "09:30"
    updates = kallelser(2)
    assert len(updates) == 4 and all(n.params["update"] for n in updates)
    calendar, message = invitation_of(app, updates[0])
    event = next(iter(calendar.walk("VEVENT")))
    assert (event.decoded("dtstart").strftime("%H:%M"), str(event["location"]),
            int(event["sequence"])) == ("09:30", "Eskilstuna", 1)
    assert "Eskilstuna" in message.get_body(("plain",)).get_content()
    same = client.patch(url, headers=c["admin"], json={"place": "Eskilstuna"})
    assert same.status_code == 200 and len(kallelser()) == 8  # nothing changed: no mail
    other_year = client.patch(url, headers=c["admin"], json={
        "date": date(day.year + 1, 1, 15).isoformat()})
    assert other_year.status_code == 422 and "year" in other_year.json["error"]["message"]
    assert client.patch(url, headers=c["observer"], json={"place": "X"}).status_code == 403


def test_a_cancelled_meeting_cancels_the_calendar_event(app, client, consortium):
    c = consortium
    day = date.today() + timedelta(days=30)
    assembly, meeting = called_meeting(client, c, day)
    url = f"/api/v1/meetings/{meeting['id']}/cancel"
    assert client.post(url, headers=c["admin"], json={"reason": ""}).status_code == 422
    cancelled = client.post(url, headers=c["admin"], json={"reason": "Ingen ärenden."})
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    told = kallelser(2)
    assert len(told) == 4 and all(n.params["cancelled"] for n in told)
    with app.app_context():
        message = _message(told[0], db.session.get(User, told[0].user_id), app)
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == "CANCEL"
    event = next(iter(Calendar.from_ical(part.get_content()).walk("VEVENT")))
    assert (str(event["status"]), int(event["sequence"])) == ("CANCELLED", 1)
    assert "Ingen ärenden." in message.get_body(("plain",)).get_content()
    assert client.post(url, headers=c["admin"], json={"reason": "igen"}).status_code == 409
    motion = client.post(f"/api/v1/councils/{assembly['id']}/motions", headers=c["admin"],
                         json={"title": "X", "meeting_id": meeting["id"]})
    assert motion.status_code == 422
    assert client.post(f"/api/v1/meetings/{meeting['id']}/call",
                       headers=c["admin"]).status_code == 409
