"""Notices by e-mail: written with the event, delivered through a real SMTP server on loopback,
retried while the server is down, sent once, in the user's language, turned off by the user
where the rules allow it."""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta

from sqlalchemy import func, select, update

from consortium import clock, db
from consortium.audit.models import AuditEvent
from consortium.auth.models import Role, User
from consortium.governance import councils, meetings, motions, results
from consortium.governance.models import Motion
from consortium.governance.notices import remind_before_closing
from consortium.jobs.service import sweep
from consortium.notices.models import Notice, NoticeStatus
from consortium.notices.service import deliver
from tests.conftest import csrf_token, end_the_test_s_unit_of_work
from tests.costs.test_closing import BUDGET
from tests.costs.test_costs_api import SAMBRUK_FEES, setup  # noqa: F401  (the fixture)

EN = {"Accept-Language": "en"}


class Rep:
    """A representative by value: the sweep's app context ends the session its objects
    belong to, so tests keep ids and addresses."""

    def __init__(self, user):
        self.id, self.email = user.id, user.email

    @property
    def user(self):
        return db.session.get(User, self.id)


class Ref:
    def __init__(self, motion):
        self.id = motion.id


def board_vote(consortium, make_user, *, closes_at=None, title="Verksamhetsplan 2027"):
    """A board of Stockholm, Malmö and Katrineholm with one representative each, and an open
    motion. Returns (motion, {code: representative}), by value."""
    board = councils.create_council({"kind": "board", "name": "Styrelse"}, actor_label="test")
    councils.set_board_seats(board, ["0180", "1280", "0483"])
    reps = {code: db.session.scalar(select(User).where(
        User.municipality_id == consortium["municipalities"][code].id).order_by(User.id))
        for code in
        ("0180", "1280", "0483", "1860")}
    motion = motions.create_motion(board, {"title": title, "closes_at": closes_at},
                                   actor_label="test")
    motions.open_motion(motion, actor_label="test")
    return Ref(motion), {code: Rep(user) for code, user in reps.items()}


def outbox(kind=None):
    query = select(Notice).order_by(Notice.created_at, Notice.id)
    if kind:
        query = query.where(Notice.kind == kind)
    return list(db.session.scalars(query))


def run_sweep(app):
    end_the_test_s_unit_of_work()  # the worker sees what is committed
    with app.app_context():
        return sweep()


def test_an_opened_motion_mails_every_seat_in_its_language(app, consortium, make_user,
                                                          mail_server):
    mail_server.start()
    english = db.session.scalar(select(User).where(
        User.municipality_id == consortium["municipalities"]["1280"].id))
    english.lang = "en"
    db.session.commit()
    english = Rep(english)
    motion, reps = board_vote(consortium, make_user)
    written = [n.id for n in outbox("motion_opened")]
    users = sorted(n.user_id for n in outbox("motion_opened"))
    # Written in the transaction of the opening: one per representative of a seat
    assert users == sorted(reps[c].id for c in ("0180", "1280", "0483"))
    assert {n.status for n in outbox("motion_opened")} == {NoticeStatus.QUEUED}
    run_sweep(app)
    assert sorted(mail_server.inbox.ids()) == sorted(written)
    by_to = {str(m["To"]): m for m in mail_server.inbox.messages}
    swedish = by_to[reps["0180"].email]
    assert swedish["Subject"] == "Rösta för Stockholm: Verksamhetsplan 2027"
    plain = swedish.get_body(("plain",)).get_content()
    html = swedish.get_body(("html",)).get_content()
    link = f"http://127.0.0.1:5000/motions/{motion.id}/vote/0180"
    assert "Du får lägga rösten för Stockholm." in plain
    assert link in plain and f'href="{link}"' in html and "<h1" in html
    assert by_to[english.email]["Subject"] == "Vote for Malmö: Verksamhetsplan 2027"
    assert {n.status for n in outbox("motion_opened")} == {NoticeStatus.SENT}
    # Sent at most once: another sweep, or the same id delivered again, sends nothing
    run_sweep(app)
    with app.app_context():
        assert deliver(written[0]) == "not claimed"
    assert len(mail_server.inbox.messages) == 3


def test_nothing_is_lost_while_the_mail_server_is_down(app, consortium, make_user,
                                                       mail_server):
    board_vote(consortium, make_user)
    run_sweep(app)  # the server is down: every attempt fails and waits
    waiting = outbox("motion_opened")
    assert {(n.status, n.attempts) for n in waiting} == {(NoticeStatus.QUEUED, 1)}
    assert all(n.next_attempt_at > clock.now() for n in waiting)
    assert all("ConnectionRefusedError" in (n.error or "") for n in waiting)
    waiting = [n.id for n in waiting]
    mail_server.start()
    run_sweep(app)  # not yet due: backoff
    assert mail_server.inbox.messages == []
    db.session.execute(update(Notice).values(next_attempt_at=clock.now()))  # time passes
    db.session.commit()
    run_sweep(app)
    assert sorted(mail_server.inbox.ids()) == sorted(waiting)
    assert {(n.status, n.attempts) for n in outbox("motion_opened")} == {
        (NoticeStatus.SENT, 2)}


def test_without_a_mail_server_notices_go_to_the_log(app, consortium, make_user, caplog):
    assert not app.config["MAIL_SERVER"]
    motion, reps = board_vote(consortium, make_user)
    with caplog.at_level(logging.INFO, logger="consortium.notices.service"):
        run_sweep(app)
    assert f"/motions/{motion.id}/vote/0483" in caplog.text
    assert {n.status for n in outbox("motion_opened")} == {NoticeStatus.SENT}


def test_a_reminder_goes_once_to_the_seats_that_have_not_voted(app, consortium, make_user,
                                                               mail_server):
    mail_server.start()
    motion, reps = board_vote(consortium, make_user,
                              closes_at=clock.now() + timedelta(days=3))
    motions.cast_ballot(motion.id, "0180", "yes", reps["0180"].user)
    assert run_sweep(app)["remind_before_closing"] == 0  # not within 24 hours yet
    db.session.execute(update(Motion).where(Motion.id == motion.id)
                       .values(closes_at=clock.now() + timedelta(hours=23)))
    db.session.commit()
    assert run_sweep(app)["remind_before_closing"] == 1
    reminders = outbox("motion_reminder")
    assert sorted(n.user_id for n in reminders) == sorted([reps["1280"].id, reps["0483"].id])
    assert run_sweep(app)["remind_before_closing"] == 0
    with app.app_context():
        assert remind_before_closing() == 0
    subjects = sorted(str(m["Subject"]) for m in mail_server.inbox.messages
                      if "Påminnelse" in str(m["Subject"]))
    assert subjects == ["Påminnelse: Katrineholm har inte röstat om Verksamhetsplan 2027",
                        "Påminnelse: Malmö har inte röstat om Verksamhetsplan 2027"]


def test_a_motion_closes_itself_at_its_time_and_tells_every_seat(app, client, consortium,
                                                                 make_user, mail_server):
    mail_server.start()
    motion, reps = board_vote(consortium, make_user, closes_at=clock.now() + timedelta(hours=2))
    motions.cast_ballot(motion.id, "0180", "yes", reps["0180"].user)
    motions.cast_ballot(motion.id, "1280", "yes", reps["1280"].user)
    assert run_sweep(app)["close_motions_whose_time_has_come"] == 0
    db.session.execute(update(Motion).where(Motion.id == motion.id)
                       .values(closes_at=clock.now() - timedelta(seconds=1)))
    db.session.commit()
    assert run_sweep(app)["close_motions_whose_time_has_come"] == 1
    result = client.get(f"/api/v1/motions/{motion.id}/result", headers=consortium["admin"]).json
    assert result["outcome"] == "adopted" and result["yes"] == "2" and result["total"] == "3"
    assert len(outbox("motion_result")) == 3
    assert sum("Resultat: Verksamhetsplan 2027" == str(m["Subject"])
               for m in mail_server.inbox.messages) == 3


def test_a_read_after_the_closing_time_shows_closing_writes_nothing_and_takes_no_ballot(
        app, client, client_as, consortium, make_user, count_queries):
    motion, reps = board_vote(consortium, make_user, closes_at=clock.now() + timedelta(hours=2))
    db.session.execute(update(Motion).where(Motion.id == motion.id)
                       .values(closes_at=clock.now() - timedelta(seconds=1)))
    observer = client_as(Role.OBSERVER)
    db.session.commit()
    events_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    answer = client.get(f"/api/v1/motions/{motion.id}", headers=consortium["observer"]).json
    assert answer["status"] == "closing"  # the worker has not come yet; the read waits for it
    page = observer.get(f"/motions/{motion.id}", headers={"Accept-Language": "en"})
    assert "Closing: the votes are being counted" in page.get_data(as_text=True)
    late = client.post(f"/api/v1/motions/{motion.id}/ballots", headers=consortium["reps"]["0180"],
                       json={"municipality": "0180", "choice": "yes"})
    assert late.status_code == 409
    assert "closing time" in late.json["error"]["message"]
    assert db.session.get(Motion, motion.id, populate_existing=True).status.value == "open"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events_before
    assert run_sweep(app)["close_motions_whose_time_has_come"] == 1
    closed = client.get(f"/api/v1/motions/{motion.id}", headers=consortium["observer"]).json
    assert closed["status"] == "closed"


def test_a_closing_time_must_lie_in_the_future(client, consortium):
    board = client.post("/api/v1/councils", headers=consortium["admin"],
                        json={"kind": "board", "name": "Styrelse"}).json
    past = client.post(f"/api/v1/councils/{board['id']}/motions", headers=consortium["admin"],
                       json={"title": "X", "closes_at": "2020-01-01T12:00:00+01:00"})
    assert past.status_code == 422 and "closes_at" in past.json["error"]["fields"]
    naive = client.post(f"/api/v1/councils/{board['id']}/motions", headers=consortium["admin"],
                        json={"title": "X", "closes_at": "2030-01-01T12:00:00"})
    assert naive.status_code == 422
    made = client.post(f"/api/v1/councils/{board['id']}/motions", headers=consortium["admin"],
                       json={"title": "X", "closes_at": "2030-01-01T12:00:00+01:00"})
    assert made.status_code == 201 and made.json["closes_at"].startswith("2030-01-01T11:00")


def test_users_turn_off_what_they_may_and_not_what_asks_them_to_act(
        app, client_as, consortium, make_user, mail_server):
    mail_server.start()
    rep = client_as("representative", municipality=consortium["municipalities"]["0483"])
    rep_id = rep.user.id
    page = "/settings"
    html = rep.get(page, headers=EN).get_data(as_text=True)
    assert "Results of votes" in html and "A vote has opened" in html
    saved = rep.post(page, headers=EN, data={"csrf_token": csrf_token(rep, page),
                                             "budget_adopted": "y", "year_closed": "y"},
                     follow_redirects=True)
    assert "Your settings were saved." in saved.get_data(as_text=True)
    motion, reps = board_vote(consortium, make_user)
    assert rep_id in {n.user_id for n in outbox("motion_opened")}  # cannot be turned off
    results.close_motion(motion.id, actor_label="test")
    told = {n.user_id for n in outbox("motion_result")}
    assert rep_id not in told and reps["0483"].id in told


def test_minutes_ready_to_sign_go_to_the_signers(app, consortium, make_user, mail_server):
    mail_server.start()
    board = councils.create_council({"kind": "board", "name": "Styrelse"}, actor_label="test")
    meeting = meetings.create_meeting(board, clock.today(), "Stockholm", None,
                                      actor_label="test")
    chair = Rep(make_user("representative", municipality=consortium["municipalities"]["0180"],
                          name="Anna Ordförande"))
    adjuster = Rep(make_user("observer", name="Per Justerare"))
    meetings.set_officer(meeting, "chair", 1, "Anna Ordförande", chair.email)
    meetings.set_officer(meeting, "adjuster", 1, "Per Justerare", adjuster.email)
    meetings.set_meeting_status(meeting, "held")
    run_sweep(app)
    assert sorted(str(m["To"]) for m in mail_server.inbox.messages) == sorted(
        [chair.email, adjuster.email])
    assert all(str(m["Subject"]).startswith("Protokoll att justera: Styrelse")
               for m in mail_server.inbox.messages)


def test_the_calendar_feed_holds_meetings_and_closing_times(app, client, client_as, consortium,
                                                            make_user):
    from icalendar import Calendar

    motion, reps = board_vote(consortium, make_user,
                              closes_at=clock.now() + timedelta(days=2), title="Budget 2027")
    board_id = db.session.get(Motion, motion.id).council_id
    meeting = meetings.create_meeting(councils.get_council(board_id), date(2027, 3, 12),
                                      "Katrineholm", None, actor_label="test")
    rep = client_as("representative", municipality=consortium["municipalities"]["0483"])
    outsider = client_as("representative", municipality=consortium["municipalities"]["1860"])
    page = "/settings"
    made = rep.post("/settings/calendar", headers=EN, data={"csrf_token": csrf_token(rep, page)},
                    follow_redirects=True)
    html = made.get_data(as_text=True)
    assert "Your calendar address is ready." in html and 'data-copy="calendar-url"' in html
    token = db.session.get(User, rep.user.id).calendar_token
    assert token and f"http://127.0.0.1:5000/calendar/{token}.ics" in html
    feed = client.get(f"/calendar/{token}.ics")  # no sign-in: calendar programs have none
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = {str(e["uid"]): e for e in Calendar.from_ical(feed.data).walk("VEVENT")}
    assert str(events[f"meeting-{meeting.id}@consortium-registry"]["location"]) == "Katrineholm"
    closing = events[f"motion-{motion.id}-closes@consortium-registry"]
    assert "Budget 2027" in str(closing["summary"])
    assert closing.decoded("dtend") == db.session.get(Motion, motion.id).closes_at.replace(
        microsecond=0)
    # Laxå has no seat on the board: neither its meeting nor its vote is in Laxå's feed
    outsider.post("/settings/calendar", data={"csrf_token": csrf_token(outsider, page)})
    other = db.session.get(User, outsider.user.id).calendar_token
    assert "VEVENT" not in client.get(f"/calendar/{other}.ics").get_data(as_text=True)
    # A new address ends the old one; a wrong one is not found
    rep.post("/settings/calendar", data={"csrf_token": csrf_token(rep, page)})
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert client.get("/calendar/guess.ics").status_code == 404


def test_finance_of_the_municipalities_concerned_hear_of_adoption_and_closing(
        app, client, make_user, setup, mail_server):  # noqa: F811
    from consortium.members import service as members_service

    mail_server.start()
    finance = setup["finance"]
    tied = Rep(make_user("finance", municipality=members_service.get_by_code("0483"),
                         email="ekonomi@katrineholm.se"))
    make_user("finance", email="central@sambruk.se")  # consortium-wide: not "concerned"
    members_service.change_membership(members_service.get_by_code("0180"), "admit",
                                      date(2009, 1, 1))
    client.put("/api/v1/tools/provisum/budgets/2026", json=BUDGET, headers=finance)
    adopted = client.post("/api/v1/tools/provisum/budgets/2026/adopt", headers=finance).json
    share = next(line["amount"] for line in adopted["lines"] if line["code"] == "0483")
    assert [n.user_id for n in outbox("budget_adopted")] == [tied.id]  # only the tied one
    client.put("/api/v1/fees/2026", json=SAMBRUK_FEES, headers=finance)
    assert client.post("/api/v1/years/2026/close", headers=finance).status_code == 200
    assert [n.user_id for n in outbox("year_closed")] == [tied.id]
    total = client.get("/api/v1/municipalities/0483/statements/2026", headers=finance).json
    run_sweep(app)
    mails = {str(m["Subject"]): m.get_body(("plain",)).get_content()
             for m in mail_server.inbox.messages}
    assert set(mails) == {"Budget fastställd: Provisum 2026",
                          "År 2026 stängt: kostnadsunderlaget för Katrineholm är utfärdat"}
    kronor = share.replace(".", ",")
    whole, decimals = kronor.split(",")
    spaced = f"{int(whole):,}".replace(",", "\u00a0") + "," + decimals
    assert f"Andelen för Katrineholm är {spaced}\u00a0kr." in mails[
        "Budget fastställd: Provisum 2026"]
    assert "/costs/statements/0483/2026" in mails[
        "År 2026 stängt: kostnadsunderlaget för Katrineholm är utfärdat"]
    assert total["closed"] is True


def test_a_proxy_holder_is_told_once_per_seat_they_may_cast(app, consortium, make_user,
                                                             mail_server):
    from consortium.governance import proxies

    mail_server.start()
    board = councils.create_council({"kind": "board", "name": "Styrelse"}, actor_label="test")
    councils.set_board_seats(board, ["0180", "1280", "0483"])
    holder = db.session.scalar(select(User).where(
        User.municipality_id == consortium["municipalities"]["0483"].id))
    proxies.create_proxy(board, {"principal": "1280", "holder": holder.email,
                                 "valid_from": clock.today(), "valid_until": clock.today(),
                                 "reference": "KS 2026/12"})
    holder = Rep(holder)
    motion = motions.create_motion(board, {"title": "Budget 2027"}, actor_label="test")
    motions.open_motion(motion, actor_label="test")
    run_sweep(app)
    to_holder = sorted(str(m["Subject"]) for m in mail_server.inbox.messages
                       if str(m["To"]) == holder.email)
    assert to_holder == ["Rösta för Katrineholm: Budget 2027", "Rösta för Malmö: Budget 2027"]
    assert len(mail_server.inbox.messages) == 4  # Stockholm, Malmö, and the holder twice


def test_absurd_closing_times_are_refused_not_a_500(client, client_as, consortium):
    """Issue 22, item 9: 9999-12-31T23:59:59-23:59 was an OverflowError (500)."""
    board = client.post("/api/v1/councils", headers=consortium["admin"],
                        json={"kind": "board", "name": "Styrelse"}).json
    for absurd in ("9999-12-31T23:59:59-23:59", "9999-12-31T23:59:59+00:00",
                   "2101-01-01T00:00:00+01:00"):
        answer = client.post(f"/api/v1/councils/{board['id']}/motions",
                             headers=consortium["admin"], json={"title": "X", "closes_at": absurd})
        assert answer.status_code == 422, (absurd, answer.status_code)
        assert "before 2101" in answer.json["error"]["fields"]["closes_at"]
    admin = client_as(Role.ADMIN)
    page = f"/councils/{board['id']}"
    for typed in ("9999-12-31T23:59", "0001-01-01T00:00"):
        form = admin.get(page, headers=EN).get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        answer = admin.post(f"/councils/{board['id']}/motions", headers=EN, data={
            "csrf_token": token, "title": "X", "weighting": "equal", "majority": "simple",
            "quorum_percent": "50", "tie_break": "rejected", "meeting": "", "closes_at": typed},
            follow_redirects=True)
        assert answer.status_code == 200, typed  # back on the council page, told why
        html = answer.get_data(as_text=True)
        assert "The closing time must lie" in html, typed
