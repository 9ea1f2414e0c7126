"""The office prepares an election and a vote between proposals on the council's page; a
representative votes on the phone page (checkboxes, at most n; radio buttons of the
proposals); the poll's page, the result PDF and the protocol show scores, the elected, the
lot and the decision's effect."""

from __future__ import annotations

from tests.conftest import csrf_token
from tests.documents.test_documents import text_of
from tests.governance.test_governance_api import council

EN = {"Accept-Language": "en"}


def office_does(office, poll_url: str, action: str) -> None:
    """The office opens or closes (confirming) the poll from its page."""
    office.post(f"{poll_url}/{action}", headers=EN, data={
        "csrf_token": csrf_token(office, poll_url), "confirmed": "yes"})


def test_an_election_is_prepared_voted_and_shown_in_the_browser(client, consortium,
                                                                client_as):
    c = consortium
    assembly = council(client, c)
    board = council(client, c, "board")
    office = client_as("admin")
    page = office.get(f"/councils/{assembly['id']}", headers=EN).get_data(as_text=True)
    assert "Prepare an election" in page and "Propose a motion" in page
    new = office.get(f"/councils/{assembly['id']}/elections/new", headers=EN)
    assert new.status_code == 200 and "Positions to fill" in new.get_data(as_text=True)
    assert "Counter-proposals" in office.get(f"/councils/{assembly['id']}/motions/new",
                                             headers=EN).get_data(as_text=True)
    assert client_as("observer").get(
        f"/councils/{assembly['id']}/elections/new").status_code == 403
    made = office.post(f"/councils/{assembly['id']}/elections", data={
        "csrf_token": csrf_token(office, f"/councils/{assembly['id']}/elections/new"),
        "title": "Val av styrelse", "meeting": "", "positions": "2", "weighting": "equal",
        "quorum_percent": "50", "secret": "y", "candidates": "0180\n1280\n0483\n1860",
        "board": str(board["id"]), "seats_from": "2026-07-01"})
    assert made.status_code == 302 and "/motions/" in made.location, made.location
    election_id = int(made.location.rsplit("/", 1)[1])
    shown = office.get(made.location, headers=EN).get_data(as_text=True)
    assert "Candidates" in shown and "Laxå (1860)" in shown
    assert "The elected hold the seats of Styrelse from 2026-07-01" in shown
    office_does(office, made.location, "open")
    voter = client_as("representative", municipality=c["municipalities"]["0483"])
    vote_page = voter.get(f"/motions/{election_id}/vote", headers=EN).get_data(as_text=True)
    assert 'type="checkbox"' in vote_page and "Mark at most 2 candidates" in vote_page
    token = csrf_token(voter, f"/motions/{election_id}/vote")
    too_many = voter.post(f"/motions/{election_id}/vote", headers=EN, data={
        "csrf_token": token, "candidates": ["0180", "1280", "0483"]})
    assert too_many.status_code == 409 and "at most 2" in too_many.get_data(as_text=True)
    cast = voter.post(f"/motions/{election_id}/vote", headers=EN, data={
        "csrf_token": token, "candidates": ["0483", "1860"]})
    receipt = cast.get_data(as_text=True)
    assert cast.status_code == 200 and "Katrineholm, Laxå" in receipt
    assert "Katrineholm, Laxå" not in voter.get(
        f"/motions/{election_id}/ballots/0483").get_data(as_text=True)  # secret: shown once
    for code, marks in (("0180", ["0483"]), ("1280", ["0483", "1280"])):
        client.post(f"/api/v1/elections/{election_id}/ballots", headers=c["reps"][code],
                    json={"municipality": code, "candidates": marks})
    office_does(office, made.location, "close")
    result_page = office.get(made.location, headers=EN).get_data(as_text=True)
    assert "Elected: Katrineholm, " in result_page
    assert "hold the seats from 2026-07-01" in result_page
    person = office.post(f"/councils/{assembly['id']}/elections", data={
        "csrf_token": csrf_token(office, f"/councils/{assembly['id']}"), "meeting": "",
        "title": "Val", "positions": "1", "weighting": "equal", "quorum_percent": "50",
        "candidates": "Anna Revisor", "board": str(board["id"]), "seats_from": "2027-01-01"},
        follow_redirects=True, headers=EN).get_data(as_text=True)
    assert "a candidate is a person" in person
    pdf = " ".join(text_of(office.get(f"/motions/{election_id}/result.pdf",
                                      headers={"Accept-Language": "en"}).data).split())
    assert "Score" in pdf and "Elected" in pdf and "Katrineholm" in pdf


def test_a_vote_between_proposals_in_the_browser(client, consortium, client_as):
    c = consortium
    assembly = council(client, c)
    office = client_as("admin")
    made = office.post(f"/councils/{assembly['id']}/motions", data={
        "csrf_token": csrf_token(office, f"/councils/{assembly['id']}"),
        "title": "Medlemsavgifter 2027", "meeting": "", "text": "Oförändrade avgifter",
        "counter_proposals": "Sänkta avgifter\n", "weighting": "equal", "majority": "simple",
        "quorum_percent": "50", "tie_break": "rejected"})
    assert made.status_code == 302 and "/motions/" in made.location
    motion_id = int(made.location.rsplit("/", 1)[1])
    office_does(office, made.location, "open")
    voter = client_as("representative", municipality=c["municipalities"]["1280"])
    page = voter.get(f"/motions/{motion_id}/vote", headers=EN).get_data(as_text=True)
    assert "1. Oförändrade avgifter" in page and "2. Sänkta avgifter" in page
    token = csrf_token(voter, f"/motions/{motion_id}/vote")
    cast = voter.post(f"/motions/{motion_id}/vote", data={"csrf_token": token,
                                                          "choice": "2"})
    assert cast.status_code == 303
    assert "Sänkta avgifter" in voter.get(cast.location).get_data(as_text=True)
    for code, number in (("0180", 2), ("0483", 1)):
        client.post(f"/api/v1/motions/{motion_id}/ballots", headers=c["reps"][code],
                    json={"municipality": code, "proposal": number})
    office_does(office, made.location, "close")
    shown = office.get(made.location, headers=EN).get_data(as_text=True)
    assert "Proposal 2 is adopted" in shown and "By lot (between proposals)" in shown
