"""SPEC "Notice board": /anslagstavla and its Atom feed, without login, list each signed
protocol of a public council with its dates (posted on the day of justering, the last day to
appeal three weeks later, taken down the day after) and the sealed PDF; nothing of a private
council, no draft or unsigned protocol, nothing else of the registry. One statement whatever
the number of protocols; ETag and Last-Modified answer 304."""

from __future__ import annotations

from datetime import UTC, date, datetime

import feedparser
import time_machine
from sqlalchemy import update

from consortium import db
from consortium.governance import councils, meetings
from consortium.governance.models import Meeting
from tests.documents.test_sealed_protocols import kept_protocol, sign_via_api

EN = {"Accept-Language": "en"}


def test_a_public_councils_signed_protocol_is_posted_without_login(app, client, consortium,
                                                                   make_user):
    c = consortium
    assembly, meeting = sign_via_api(client, c, make_user)
    public = app.test_client()  # nobody signed in
    page = public.get("/anslagstavla", headers=EN)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    assert "Föreningsstämma 2026:1" in html
    pdf_url = f"/anslagstavla/{meeting['id']}.pdf"
    assert pdf_url in html
    sealed = public.get(pdf_url)
    assert sealed.status_code == 200 and sealed.data.startswith(b"%PDF")
    assert sealed.data == kept_protocol(client, c, meeting)
    feed = feedparser.parse(public.get("/anslagstavla.atom", headers=EN).data)
    assert not feed.bozo and feed.feed.title.endswith("notice board (anslagstavla)")
    (entry,) = feed.entries
    assert entry.title == "Minutes Föreningsstämma 2026:1"
    assert entry.link.endswith(pdf_url)
    # nothing else is public
    assert public.get(f"/meetings/{meeting['id']}").status_code in (302, 401)
    assert public.get(f"/meetings/{meeting['id']}/protocol.pdf").status_code in (302, 401)
    # taken off the board: nothing of it stays public
    assert client.patch(f"/api/v1/councils/{assembly['id']}", headers=c["admin"],
                        json={"public": False}).json["public"] is False
    assert "2026:1" not in public.get("/anslagstavla", headers=EN).get_data(as_text=True)
    assert public.get(pdf_url).status_code == 404
    assert feedparser.parse(public.get("/anslagstavla.atom").data).entries == []


def test_unsigned_and_private_protocols_never_appear(app, client, consortium, make_user):
    c = consortium
    assembly, _signed = sign_via_api(client, c, make_user)
    held = client.post(f"/api/v1/councils/{assembly['id']}/meetings", headers=c["admin"],
                       json={"date": "2026-04-01", "place": "Laxå"}).json
    client.post(f"/api/v1/meetings/{held['id']}/held", headers=c["admin"])
    board = councils.create_council({"kind": "board", "name": "Styrelse"}, actor_label="t")
    private = meetings.create_meeting(board, date(2026, 3, 1), "Malmö", actor_label="t").id
    db.session.execute(update(Meeting).where(Meeting.id == private).values(
        minutes_locked_at=datetime(2026, 3, 2, 12, tzinfo=UTC), status="minutes_signed"))
    db.session.commit()
    public = app.test_client()
    html = public.get("/anslagstavla", headers=EN).get_data(as_text=True)
    assert "2026:1" in html and "2026:2" not in html and "Styrelse" not in html
    assert public.get(f"/anslagstavla/{held['id']}.pdf").status_code == 404
    assert public.get(f"/anslagstavla/{private}.pdf").status_code == 404
    assert public.get("/anslagstavla/999999.pdf").status_code == 404


def test_the_dates_run_over_the_year_end(app, client, consortium, make_user):
    c = consortium
    with time_machine.travel(datetime(2026, 12, 20, 15, 0, tzinfo=UTC), tick=False):
        _assembly, _meeting = sign_via_api(client, c, make_user, held_on=date(2026, 12, 18))
        html = app.test_client().get("/anslagstavla", headers=EN).get_data(as_text=True)
    assert "2026-12-20" in html and "2027-01-10" in html and "2027-01-11" in html
    with time_machine.travel(datetime(2027, 1, 10, 22, 59, tzinfo=UTC), tick=False):
        # 23.59 in Stockholm on the last day to appeal: still posted
        html = app.test_client().get("/anslagstavla", headers=EN).get_data(as_text=True)
        assert "Nothing is posted right now." not in html and "Taken down</h2>" not in html
    with time_machine.travel(datetime(2027, 1, 11, 9, 0, tzinfo=UTC), tick=False):
        html = app.test_client().get("/anslagstavla", headers=EN).get_data(as_text=True)
        assert "Nothing is posted right now." in html and "Taken down</h2>" in html
        assert "Föreningsstämma 2026:1" in html


def test_the_board_is_one_statement_and_answers_not_modified(app, client, consortium,
                                                             make_user, count_queries):
    c = consortium
    assembly, _meeting = sign_via_api(client, c, make_user)
    public = app.test_client()
    with count_queries() as few:
        first = public.get("/anslagstavla", headers=EN)
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = public.get("/anslagstavla", headers={**EN, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    since = public.get("/anslagstavla.atom", headers={
        "If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    # forty more signed protocols of public councils: still one statement
    for number in range(2, 42):
        db.session.add(Meeting(council_id=assembly["id"], year=2025, number=number,
                               held_on=date(2025, 1, 1), status="minutes_signed",
                               minutes_locked_at=datetime(2025, 1, 2, tzinfo=UTC)))
    db.session.commit()
    with count_queries() as many:
        page = public.get("/anslagstavla", headers=EN)
    assert page.status_code == 200 and page.headers["ETag"] != first.headers["ETag"]
    assert many.count == few.count <= 3


def test_the_api_serves_the_same_feed_without_a_token(app, client, consortium, make_user):
    c = consortium
    sign_via_api(client, c, make_user)
    public = app.test_client()
    answer = public.get("/api/v1/anslagstavla.atom", headers=EN)
    assert answer.status_code == 200 and answer.mimetype == "application/atom+xml"
    (entry,) = feedparser.parse(answer.data).entries
    assert entry.title == "Minutes Föreningsstämma 2026:1"
