"""API: elections (val): n positions among candidates, secret by default; the ballot marks
at most n candidates; the result's scores, the elected and the lot when it decided."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for

from consortium.api import bp
from consortium.api.governance import TAGS, disqualified, motion_json, poll_of, voters
from consortium.api.schemas import governance as s
from consortium.api.spec import answer, operation
from consortium.auth.access import acting_user, admin_only, readers, require_user
from consortium.errors import Conflict
from consortium.governance import councils, motions, results
from consortium.governance.records import motion_record


@bp.post("/councils/<int:council_id>/elections")
@admin_only
@operation("Prepare an election (val) of n positions among candidates", tags=TAGS,
           body=s.ElectionIn, response=s.MotionOut, status=201)
def create_election(council_id: int, data: dict[str, Any]) -> Any:
    election = motions.create_election(councils.get_council(council_id), data,
                                       actor=acting_user())
    return answer(motion_json(election), 201,
                  url_for("api.get_election", election_id=election.id))


@bp.get("/elections/<int:election_id>")
@readers
@operation("One election with its candidates, and its seats once open", tags=TAGS,
           response=s.MotionOut)
def get_election(election_id: int) -> Any:
    return jsonify(motion_json(poll_of(election_id, election=True)))


@bp.post("/elections/<int:election_id>/disqualified")
@admin_only
@operation("Disqualify a seat from the election (jäv), with the reason, before it opens",
           tags=TAGS, body=s.DisqualifyIn, response=s.MotionOut, status=201,
           extra_status=[404, 409])
def disqualify_in_election(election_id: int, data: dict[str, Any]) -> Any:
    return disqualified(poll_of(election_id, election=True), data)


@bp.post("/elections/<int:election_id>/open")
@admin_only
@operation("Open the election: seats and weights are fixed now", tags=TAGS,
           response=s.MotionOut)
def open_election(election_id: int) -> Any:
    election = motions.open_motion(poll_of(election_id, election=True), actor=acting_user())
    return jsonify(motion_json(election))


def election_result_json(election_id: int) -> dict[str, Any]:
    record = motion_record(poll_of(election_id, election=True))
    result = record.result
    if result is None:
        raise Conflict("The election is not closed yet; it is counted when it closes.")
    return s.ElectionResultOut().dump({
        "election": record.id, "outcome": result.outcome,
        "scores": [{"label": o.label, "name": o.text, "score": str(o.score or 0)}
                   for o in record.options],
        "elected": [o.label for o in record.elected], "vacant": result.vacant or 0,
        "blank": str(result.abstain), "participating": str(result.participating),
        "total": str(result.total), "quorum_met": result.quorum_met,
        "population_year": result.population_year, "secret": record.secret,
        **({"lot_seed": result.lot_seed, "lot_order": list(result.lot_group)}
           if result.lot_group else {}),
        "effect_applied": result.effect_applied, "effect_note": record.effect_outcome()})


@bp.post("/elections/<int:election_id>/close")
@admin_only
@operation("Close the election and count it; returns the result", tags=TAGS,
           response=s.ElectionResultOut)
def close_election(election_id: int) -> Any:
    poll_of(election_id, election=True)
    results.close_motion(election_id, actor=acting_user())
    return jsonify(election_result_json(election_id))


@bp.get("/elections/<int:election_id>/result")
@readers
@operation("The stored result of a closed election", tags=TAGS, response=s.ElectionResultOut)
def get_election_result(election_id: int) -> Any:
    return jsonify(election_result_json(election_id))


@bp.post("/elections/<int:election_id>/ballots")
@voters
@operation("Cast your municipality's election ballot (final): at most n candidates",
           tags=TAGS, body=s.ElectionBallotIn, response=s.BallotOut, status=201)
def cast_in_election(election_id: int, data: dict[str, Any]) -> Any:
    election = poll_of(election_id, election=True)
    ballot = motions.cast_ballot(election_id, data["municipality"], None, require_user(),
                                 candidates=data["candidates"])
    body = s.BallotOut().dump({
        "motion": election_id, "municipality": data["municipality"], "choice": None,
        # a secret ballot's marks are shown once, in this answer to the voter
        "candidates": data["candidates"], "cast_at": ballot.cast_at,
        "receipt": motions.receipt_of(ballot),
        "by_proxy": ballot.proxy_id is not None and not election.secret})
    return answer(body, 201)
