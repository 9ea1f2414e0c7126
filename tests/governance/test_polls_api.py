"""SPEC "Disqualification, counter-proposals, elections" and "The lot" through the API:
a vote between proposals (relative majority, ties by the chair or the lot), an election
(at most n marks, weighted scores, the lot at the boundary, vacancies), each result
reproducible from what it prints."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from consortium import db
from consortium.auth.models import User
from consortium.governance.election_counting import lot_order
from consortium.notices.models import Notice
from consortium.notices.service import render
from tests.governance.test_governance_api import council

FEES = ["Styrelsens förslag: avgifterna 2027 oförändrade",
        "Motförslag från Malmö: avgifterna 2027 sänks med 10 %"]


def proposals(client, c, assembly_id, **fields):
    made = client.post(f"/api/v1/councils/{assembly_id}/motions", headers=c["admin"],
                       json={"title": "Medlemsavgifter 2027", "proposals": FEES, **fields})
    assert made.status_code == 201, made.json
    return made.json


def choose(client, c, motion_id, code, **body):
    return client.post(f"/api/v1/motions/{motion_id}/ballots", headers=c["reps"][code],
                       json={"municipality": code, **body})


def election(client, c, council_id, candidates, positions=3, **fields):
    made = client.post(f"/api/v1/councils/{council_id}/elections", headers=c["admin"],
                       json={"title": "Val av styrelse", "positions": positions,
                             "candidates": candidates, **fields})
    assert made.status_code == 201, made.json
    return made.json


def mark(client, c, election_id, code, labels):
    return client.post(f"/api/v1/elections/{election_id}/ballots", headers=c["reps"][code],
                       json={"municipality": code, "candidates": labels})


def test_the_proposal_with_the_largest_weight_is_adopted_and_every_weight_is_listed(
        client, consortium):
    c = consortium
    assembly = council(client, c)
    motion = proposals(client, c, assembly["id"], weighting="population")
    assert motion["kind"] == "proposals" and motion["tie_break"] == "lot"
    assert [p["number"] for p in motion["proposals"]] == [1, 2]
    assert client.post(f"/api/v1/motions/{motion['id']}/open",
                       headers=c["admin"]).status_code == 200
    assert choose(client, c, motion["id"], "0180", proposal=1).status_code == 201
    assert choose(client, c, motion["id"], "1280", proposal=2).status_code == 201
    assert choose(client, c, motion["id"], "0483", proposal=2).status_code == 201
    assert choose(client, c, motion["id"], "1860", choice="abstain").status_code == 201
    result = client.post(f"/api/v1/motions/{motion['id']}/close", headers=c["admin"]).json
    # Stockholm 935 619 against Malmö 328 494 + Katrineholm 33 722; Laxå abstains
    assert result["proposals"] == [{"number": 1, "weight": "935619"},
                                   {"number": 2, "weight": "362216"}]
    assert (result["outcome"], result["adopted_proposal"]) == ("adopted", 1)
    assert (result["abstain"], result["participating"], result["total"]) == (
        "5631", "1303466", "1303466")
    assert "lot_seed" not in result
    seats = {s["code"]: s.get("proposal") for s in result["seats"]}
    assert seats == {"0180": 1, "1280": 2, "0483": 2, "1860": None}


def test_a_tie_between_proposals_is_decided_by_the_lot_reproducibly(client, consortium):
    c = consortium
    assembly = council(client, c)
    motion = proposals(client, c, assembly["id"])
    client.post(f"/api/v1/motions/{motion['id']}/open", headers=c["admin"])
    for code, number in (("0180", 1), ("1280", 2), ("0483", 1), ("1860", 2)):
        assert choose(client, c, motion["id"], code, proposal=number).status_code == 201
    result = client.post(f"/api/v1/motions/{motion['id']}/close", headers=c["admin"]).json
    seed = result["lot_seed"]
    assert len(bytes.fromhex(seed)) == 32
    keys = {label: hashlib.sha256(f"{seed}|{label}".encode()).hexdigest()
            for label in ("1", "2")}
    winner = min(keys, key=keys.__getitem__)
    assert result["lot_order"] == lot_order(seed, ["1", "2"]) == sorted(keys, key=keys.get)
    assert result["adopted_proposal"] == int(winner) and result["outcome"] == "adopted"


def test_a_tie_between_proposals_goes_to_the_chairs_choice(client, consortium):
    c = consortium
    assembly = council(client, c, chair="1280")
    motion = proposals(client, c, assembly["id"], tie_break="chair")
    client.post(f"/api/v1/motions/{motion['id']}/open", headers=c["admin"])
    for code, number in (("0180", 1), ("1280", 2), ("0483", 1), ("1860", 2)):
        choose(client, c, motion["id"], code, proposal=number)
    result = client.post(f"/api/v1/motions/{motion['id']}/close", headers=c["admin"]).json
    assert (result["adopted_proposal"], result["decided_by_chair"]) == (2, True)


def test_bad_ballots_and_motions_between_proposals_are_refused(client, consortium):
    c = consortium
    assembly = council(client, c)
    url = f"/api/v1/councils/{assembly['id']}/motions"
    one = client.post(url, headers=c["admin"], json={"title": "X", "proposals": ["Bara en"]})
    assert one.status_code == 422 and "proposals" in one.json["error"]["fields"]
    blank = client.post(url, headers=c["admin"], json={"title": "X", "proposals": ["A", " "]})
    assert blank.status_code == 422
    two_thirds = client.post(url, headers=c["admin"], json={
        "title": "X", "proposals": FEES, "majority": "two_thirds"})
    assert two_thirds.status_code == 422 and "majority" in two_thirds.json["error"]["fields"]
    motion = proposals(client, c, assembly["id"])
    client.post(f"/api/v1/motions/{motion['id']}/open", headers=c["admin"])
    assert choose(client, c, motion["id"], "0180", proposal=3).status_code == 422
    assert choose(client, c, motion["id"], "0180", choice="yes").status_code == 422
    assert choose(client, c, motion["id"], "0180", proposal=2).status_code == 201
    assert choose(client, c, motion["id"], "0180", proposal=1).status_code == 409


def test_an_election_counts_weighted_marks_and_the_lot_orders_the_boundary(client,
                                                                          consortium):
    c = consortium
    assembly = council(client, c)
    candidates = [{"municipality": code} for code in ("0180", "1280", "0483", "1860")] + [
        {"name": "Anna Revisor"}]
    made = election(client, c, assembly["id"], candidates, positions=2)
    assert made["secret"] is True and made["kind"] == "election"
    assert [x["label"] for x in made["candidates"]] == [
        "0180", "1280", "0483", "1860", "Anna Revisor"]
    eid = made["id"]
    assert client.post(f"/api/v1/elections/{eid}/open", headers=c["admin"]).status_code == 200
    # 0180 and Anna get 2 each and 1280 gets 2: three tied for two places
    assert mark(client, c, eid, "0180", ["0180", "Anna Revisor"]).status_code == 201
    assert mark(client, c, eid, "1280", ["1280", "Anna Revisor"]).status_code == 201
    assert mark(client, c, eid, "0483", ["0180", "1280"]).status_code == 201
    assert mark(client, c, eid, "1860", []).status_code == 201  # blank
    result = client.post(f"/api/v1/elections/{eid}/close", headers=c["admin"]).json
    scores = {s["label"]: s["score"] for s in result["scores"]}
    assert scores == {"0180": "2", "1280": "2", "0483": "0", "1860": "0",
                      "Anna Revisor": "2"}
    assert (result["blank"], result["participating"], result["total"]) == ("1", "4", "4")
    order = lot_order(result["lot_seed"], ["0180", "1280", "Anna Revisor"])
    assert result["lot_order"] == order and result["elected"] == order[:2]
    assert result["vacant"] == 0 and result["outcome"] == "adopted"


def test_an_election_leaves_positions_vacant_and_needs_its_quorum(app, client, consortium):
    c = consortium
    assembly = council(client, c)
    eid = election(client, c, assembly["id"], [{"name": "Eva"}, {"name": "Olle"}],
                   positions=3, secret=False)["id"]
    client.post(f"/api/v1/elections/{eid}/open", headers=c["admin"])
    mark(client, c, eid, "0180", ["Eva"])
    mark(client, c, eid, "1280", ["Eva"])
    result = client.post(f"/api/v1/elections/{eid}/close", headers=c["admin"]).json
    assert (result["elected"], result["vacant"], "lot_seed" in result) == (["Eva"], 2, False)
    told = db.session.scalars(select(Notice).where(Notice.kind == "motion_result")).all()
    assert len(told) == 4 and {tuple(n.params["chosen"]) for n in told} == {("Eva",)}
    with app.app_context():
        _subject, text, _html = render(told[0], db.session.get(User, told[0].user_id), app)
    assert "Eva" in text
    late = election(client, c, assembly["id"], [{"name": "Eva"}], positions=1)["id"]
    client.post(f"/api/v1/elections/{late}/open", headers=c["admin"])
    mark(client, c, late, "0180", ["Eva"])
    result = client.post(f"/api/v1/elections/{late}/close", headers=c["admin"]).json
    assert (result["outcome"], result["elected"]) == ("no_quorum", [])


def test_bad_election_ballots_and_elections_are_refused_and_write_nothing(client,
                                                                         consortium):
    c = consortium
    assembly = council(client, c)
    url = f"/api/v1/councils/{assembly['id']}/elections"
    unknown = client.post(url, headers=c["admin"], json={
        "title": "Val", "positions": 1, "candidates": [{"municipality": "9999"}]})
    assert unknown.status_code == 422 and "9999" in unknown.json["error"]["fields"]["candidates"]
    twice = client.post(url, headers=c["admin"], json={
        "title": "Val", "positions": 1, "candidates": [{"name": "Eva"}, {"name": "Eva"}]})
    assert twice.status_code == 422
    assert client.post(url, headers=c["admin"], json={
        "title": "Val", "positions": 0, "candidates": [{"name": "Eva"}]}).status_code == 422
    eid = election(client, c, assembly["id"], [{"name": "Eva"}, {"name": "Olle"},
                                               {"name": "Per"}], positions=2)["id"]
    assert client.get(f"/api/v1/motions/{eid}", headers=c["observer"]).status_code == 404
    client.post(f"/api/v1/elections/{eid}/open", headers=c["admin"])
    too_many = mark(client, c, eid, "0180", ["Eva", "Olle", "Per"])
    assert too_many.status_code == 422 and "2" in too_many.json["error"]["message"]
    stranger = mark(client, c, eid, "0180", ["Lisa"])
    assert stranger.status_code == 422 and "Lisa" in stranger.json["error"]["message"]
    assert mark(client, c, eid, "0180", ["Eva", "Eva"]).status_code == 422
    assert client.get(f"/api/v1/elections/{eid}", headers=c["observer"]).json["ballots"] == 0
    assert mark(client, c, eid, "0180", ["Eva"]).status_code == 201
    assert mark(client, c, eid, "0180", ["Olle"]).status_code == 409
    other = mark(client, c, eid, "1280", ["Eva"])
    other_seat = client.post(f"/api/v1/elections/{eid}/ballots", headers=c["reps"]["0180"],
                             json={"municipality": "1280", "candidates": ["Eva"]})
    assert other.status_code == 201 and other_seat.status_code in (403, 409)


def test_the_live_tally_of_an_open_vote_and_of_a_secret_one(client, consortium,
                                                            count_queries):
    c = consortium
    assembly = council(client, c)
    open_vote = client.post(f"/api/v1/councils/{assembly['id']}/motions", headers=c["admin"],
                            json={"title": "Öppen", "weighting": "population"}).json["id"]
    client.post(f"/api/v1/motions/{open_vote}/open", headers=c["admin"])
    choose(client, c, open_vote, "0180", choice="yes")
    choose(client, c, open_vote, "1860", choice="no")
    with count_queries() as counted:
        tally = client.get(f"/api/v1/motions/{open_vote}/tally", headers=c["observer"]).json
    assert tally == {"motion": open_vote, "status": "open", "ballots": 2, "seats": 4,
                     "total": "1303466", "yes": "935619", "no": "5631", "abstain": "0"}
    assert counted.count <= 8  # the token and its user, the motion, the two counts (+ savepoints)
    secret = client.post(f"/api/v1/councils/{assembly['id']}/motions", headers=c["admin"],
                         json={"title": "Sluten", "secret": True}).json["id"]
    client.post(f"/api/v1/motions/{secret}/open", headers=c["admin"])
    choose(client, c, secret, "0180", choice="yes")
    tally = client.get(f"/api/v1/motions/{secret}/tally", headers=c["observer"]).json
    assert (tally["ballots"], tally["yes"], tally["no"]) == (1, None, None)
