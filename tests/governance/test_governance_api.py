"""Councils, meetings, motions, ballots and results through the API."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from consortium import clock, db
from consortium.audit.models import AuditEvent
from consortium.governance import sealing
from consortium.governance.models import Ballot, SealedBallot
from consortium.members import service as members


def council(client, c, kind="assembly", **extra):
    body = {"kind": kind, "name": {"assembly": "Föreningsstämma", "board": "Styrelse",
                                   "tool": "Förvaltningsråd Provisum"}[kind], **extra}
    response = client.post("/api/v1/councils", json=body, headers=c["admin"])
    assert response.status_code == 201, response.json
    return response.json


def motion(client, c, council_id, **fields):
    body = {"title": "Budget 2027", "text": "Förslag", **fields}
    response = client.post(f"/api/v1/councils/{council_id}/motions", json=body,
                           headers=c["admin"])
    assert response.status_code == 201, response.json
    return response.json["id"]


def vote(client, c, motion_id, code, choice):
    return client.post(f"/api/v1/motions/{motion_id}/ballots",
                       json={"municipality": code, "choice": choice}, headers=c["reps"][code])


def test_seats_are_derived_from_membership_and_participation(client, consortium):
    c = consortium
    assembly = council(client, c)
    assert sorted(assembly["seats"]) == ["0180", "0483", "1280", "1860"]
    tool_council = council(client, c, "tool", tool="provisum", chair="0180")
    assert sorted(tool_council["seats"]) == ["0180", "0483", "1860"]
    board = council(client, c, "board")
    assert board["seats"] == []
    seated = client.put(f"/api/v1/councils/{board['id']}/seats", json={"seats": ["0180", "1280"]},
                        headers=c["admin"])
    assert sorted(seated.json["seats"]) == ["0180", "1280"]
    members.change_membership(members.get_by_code("1860"), "resign", date(2020, 12, 31))
    again = client.get(f"/api/v1/councils/{assembly['id']}", headers=c["observer"]).json
    assert sorted(again["seats"]) == ["0180", "0483", "1280"]


def test_council_validation(client, consortium):
    c = consortium
    assert client.post("/api/v1/councils", json={"kind": "tool", "name": "X"},
                       headers=c["admin"]).status_code == 422
    council(client, c, "tool", tool="provisum")
    again = client.post("/api/v1/councils", json={"kind": "tool", "name": "Y",
                                                  "tool": "provisum"}, headers=c["admin"])
    assert again.status_code == 422 and "tool" in again.json["error"]["fields"]
    assert client.post("/api/v1/councils", json={"kind": "assembly", "name": "Z"},
                       headers=c["observer"]).status_code == 403


def test_a_whole_vote_with_equal_weights(client, consortium):
    c = consortium
    motion_id = motion(client, c, council(client, c)["id"])
    assert vote(client, c, motion_id, "0180", "yes").status_code == 409  # not open yet
    opened = client.post(f"/api/v1/motions/{motion_id}/open", headers=c["admin"])
    assert opened.status_code == 200 and opened.json["status"] == "open"
    assert {s["code"]: s["weight"] for s in opened.json["seats"]} == {
        "0180": "1", "1280": "1", "0483": "1", "1860": "1"}
    first = vote(client, c, motion_id, "0180", "yes")
    assert first.status_code == 201 and first.json["choice"] == "yes"
    assert len(first.json["receipt"]) == 16
    assert vote(client, c, motion_id, "0180", "no").status_code == 409  # a ballot is final
    other = client.post(f"/api/v1/motions/{motion_id}/ballots",
                        json={"municipality": "1280", "choice": "no"}, headers=c["reps"]["0180"])
    assert other.status_code == 403  # not your municipality
    assert vote(client, c, motion_id, "1280", "maybe").status_code == 422
    assert vote(client, c, motion_id, "1280", "no").status_code == 201
    assert vote(client, c, motion_id, "0483", "yes").status_code == 201
    assert client.get(f"/api/v1/motions/{motion_id}/result",
                      headers=c["observer"]).status_code == 409  # not closed
    closed = client.post(f"/api/v1/motions/{motion_id}/close", headers=c["admin"])
    assert closed.status_code == 200
    result = closed.json
    assert (result["outcome"], result["yes"], result["no"], result["abstain"],
            result["participating"], result["total"], result["quorum_met"]) == (
        "adopted", "2", "1", "0", "3", "4", True)
    assert {s["code"]: s["choice"] for s in result["seats"]} == {
        "0180": "yes", "1280": "no", "0483": "yes", "1860": None}
    assert vote(client, c, motion_id, "1860", "yes").status_code == 409  # closed
    assert client.post(f"/api/v1/motions/{motion_id}/close",
                       headers=c["admin"]).status_code == 409


def test_admins_and_observers_cannot_vote(client, consortium, api_token):
    c = consortium
    motion_id = motion(client, c, council(client, c)["id"])
    client.post(f"/api/v1/motions/{motion_id}/open", headers=c["admin"])
    for headers in (c["admin"], c["observer"]):
        assert client.post(f"/api/v1/motions/{motion_id}/ballots",
                           json={"municipality": "0180", "choice": "yes"},
                           headers=headers).status_code == 403


def test_a_municipality_without_a_seat_is_refused(client, consortium):
    c = consortium
    tool_council = council(client, c, "tool", tool="provisum")
    motion_id = motion(client, c, tool_council["id"])
    client.post(f"/api/v1/motions/{motion_id}/open", headers=c["admin"])
    response = vote(client, c, motion_id, "1280", "yes")  # Malmö does not use Provisum
    assert response.status_code == 403 and "no seat" in response.json["error"]["message"]


def test_population_weighting_uses_the_latest_common_year(client, consortium):
    c = consortium
    members.set_population(members.get_by_code("0180"), 2024, 984_748)
    motion_id = motion(client, c, council(client, c)["id"], weighting="population",
                       majority="simple")
    opened = client.post(f"/api/v1/motions/{motion_id}/open", headers=c["admin"]).json
    assert opened["population_year"] == 2016  # 2024 is not known for every seat
    assert {s["code"]: s["weight"] for s in opened["seats"]} == {
        "0180": "935619", "1280": "328494", "0483": "33722", "1860": "5631"}
    vote(client, c, motion_id, "0180", "no")
    for code in ("1280", "0483", "1860"):
        vote(client, c, motion_id, code, "yes")
    result = client.post(f"/api/v1/motions/{motion_id}/close", headers=c["admin"]).json
    assert (result["yes"], result["no"], result["total"], result["outcome"]) == (
        "367847", "935619", "1303466", "rejected")
    # later figures never change a stored result
    members.set_population(members.get_by_code("1860"), 2015, 1)
    assert client.get(f"/api/v1/motions/{motion_id}/result",
                      headers=c["observer"]).json["yes"] == "367847"


def test_population_weighting_names_seats_without_figures(client, consortium,
                                                           make_municipality):
    c = consortium
    bjuv = make_municipality("1260", "Bjuv", "Skåne län")
    members.change_membership(bjuv, "admit", date(2015, 1, 1))
    motion_id = motion(client, c, council(client, c)["id"], weighting="population")
    response = client.post(f"/api/v1/motions/{motion_id}/open", headers=c["admin"])
    assert response.status_code == 422 and "Bjuv (1260)" in response.json["error"]["message"]


def test_cost_share_weighting_reads_the_adopted_allocation(client, consortium):
    from consortium.costs import keys
    from consortium.costs import service as costs

    c = consortium
    year = clock.today().year
    budget, _ = costs.set_budget(c["tool"], year, 300_000,
                                 keys.key_from_data({"method": "equal"}))
    costs.adopt(budget)
    tool_council = council(client, c, "tool", tool="provisum")
    motion_id = motion(client, c, tool_council["id"], weighting="cost_share",
                       majority="absolute")
    opened = client.post(f"/api/v1/motions/{motion_id}/open", headers=c["admin"]).json
    assert {s["code"]: s["weight"] for s in opened["seats"]} == {
        "0180": "100000", "0483": "100000", "1860": "100000"}
    assembly = council(client, c)
    refused = client.post(f"/api/v1/councils/{assembly['id']}/motions", headers=c["admin"],
                          json={"title": "X", "weighting": "cost_share"})
    assert refused.status_code == 422 and "weighting" in refused.json["error"]["fields"]


def test_cost_share_without_adopted_budget_cannot_open(client, consortium):
    c = consortium
    motion_id = motion(client, c, council(client, c, "tool", tool="provisum")["id"],
                       weighting="cost_share")
    assert client.post(f"/api/v1/motions/{motion_id}/open",
                       headers=c["admin"]).status_code == 422


@pytest.mark.parametrize(("chair_choice", "outcome"), [("yes", "adopted"), ("no", "rejected")])
def test_the_meeting_chair_breaks_a_tie(client, consortium, chair_choice, outcome):
    c = consortium
    assembly = council(client, c, chair="1280")  # the standing chair is Malmö
    meeting = client.post(f"/api/v1/councils/{assembly['id']}/meetings", headers=c["admin"],
                          json={"date": "2026-05-12", "place": "Katrineholm", "chair": "0483"})
    assert meeting.status_code == 201
    motion_id = motion(client, c, assembly["id"], meeting_id=meeting.json["id"],
                       tie_break="chair")
    client.post(f"/api/v1/motions/{motion_id}/open", headers=c["admin"])
    vote(client, c, motion_id, "0180", "yes")
    vote(client, c, motion_id, "1860", "no")
    vote(client, c, motion_id, "0483", chair_choice)  # the meeting's chair: Katrineholm
    vote(client, c, motion_id, "1280", "yes" if chair_choice == "no" else "no")
    result = client.post(f"/api/v1/motions/{motion_id}/close", headers=c["admin"]).json
    assert (result["yes"], result["no"], result["outcome"], result["decided_by_chair"]) == (
        "2", "2", outcome, True)


def test_per_capsulam_motion_uses_the_standing_chair(client, consortium):
    c = consortium
    assembly = council(client, c, chair="1280")
    motion_id = motion(client, c, assembly["id"], tie_break="chair")
    client.post(f"/api/v1/motions/{motion_id}/open", headers=c["admin"])
    vote(client, c, motion_id, "1280", "yes")
    vote(client, c, motion_id, "0180", "no")
    result = client.post(f"/api/v1/motions/{motion_id}/close", headers=c["admin"]).json
    assert result["outcome"] == "adopted" and result["decided_by_chair"] is True


def test_secret_motion_keeps_choices_apart_from_municipalities(client, consortium):
    c = consortium
    refused = client.post(f"/api/v1/councils/{council(client, c)['id']}/motions",
                          headers=c["admin"], json={"title": "X", "secret": True,
                                                    "tie_break": "chair"})
    assert refused.status_code == 422
    assembly_id = client.get("/api/v1/councils", headers=c["observer"]).json[0]["id"]
    motion_id = motion(client, c, assembly_id, secret=True, weighting="population")
    client.post(f"/api/v1/motions/{motion_id}/open", headers=c["admin"])
    for code, choice in (("0180", "no"), ("1280", "yes"), ("0483", "yes")):
        assert vote(client, c, motion_id, code, choice).status_code == 201
    assert vote(client, c, motion_id, "0483", "no").status_code == 409
    stored = db.session.scalars(select(Ballot).where(Ballot.motion_id == motion_id)).all()
    assert len(stored) == 3 and all(ballot.choice is None for ballot in stored)
    sealed = db.session.scalars(select(SealedBallot).where(
        SealedBallot.motion_id == motion_id)).all()
    # Sealed: equal lengths whatever the choice and weight, opened only with the app's key
    assert len(sealed) == 3 and len({len(row.sealed) for row in sealed}) == 1
    assert all(b"yes" not in row.sealed and b"935619" not in row.sealed for row in sealed)
    key = client.application.config["SECRET_KEY"]
    assert sorted(sealing.unseal(key, motion_id, row.sealed) for row in sealed) == [
        ("no", 935_619), ("yes", 33_722), ("yes", 328_494)]
    with pytest.raises(sealing.SealBroken):
        sealing.unseal("another key", motion_id, sealed[0].sealed)
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "ballot.cast", AuditEvent.object_id == str(motion_id))).all()
    assert all(set(event.after) == {"municipality"} for event in events)
    during = client.get(f"/api/v1/motions/{motion_id}", headers=c["observer"]).json
    assert during["ballots"] == 3 and all("choice" not in s for s in during["seats"])
    result = client.post(f"/api/v1/motions/{motion_id}/close", headers=c["admin"]).json
    assert (result["yes"], result["no"], result["outcome"]) == ("362216", "935619", "rejected")
    assert all("choice" not in seat for seat in result["seats"])
    assert db.session.scalars(select(SealedBallot).where(
        SealedBallot.motion_id == motion_id)).all() == []  # counted, then gone
    text = str(result)
    assert "'yes'" not in text.replace("'yes': '362216'", "")


def test_reservations_against_adopted_decisions(client, consortium):
    c = consortium
    motion_id = motion(client, c, council(client, c)["id"])
    client.post(f"/api/v1/motions/{motion_id}/open", headers=c["admin"])
    for code, choice in (("0180", "yes"), ("1280", "yes"), ("1860", "no")):
        vote(client, c, motion_id, code, choice)
    client.post(f"/api/v1/motions/{motion_id}/close", headers=c["admin"])
    url = f"/api/v1/motions/{motion_id}/reservations"
    other = client.post(url, json={"municipality": "0180", "text": "x"}, headers=c["reps"]["1860"])
    assert other.status_code == 403
    made = client.post(url, json={"municipality": "1860", "text": "Laxå reserverar sig."},
                       headers=c["reps"]["1860"])
    assert made.status_code == 201
    assert made.json["reservations"] == [{"municipality": "1860", "text": "Laxå reserverar sig."}]
    assert client.post(url, json={"municipality": "1860", "text": "again"},
                       headers=c["reps"]["1860"]).status_code == 409


def test_no_reservation_against_a_rejected_decision(client, consortium):
    c = consortium
    motion_id = motion(client, c, council(client, c)["id"])
    client.post(f"/api/v1/motions/{motion_id}/open", headers=c["admin"])
    vote(client, c, motion_id, "0180", "no")
    vote(client, c, motion_id, "1280", "no")
    client.post(f"/api/v1/motions/{motion_id}/close", headers=c["admin"])
    response = client.post(f"/api/v1/motions/{motion_id}/reservations",
                           json={"municipality": "0180"}, headers=c["reps"]["0180"])
    assert response.status_code == 409


def test_meetings_are_numbered_within_their_year(client, consortium):
    c = consortium
    council_id = council(client, c)["id"]

    def meet(day):
        return client.post(f"/api/v1/councils/{council_id}/meetings", headers=c["admin"],
                           json={"date": day, "place": "Stockholm"}).json

    first, second, next_year = meet("2026-03-01"), meet("2026-09-01"), meet("2027-03-01")
    assert [(m["year"], m["number"]) for m in (first, second, next_year)] == [
        (2026, 1), (2026, 2), (2027, 1)]
    assert [i["title"] for i in first["items"]] == [
        "Mötets öppnande", "Val av justerare", "Godkännande av dagordning"]


def test_signing_the_minutes_locks_them(client, consortium, make_user):
    from consortium.auth import service as auth

    c = consortium
    chair_user = make_user("representative", municipality=c["municipalities"]["0180"],
                           email="ordf@example.se")
    adjuster_user = make_user("representative", municipality=c["municipalities"]["1280"],
                              email="justerare@example.se")
    chair_token = {"Authorization": f"Bearer {auth.issue_token(chair_user)}"}
    adjuster_token = {"Authorization": f"Bearer {auth.issue_token(adjuster_user)}"}
    council_id = council(client, c)["id"]
    meeting = client.post(f"/api/v1/councils/{council_id}/meetings", headers=c["admin"],
                          json={"date": "2026-05-12", "place": "Katrineholm"}).json
    url = f"/api/v1/meetings/{meeting['id']}"
    client.post(f"{url}/officers", headers=c["admin"], json={
        "role": "chair", "person": "Anna Ordförande", "user": "ordf@example.se"})
    client.post(f"{url}/officers", headers=c["admin"], json={
        "role": "secretary", "person": "Sven Sekreterare"})
    client.post(f"{url}/officers", headers=c["admin"], json={
        "role": "adjuster", "person": "Jonas Justerare", "user": "justerare@example.se"})
    client.post(f"{url}/attendance", headers=c["admin"], json={
        "person": "Anna Ordförande", "capacity": "ordinary", "municipality": "0180"})
    assert client.post(f"{url}/sign", headers=chair_token).status_code == 409  # not held
    client.post(f"{url}/held", headers=c["admin"])
    assert client.post(f"{url}/sign", headers=c["observer"]).status_code == 403
    first = client.post(f"{url}/sign", headers=chair_token)
    assert first.status_code == 200 and first.json["status"] == "held"
    assert client.post(f"{url}/sign", headers=chair_token).status_code == 403  # once
    assert client.post(f"{url}/items", headers=c["admin"],
                       json={"title": "Late"}).status_code == 409  # frozen while signing
    done = client.post(f"{url}/sign", headers=adjuster_token).json
    assert done["status"] == "minutes_signed"
    assert len(done["minutes_sha256"]) == 64
    assert {s["sha256"] for s in done["signatures"]} == {done["minutes_sha256"]}
    assert [s["person"] for s in done["signatures"]] == ["Anna Ordförande", "Jonas Justerare"]


def test_a_meeting_is_held_and_signed_only_from_its_day(client, consortium):
    from datetime import timedelta

    c = consortium
    council_id = council(client, c)["id"]
    later = (clock.today() + timedelta(days=16)).isoformat()
    meeting = client.post(f"/api/v1/councils/{council_id}/meetings", headers=c["admin"],
                          json={"date": later, "place": "Katrineholm"}).json
    held = client.post(f"/api/v1/meetings/{meeting['id']}/held", headers=c["admin"])
    assert held.status_code == 409
    assert later in held.json["error"]["message"]
    assert client.get(f"/api/v1/meetings/{meeting['id']}",
                      headers=c["admin"]).json["status"] == "planned"


def test_who_may_sign_is_checked_before_the_state_of_the_minutes(client, consortium):

    from consortium.governance import meetings
    from consortium.governance.models import Meeting

    c = consortium
    assembly = council(client, c)
    meeting_id = client.post(f"/api/v1/councils/{assembly['id']}/meetings", headers=c["admin"],
                             json={"date": clock.today().isoformat()}).json["id"]
    assert db.session.get(Meeting, meeting_id).status.value == "planned"
    refused = client.post(f"/api/v1/meetings/{meeting_id}/sign", headers=c["observer"])
    assert refused.status_code == 403  # not "not held yet": an observer signs nothing
    assert "Only the chair, the secretary and the adjusters sign" in \
        refused.json["error"]["message"]
    assert meetings.signers(db.session.get(Meeting, meeting_id)) == []
