"""Voting and the governance pages: what a representative and the office see and may do."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from consortium import clock, db
from consortium.governance import councils, meetings, motions, results
from consortium.governance.models import Ballot
from tests.conftest import csrf_token

EN = {"Accept-Language": "en"}


@pytest.fixture
def open_vote(consortium):
    board = councils.create_council({"kind": "board", "name": "Styrelse", "chair": "0180"},
                                   actor_label="test")
    councils.set_board_seats(board, ["0180", "1280", "0483"])
    motion = motions.create_motion(board, {"title": "Verksamhetsplan 2027",
                                           "text": "Förslaget"}, actor_label="test")
    motions.open_motion(motion, on=date(2026, 5, 1), actor_label="test")
    return motion


def rep(client_as, consortium, code):
    return client_as("representative", municipality=consortium["municipalities"][code])


def test_representative_sees_the_open_motion_on_the_home_page(client_as, consortium, open_vote):
    html = rep(client_as, consortium, "0180").get("/", headers=EN).get_data(as_text=True)
    assert "Verksamhetsplan 2027" in html and f"/motions/{open_vote.id}/vote" in html
    outsider = rep(client_as, consortium, "1860").get("/", headers=EN).get_data(as_text=True)
    assert "Verksamhetsplan 2027" not in outsider  # Laxå has no seat on the board


def test_voting_page_says_the_ballot_is_final_and_gives_a_receipt(client_as, consortium,
                                                                  open_vote):
    client = rep(client_as, consortium, "0180")
    page = f"/motions/{open_vote.id}/vote"
    html = client.get(page, headers=EN).get_data(as_text=True)
    assert "The ballot is final." in html
    missing = client.post(page, headers=EN, data={"csrf_token": csrf_token(client, page)})
    assert missing.status_code == 422 and "Choose yes, no or abstain." in \
        missing.get_data(as_text=True)
    response = client.post(page, headers=EN, data={"csrf_token": csrf_token(client, page),
                                                   "choice": "yes"})
    # Post/Redirect/Get: the ballot's own page, which reload and the back button find again
    assert response.status_code == 303
    ballot_page = f"/motions/{open_vote.id}/ballots/0180"
    assert response.headers["Location"] == ballot_page
    receipt = client.get(ballot_page, headers=EN).get_data(as_text=True)
    assert "Your ballot is cast." in receipt
    assert "The ballot of Stockholm" in receipt and ">Yes<" in receipt
    again = client.get(page, headers=EN)
    assert again.status_code == 303 and again.headers["Location"] == ballot_page
    reloaded = client.get(ballot_page, headers=EN).get_data(as_text=True)
    assert ">Yes<" in reloaded and "Your ballot is cast." not in reloaded
    second = client.post(page, headers=EN, data={"csrf_token": csrf_token(client, "/"),
                                                 "choice": "no"}, follow_redirects=True)
    assert second.status_code == 200
    assert "Stockholm has already voted; a ballot is final." in second.get_data(as_text=True)
    assert ">Yes<" in second.get_data(as_text=True)
    stored = db.session.scalars(select(Ballot).where(Ballot.motion_id == open_vote.id)).all()
    assert [(b.choice.value) for b in stored] == ["yes"]


def test_a_municipality_without_a_seat_is_told_so(client_as, consortium, open_vote):
    client = rep(client_as, consortium, "1860")
    page = f"/motions/{open_vote.id}/vote"
    response = client.post(page, headers=EN, data={"csrf_token": csrf_token(client, page),
                                                   "choice": "yes"})
    assert response.status_code == 409
    assert "Laxå has no seat in this vote." in response.get_data(as_text=True)
    assert client.get(f"/motions/{open_vote.id}/ballots/0180").status_code == 403
    assert not db.session.scalars(select(Ballot)).all()


def test_the_live_tally_weighs_each_ballot_by_its_seat(client_as, consortium):
    """The motion page counts from the seats it reads (their weights and choices), and shows
    the same figures as the API's running count."""
    board = councils.create_council({"kind": "board", "name": "Styrelse"}, actor_label="test")
    councils.set_board_seats(board, ["0180", "1280", "0483"])
    motion = motions.create_motion(board, {"title": "Taxa", "weighting": "population"},
                                   actor_label="test")
    motions.open_motion(motion, on=date(2026, 5, 1), actor_label="test")
    motions.cast_ballot(motion.id, "0180", "yes", rep(client_as, consortium, "0180").user)
    motions.cast_ballot(motion.id, "1280", "no", rep(client_as, consortium, "1280").user)
    html = client_as("admin").get(f"/motions/{motion.id}", headers=EN).get_data(as_text=True)
    assert "Live tally: yes 935,619 · no 328,494 · abstain 0 (of 1,297,835)" in html
    tally = client_as("admin").get(f"/api/v1/motions/{motion.id}/tally",
                                   headers=consortium["admin"]).json
    assert (tally["yes"], tally["no"], tally["total"]) == ("935619", "328494", "1297835")


@pytest.mark.parametrize("role", ["admin", "finance", "observer"])
def test_only_representatives_reach_the_voting_page(client_as, consortium, open_vote, role):
    assert client_as(role).get(f"/motions/{open_vote.id}/vote").status_code == 403


def test_admin_sees_the_live_tally_and_closes(client_as, consortium, open_vote):
    motions.cast_ballot(open_vote.id, "0180", "yes", rep(client_as, consortium, "0180").user)
    motions.cast_ballot(open_vote.id, "1280", "no", rep(client_as, consortium, "1280").user)
    admin = client_as("admin")
    page = f"/motions/{open_vote.id}"
    html = admin.get(page, headers=EN).get_data(as_text=True)
    assert "2 of 3 seats have voted." in html and "Live tally: yes 1 · no 1" in html
    observer_html = client_as("observer").get(page, headers=EN).get_data(as_text=True)
    assert "Live tally" not in observer_html
    asked = admin.post(f"{page}/close", headers=EN, data={"csrf_token": csrf_token(admin, page)})
    question = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Close the vote on Verksamhetsplan 2027" in question
    assert "1 of 3 seats has not voted; its ballot can no longer be cast." in question
    assert "<li>Katrineholm</li>" in question
    assert motions.get_motion(open_vote.id).status.value == "open"  # nothing happened yet
    closed = admin.post(f"{page}/close", headers=EN, follow_redirects=True, data={
        "csrf_token": csrf_token(admin, page), "confirmed": "yes"}).get_data(as_text=True)
    assert "The vote is closed and counted." in closed
    assert results.result_of(motions.get_motion(open_vote.id)).outcome.value == "rejected"


def test_secret_motion_pages_never_show_choices(client_as, consortium):
    board = councils.create_council({"kind": "board", "name": "Styrelse"}, actor_label="test")
    councils.set_board_seats(board, ["0180", "1280", "0483"])
    motion = motions.create_motion(board, {"title": "Val", "secret": True}, actor_label="test")
    motions.open_motion(motion, on=date(2026, 5, 1), actor_label="test")
    for code, choice in (("0180", "yes"), ("1280", "no"), ("0483", "yes")):
        motions.cast_ballot(motion.id, code, choice, rep(client_as, consortium, code).user)
    admin = client_as("admin")
    during = admin.get(f"/motions/{motion.id}", headers=EN).get_data(as_text=True)
    assert "3 of 3 seats have voted." in during and "Live tally" not in during
    results.close_motion(motion.id, actor_label="test")
    after = admin.get(f"/motions/{motion.id}", headers=EN).get_data(as_text=True)
    assert "Adopted" in after
    seats_table = after.split("Seats and weights")[1]
    assert ">Yes<" not in seats_table and ">No<" not in seats_table


def test_council_page_shows_seats_meetings_and_decisions(client_as, consortium, open_vote):
    html = client_as("observer").get(f"/councils/{open_vote.council_id}", headers=EN) \
        .get_data(as_text=True)
    assert "Seats today (3)" in html and "Verksamhetsplan 2027" in html


def test_admin_creates_council_meeting_and_motion_in_the_browser(client_as, consortium):
    admin = client_as("admin")
    created = admin.post("/councils/", data={"csrf_token": csrf_token(admin, "/councils/"),
                                             "kind": "tool", "name": "Förvaltningsråd Provisum",
                                             "tool": "provisum", "chair": "0180"})
    assert created.status_code == 302
    council_page = created.headers["Location"]
    meeting = admin.post(f"{council_page}/meetings", data={
        "csrf_token": csrf_token(admin, council_page), "held_on": "2026-06-01",
        "place": "Västerås", "chair": ""})
    assert meeting.status_code == 302
    meeting_html = admin.get(meeting.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Mötets öppnande" in meeting_html and "Meeting 2026:1" in meeting_html
    motion = admin.post(f"{council_page}/motions", data={
        "csrf_token": csrf_token(admin, council_page), "title": "Ny modul", "text": "",
        "meeting": "", "weighting": "equal", "majority": "simple", "quorum_percent": "50",
        "tie_break": "rejected"})
    assert motion.status_code == 302 and "/motions/" in motion.headers["Location"]


def test_non_admins_cannot_create_councils_or_open_votes(client_as, consortium, open_vote):
    finance = client_as("finance")
    assert finance.post("/councils/", data={"csrf_token": csrf_token(finance, "/councils/"),
                                            "kind": "board", "name": "X"}).status_code == 403
    page = f"/motions/{open_vote.id}"
    assert finance.post(f"{page}/close",
                        data={"csrf_token": csrf_token(finance, page)}).status_code == 403


def test_municipality_page_lists_its_ballots_without_secret_choices(client_as, consortium,
                                                                     open_vote):
    motions.cast_ballot(open_vote.id, "0180", "no", rep(client_as, consortium, "0180").user)
    html = client_as("observer").get("/municipalities/0180", headers=EN).get_data(as_text=True)
    assert "Verksamhetsplan 2027" in html and ">No<" in html


def test_council_and_meeting_pages_run_a_fixed_number_of_queries(client_as, consortium,
                                                                  count_queries):
    board = councils.create_council({"kind": "board", "name": "Styrelse", "chair": "0180"},
                                   actor_label="test")
    councils.set_board_seats(board, ["0180", "1280", "0483"])
    meeting = meetings.create_meeting(board, date(2026, 3, 1), "Västerås")

    def add(index):
        meetings.create_meeting(board, date(2026, 4, 1 + index), "Laxå")
        meetings.add_item(meeting, f"Ärende {index}", decision="Bifall")
        meetings.add_attendance(meeting, f"Person {index}", "ordinary", "0180")
        motion = motions.create_motion(board, {"title": f"Förslag {index}",
                                               "meeting_id": meeting.id}, actor_label="t")
        motions.open_motion(motion, on=date(2026, 3, 1))
        results.close_motion(motion.id)

    add(0)
    client = client_as("observer")
    pages = (f"/councils/{board.id}", f"/meetings/{meeting.id}")
    for page in pages:
        client.get(page)
    with count_queries() as few:
        for page in pages:
            client.get(page)
    for index in range(1, 7):
        add(index)
    with count_queries() as many:
        for page in pages:
            client.get(page)
    assert few.count == many.count


def test_board_seats_are_chosen_by_name(client_as, consortium):
    board = councils.create_council({"kind": "board", "name": "Styrelse"}, actor_label="test")
    admin = client_as("admin")
    page = f"/councils/{board.id}"
    bad = admin.post(f"{page}/seats", headers=EN, follow_redirects=True, data={
        "csrf_token": csrf_token(admin, page), "seats": "Stockholm\nAtlantis"})
    assert "No municipality is called “Atlantis”" in bad.get_data(as_text=True)
    assert councils.seat_names(board, clock.today()) == ([], 0)
    admin.post(f"{page}/seats", data={"csrf_token": csrf_token(admin, page),
                                      "seats": "Stockholm\nmalmö, 0483"})
    assert sorted(code for code, _name in councils.seat_names(board, clock.today())[0]) == \
        ["0180", "0483", "1280"]
    form = admin.get(page, headers=EN).get_data(as_text=True)
    assert "Katrineholm\nMalmö\nStockholm</textarea>" in form


def test_a_secret_choice_is_shown_in_the_answer_to_casting_and_never_kept_in_the_cookie(
        app, client_as, consortium):
    """Issue 22, item 10: the signed (not encrypted) session cookie held the secret choice in
    clear until the receipt was shown."""
    board = councils.create_council({"kind": "board", "name": "Styrelse"}, actor_label="test")
    councils.set_board_seats(board, ["0180", "1280", "0483"])
    motion = motions.create_motion(board, {"title": "Val", "secret": True}, actor_label="test")
    motions.open_motion(motion, on=date(2026, 5, 1), actor_label="test")
    client = rep(client_as, consortium, "0180")
    page = f"/motions/{motion.id}/vote"
    answer = client.post(page, headers=EN, data={"csrf_token": csrf_token(client, page),
                                                 "choice": "abstain"})
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert "Your ballot is cast." in html and ">Abstain<" in html
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    kept = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    assert "abstain" not in repr(kept) and "secret_choice" not in kept
    again = client.get(f"/motions/{motion.id}/ballots/0180", headers=EN).get_data(as_text=True)
    assert "The ballot of Stockholm" in again and ">Abstain<" not in again
