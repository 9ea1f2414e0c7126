"""Irreversible actions in the browser ask first, on a page of their own (no script), and act
only on the confirmed second post."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from consortium import db
from consortium.costs.models import ClosedYear
from consortium.governance import councils, meetings
from consortium.governance.models import MeetingSignature
from consortium.members import service as members
from tests.conftest import csrf_token
from tests.costs.test_closing import BUDGET
from tests.costs.test_costs_api import SAMBRUK_FEES, setup  # noqa: F401  (the fixture)

EN = {"Accept-Language": "en"}


def test_closing_a_year_asks_first(client, client_as, setup):  # noqa: F811
    finance = setup["finance"]
    members.change_membership(members.get_by_code("0180"), "admit", date(2009, 1, 1))
    client.put("/api/v1/tools/provisum/budgets/2026", json=BUDGET, headers=finance)
    client.post("/api/v1/tools/provisum/budgets/2026/adopt", headers=finance)
    client.put("/api/v1/fees/2026", json=SAMBRUK_FEES, headers=finance)
    officer = client_as("finance")
    page = "/costs/2026"
    asked = officer.post(f"{page}/close", headers=EN,
                         data={"csrf_token": csrf_token(officer, page)})
    assert asked.status_code == 200 and "Close 2026?" in asked.get_data(as_text=True)
    assert db.session.scalar(select(ClosedYear).where(ClosedYear.year == 2026)) is None
    done = officer.post(f"{page}/close", headers=EN, follow_redirects=True, data={
        "csrf_token": csrf_token(officer, page), "confirmed": "yes"})
    assert "2026 is closed. Its statements are final." in done.get_data(as_text=True)
    assert db.session.scalar(select(ClosedYear).where(ClosedYear.year == 2026)) is not None


def test_signing_the_minutes_asks_first(client_as, consortium, make_user):
    chair = client_as("representative", municipality=consortium["municipalities"]["0180"],
                      email="ordf@example.se")
    board = councils.create_council({"kind": "board", "name": "Styrelse"}, actor_label="test")
    meeting = meetings.create_meeting(board, date(2026, 3, 18), "Västerås", None,
                                      actor_label="test")
    meetings.set_officer(meeting, "chair", 1, "Åsa Öberg", "ordf@example.se")
    adjuster = make_user("observer", email="just@example.se")
    meetings.set_officer(meeting, "adjuster", 1, "Per Justerare", adjuster.email)
    meetings.set_meeting_status(meeting, "held")
    page = f"/meetings/{meeting.id}"
    asked = chair.post(f"{page}/sign", headers=EN, data={"csrf_token": csrf_token(chair, page)})
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert "Sign the minutes of Styrelse 2026:1 (2026-03-18)?" in html
    assert "A signature cannot be withdrawn." in html
    assert db.session.scalars(select(MeetingSignature)).all() == []
    signed = chair.post(f"{page}/sign", headers=EN, follow_redirects=True, data={
        "csrf_token": csrf_token(chair, page), "confirmed": "yes"})
    assert "Your signature was recorded." in signed.get_data(as_text=True)
    assert len(db.session.scalars(select(MeetingSignature)).all()) == 1
