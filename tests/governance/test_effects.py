"""SPEC "Decisions that act": the effect is named when the motion or election is made,
applied in the transaction that closes it only when adopted, and recorded both ways (the
register names the decision; the result and the protocol name the change)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consortium import db
from consortium.audit.models import AuditEvent
from consortium.governance.models import BoardSeat
from consortium.members.models import Municipality
from tests.costs.test_costs_api import SAMBRUK_FEES
from tests.governance.test_governance_api import council
from tests.governance.test_polls_api import choose, election, mark, proposals

BUDGET = {"amount": "1000000.00", "key": {"method": "per_capita", "population_year": 2016}}


@pytest.fixture
def kiruna(make_municipality):
    return make_municipality("2584", "Kiruna", "Norrbottens län", status="applicant")


def motion_with(client, c, assembly_id, effect, **fields):
    return client.post(f"/api/v1/councils/{assembly_id}/motions", headers=c["admin"],
                       json={"title": "Beslut", "effect": effect, **fields})


def all_vote(client, c, motion_id, choice="yes"):
    for code in ("0180", "1280", "0483", "1860"):
        assert choose(client, c, motion_id, code, choice=choice).status_code == 201


def test_an_adopted_admission_changes_the_register_and_names_the_decision(client, consortium,
                                                                        kiruna):
    c = consortium
    assembly = council(client, c)
    meeting = client.post(f"/api/v1/councils/{assembly['id']}/meetings", headers=c["admin"],
                          json={"date": "2026-05-20", "place": "Kiruna"}).json
    made = motion_with(client, c, assembly["id"], {"kind": "admit_member",
                                                   "municipality": "2584", "on": "2027-01-01"},
                       meeting_id=meeting["id"])
    assert made.status_code == 201, made.json
    assert "Kiruna (2584)" in made.json["effect_text"] and "2027-01-01" in made.json[
        "effect_text"]
    client.post(f"/api/v1/motions/{made.json['id']}/open", headers=c["admin"])
    assert db.session.get(Municipality, kiruna.id).status.value == "applicant"
    all_vote(client, c, made.json["id"])
    result = client.post(f"/api/v1/motions/{made.json['id']}/close", headers=c["admin"]).json
    assert result["effect_applied"] is True
    assert "Kiruna (2584) is a member from 2027-01-01" in result["effect_note"]
    body = client.get("/api/v1/municipalities/2584", headers=c["observer"]).json
    assert (body["status"], body["joined_on"]) == ("member", "2027-01-01")
    db.session.expire_all()
    period = db.session.get(Municipality, kiruna.id).membership_periods[-1]
    label = f"Föreningsstämma 2026:1 § {made.json['paragraph']}"
    assert period.note == label
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "decision.effect"))
    assert event.after["municipality"] == "2584" and "2027-01-01" in event.after["change"]
    assert event.note == label


def test_a_rejected_decision_changes_nothing(client, consortium, kiruna):
    c = consortium
    assembly = council(client, c)
    made = motion_with(client, c, assembly["id"], {"kind": "admit_member",
                                                   "municipality": "2584", "on": "2027-01-01"})
    client.post(f"/api/v1/motions/{made.json['id']}/open", headers=c["admin"])
    all_vote(client, c, made.json["id"], "no")
    result = client.post(f"/api/v1/motions/{made.json['id']}/close", headers=c["admin"]).json
    assert (result["outcome"], result["effect_applied"]) == ("rejected", False)
    assert db.session.get(Municipality, kiruna.id).status.value == "applicant"


def test_effects_that_cannot_be_are_refused_when_made(client, consortium, kiruna):
    c = consortium
    assembly = council(client, c)
    again = motion_with(client, c, assembly["id"], {"kind": "admit_member",
                                                    "municipality": "0180", "on": "2027-01-01"})
    assert again.status_code == 422 and "already a member" in again.json["error"]["message"]
    not_member = motion_with(client, c, assembly["id"], {
        "kind": "end_membership", "municipality": "2584", "on": "2027-12-31"})
    assert not_member.status_code == 422
    no_draft = motion_with(client, c, assembly["id"], {"kind": "adopt_budget",
                                                       "tool": "provisum", "year": 2027})
    assert no_draft.status_code == 422 and "no draft budget" in no_draft.json["error"][
        "message"]
    no_fees = motion_with(client, c, assembly["id"], {"kind": "adopt_fees", "year": 2027})
    assert no_fees.status_code == 422
    unknown = motion_with(client, c, assembly["id"], {"kind": "rename_everything"})
    assert unknown.status_code == 422 and "effect" in unknown.json["error"]["fields"]
    seats_on_motion = motion_with(client, c, assembly["id"], {
        "kind": "board_seats", "council": assembly["id"], "from": "2027-01-01"})
    assert seats_on_motion.status_code == 422
    bad_day = motion_with(client, c, assembly["id"], {"kind": "admit_member",
                                                      "municipality": "2584", "on": "snart"})
    assert bad_day.status_code == 422
    from consortium.governance.models import Motion
    assert db.session.scalar(select(Motion.id)) is None  # nothing was written


def test_a_budget_adopted_by_decision_only_as_it_stood_when_the_vote_opened(client,
                                                                          consortium):
    c = consortium
    assembly = council(client, c)
    finance = c["admin"]
    client.put("/api/v1/tools/provisum/budgets/2027", json=BUDGET, headers=finance)
    first = motion_with(client, c, assembly["id"], {"kind": "adopt_budget", "tool": "provisum",
                                                    "year": 2027})
    client.post(f"/api/v1/motions/{first.json['id']}/open", headers=c["admin"])
    changed = client.put("/api/v1/tools/provisum/budgets/2027", headers=finance,
                         json={**BUDGET, "amount": "1200000.00"})
    assert changed.status_code in (200, 201)
    all_vote(client, c, first.json["id"])
    result = client.post(f"/api/v1/motions/{first.json['id']}/close", headers=c["admin"]).json
    assert result["outcome"] == "adopted" and result["effect_applied"] is False
    assert "changed after the vote opened" in result["effect_note"]
    assert client.get("/api/v1/tools/provisum/budgets/2027",
                      headers=c["observer"]).json["status"] == "draft"
    second = motion_with(client, c, assembly["id"], {"kind": "adopt_budget",
                                                     "tool": "provisum", "year": 2027})
    client.post(f"/api/v1/motions/{second.json['id']}/open", headers=c["admin"])
    all_vote(client, c, second.json["id"])
    result = client.post(f"/api/v1/motions/{second.json['id']}/close",
                         headers=c["admin"]).json
    assert result["effect_applied"] is True, result["effect_note"]
    budget = client.get("/api/v1/tools/provisum/budgets/2027", headers=c["observer"]).json
    assert (budget["status"], budget["decision_motion_id"]) == ("adopted", second.json["id"])


def test_fees_adopted_by_the_main_proposal_and_not_by_the_counter_proposal(client,
                                                                         consortium):
    c = consortium
    assembly = council(client, c)
    assert client.put("/api/v1/fees/2027", json={**SAMBRUK_FEES, "population_year": 2016},
                      headers=c["admin"]).status_code == 201
    lost = proposals(client, c, assembly["id"], effect={"kind": "adopt_fees", "year": 2027})
    client.post(f"/api/v1/motions/{lost['id']}/open", headers=c["admin"])
    for code in ("0180", "1280", "0483"):
        choose(client, c, lost["id"], code, proposal=2)
    result = client.post(f"/api/v1/motions/{lost['id']}/close", headers=c["admin"]).json
    assert (result["adopted_proposal"], result["effect_applied"]) == (2, False)
    assert client.get("/api/v1/fees/2027", headers=c["observer"]).json["decision"] is None
    won = proposals(client, c, assembly["id"], effect={"kind": "adopt_fees", "year": 2027})
    client.post(f"/api/v1/motions/{won['id']}/open", headers=c["admin"])
    for code in ("0180", "1280", "0483"):
        choose(client, c, won["id"], code, proposal=1)
    result = client.post(f"/api/v1/motions/{won['id']}/close", headers=c["admin"]).json
    assert (result["adopted_proposal"], result["effect_applied"]) == (1, True)
    assert client.get("/api/v1/fees/2027", headers=c["observer"]).json["decision"] == won["id"]
    refused = client.put("/api/v1/fees/2027", json={**SAMBRUK_FEES, "population_year": 2016},
                         headers=c["admin"])
    assert refused.status_code == 409


def test_an_election_seats_the_board_from_a_day_and_keeps_the_past(client, consortium):
    c = consortium
    assembly = council(client, c)
    board = council(client, c, "board")
    client.put(f"/api/v1/councils/{board['id']}/seats", json={"seats": ["0180", "1280"]},
               headers=c["admin"])
    made = election(client, c, assembly["id"], [{"municipality": code} for code in
                                                ("0180", "0483", "1860")], positions=2,
                    effect={"kind": "board_seats", "council": board["id"],
                            "from": "2026-07-01"})
    assert "from 2026-07-01" in made["effect_text"]
    client.post(f"/api/v1/elections/{made['id']}/open", headers=c["admin"])
    for code in ("0180", "1280", "0483", "1860"):
        mark(client, c, made["id"], code, ["0483", "1860"])
    result = client.post(f"/api/v1/elections/{made['id']}/close", headers=c["admin"]).json
    assert result["elected"] == ["0483", "1860"] and result["effect_applied"] is True
    seats = db.session.scalars(select(BoardSeat).order_by(BoardSeat.id)).all()
    from datetime import date
    held = {(s.municipality_id, s.valid_from, s.valid_until, s.motion_id) for s in seats}
    m = c["municipalities"]
    assert held == {(m["0180"].id, None, date(2026, 6, 30), None),
                    (m["1280"].id, None, date(2026, 6, 30), None),
                    (m["0483"].id, date(2026, 7, 1), None, made["id"]),
                    (m["1860"].id, date(2026, 7, 1), None, made["id"])}
    person = client.post(f"/api/v1/councils/{assembly['id']}/elections", headers=c["admin"],
                         json={"title": "Val", "positions": 1, "candidates": [{"name": "Eva"}],
                               "effect": {"kind": "board_seats", "council": board["id"],
                                          "from": "2027-01-01"}})
    assert person.status_code == 422 and "effect" in person.json["error"]["fields"]
