"""SPEC "Voting register": once a meeting's register is fixed, a vote of that meeting has as
seats exactly the seats the register lists as represented, its quorum is measured against
their weight, an absent seat casts no ballot and is told nothing, and a later dated change of
the register counts for the votes opened after it. A per-capsulam vote keeps the council's
seats of the day."""

from __future__ import annotations

from sqlalchemy import select

from consortium import db
from consortium.notices.models import Notice
from tests.documents.test_documents import text_of
from tests.governance.test_roll import stamma


def motion_on(client, c, meeting_id, assembly_id, **fields):
    made = client.post(f"/api/v1/councils/{assembly_id}/motions", headers=c["admin"], json={
        "title": "Verksamhetsplan", "meeting_id": meeting_id, **fields})
    assert made.status_code == 201, made.json
    return made.json["id"]


def seats_of(client, c, motion_id):
    return {s["code"] for s in client.get(f"/api/v1/motions/{motion_id}",
                                          headers=c["observer"]).json["seats"]}


def test_the_fixed_register_decides_the_seats_quorum_ballots_and_notices(client, consortium):
    c = consortium
    meeting_id = stamma(client, c)  # Stockholm, Malmö present; Laxå by proxy; Katrineholm not
    assembly_id = client.get(f"/api/v1/meetings/{meeting_id}",
                             headers=c["observer"]).json["council"]
    assert client.post(f"/api/v1/meetings/{meeting_id}/roll",
                       headers=c["admin"]).status_code == 200
    motion_id = motion_on(client, c, meeting_id, assembly_id, quorum_percent=100)
    assert client.post(f"/api/v1/motions/{motion_id}/open",
                       headers=c["admin"]).status_code == 200
    assert seats_of(client, c, motion_id) == {"0180", "1280", "1860"}
    absent = client.post(f"/api/v1/motions/{motion_id}/ballots", headers=c["reps"]["0483"],
                         json={"municipality": "0483", "choice": "yes"})
    assert absent.status_code == 403
    told = {n.params["seat"] for n in db.session.scalars(select(Notice).where(
        Notice.kind == "motion_opened"))}
    assert told == {"Stockholm", "Malmö", "Laxå"}  # Laxå to its proxy holder; not Katrineholm
    for code in ("0180", "1280"):
        assert client.post(f"/api/v1/motions/{motion_id}/ballots", headers=c["reps"][code],
                           json={"municipality": code, "choice": "yes"}).status_code == 201
    holder = c["reps"]["0483"]  # Katrineholm's representative holds Laxå's fullmakt
    assert client.post(f"/api/v1/motions/{motion_id}/ballots", headers=holder,
                       json={"municipality": "1860", "choice": "no"}).status_code == 201
    result = client.post(f"/api/v1/motions/{motion_id}/close", headers=c["admin"]).json
    # W = 3 represented seats (not 4): everyone voted, so a 100 % quorum is met.
    assert (result["total"], result["participating"], result["quorum_met"]) == ("3", "3", True)
    assert result["outcome"] == "adopted"
    protocol = text_of(client.get(f"/api/v1/meetings/{meeting_id}/protocol.pdf",
                                  headers={**c["observer"], "Accept-Language": "en"}).data)
    beslutande = protocol.split("voting register", 1)[1].split("Secretary", 1)[0]
    assert "Stockholm (0180)" in beslutande and "Laxå (1860)" in beslutande
    assert "Katrineholm (0483)" not in beslutande
    assert "Not represented: 1 seat (Katrineholm)." in " ".join(beslutande.split())


def test_a_later_change_of_the_register_counts_for_votes_opened_after_it(client, consortium):
    c = consortium
    meeting_id = stamma(client, c)
    assembly_id = client.get(f"/api/v1/meetings/{meeting_id}",
                             headers=c["observer"]).json["council"]
    client.post(f"/api/v1/meetings/{meeting_id}/roll", headers=c["admin"])
    first = motion_on(client, c, meeting_id, assembly_id, weighting="population")
    client.post(f"/api/v1/motions/{first}/open", headers=c["admin"])
    client.post(f"/api/v1/meetings/{meeting_id}/roll/changes", headers=c["admin"], json={
        "municipality": "0483", "represented_by": "Kim Kvist", "reason": "Anlände före § 4"})
    client.post(f"/api/v1/meetings/{meeting_id}/roll/changes", headers=c["admin"], json={
        "municipality": "1280", "represented_by": "", "reason": "Lämnade mötet"})
    second = motion_on(client, c, meeting_id, assembly_id, weighting="population")
    client.post(f"/api/v1/motions/{second}/open", headers=c["admin"])
    assert seats_of(client, c, first) == {"0180", "1280", "1860"}
    assert seats_of(client, c, second) == {"0180", "0483", "1860"}
    weights = {s["code"]: s["weight"] for s in client.get(
        f"/api/v1/motions/{second}", headers=c["observer"]).json["seats"]}
    assert weights == {"0180": "935619", "0483": "33722", "1860": "5631"}


def test_a_per_capsulam_vote_and_an_unfixed_register_keep_the_councils_seats(client,
                                                                            consortium):
    c = consortium
    meeting_id = stamma(client, c)
    assembly_id = client.get(f"/api/v1/meetings/{meeting_id}",
                             headers=c["observer"]).json["council"]
    before_fixing = motion_on(client, c, meeting_id, assembly_id)
    client.post(f"/api/v1/motions/{before_fixing}/open", headers=c["admin"])
    per_capsulam = client.post(f"/api/v1/councils/{assembly_id}/motions", headers=c["admin"],
                               json={"title": "Per capsulam"}).json["id"]
    client.post(f"/api/v1/meetings/{meeting_id}/roll", headers=c["admin"])
    client.post(f"/api/v1/motions/{per_capsulam}/open", headers=c["admin"])
    everyone = {"0180", "1280", "0483", "1860"}
    assert seats_of(client, c, before_fixing) == everyone
    assert seats_of(client, c, per_capsulam) == everyone
