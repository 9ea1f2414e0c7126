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
