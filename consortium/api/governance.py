"""API: councils, meetings, motions, ballots and results."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from consortium import clock, db
from consortium.api import bp
from consortium.api.schemas import governance as s
from consortium.api.spec import answer, operation
from consortium.auth.access import acting_user, admin_only, readers, require_user, roles
from consortium.auth.models import Role
from consortium.documents import pdfs
from consortium.errors import Conflict, NotFound
from consortium.governance import (
    councils,
    disqualification,
    effects,
    motions,
    proxies,
    results,
)
from consortium.governance.models import (
    AgendaItem,
    Council,
    Motion,
    MotionStatus,
    PollKind,
    Proxy,
)
from consortium.governance.records import motion_record

TAGS = ["Governance"]
voters = roles(Role.REPRESENTATIVE)


def council_json(council: Council) -> dict[str, Any]:
    return s.CouncilOut().dump({
        "id": council.id, "kind": council.kind.value, "name": council.name,
        "tool": council.tool.slug if council.tool else None,
        "chair": council.chair_municipality.code if council.chair_municipality else None,
        "proxy_limit": council.proxy_limit, "public": council.public,
        "seats": [m.code for m in councils.seats_on(council, clock.today())]})


@bp.get("/councils")
@readers
@operation("List councils", tags=TAGS, response=s.CouncilOut, many=True)
def list_councils() -> Any:
    return jsonify([council_json(c) for c in db.session.scalars(
        select(Council).order_by(Council.kind, Council.name))])


@bp.post("/councils")
@admin_only
@operation("Create a council", tags=TAGS, body=s.CouncilIn, response=s.CouncilOut, status=201)
def create_council(data: dict[str, Any]) -> Any:
    council = councils.create_council(data, actor=acting_user())
    return answer(council_json(council), 201, url_for("api.get_council", council_id=council.id))


@bp.get("/councils/<int:council_id>")
@readers
@operation("One council with its seats today", tags=TAGS, response=s.CouncilOut)
def get_council(council_id: int) -> Any:
    return jsonify(council_json(councils.get_council(council_id)))


@bp.patch("/councils/<int:council_id>")
@admin_only
@operation("Put the council's signed protocols on the public notice board, or take them off",
           tags=TAGS, body=s.CouncilPatch, response=s.CouncilOut)
def patch_council(council_id: int, data: dict[str, Any]) -> Any:
    council = councils.get_council(council_id)
    councils.set_public(council, data["public"], actor=acting_user())
    return jsonify(council_json(council))


@bp.put("/councils/<int:council_id>/seats")
@admin_only
@operation("List the seats of a board (styrelse)", tags=TAGS, body=s.SeatsIn,
           response=s.CouncilOut)
def put_seats(council_id: int, data: dict[str, Any]) -> Any:
    council = councils.get_council(council_id)
    councils.set_board_seats(council, data["seats"], actor=acting_user())
    return jsonify(council_json(council))


def poll_of(motion_id: int, *, election: bool = False) -> Motion:
    """The motion (or, for /elections, the election) with that number: 404 for the other
    kind, so each path names what it is."""
    motion = motions.get_motion(motion_id)
    if (motion.kind is PollKind.ELECTION) != election:
        raise NotFound(_("No election has the number %(id)s.", id=motion_id) if election else
                       _("No motion has the number %(id)s.", id=motion_id))
    return motion


def motion_json(motion: Motion) -> dict[str, Any]:
    record = motion_record(motion)
    item = db.session.get(AgendaItem, motion.agenda_item_id) if motion.agenda_item_id else None
    _count, _choices, ballots = results.current_count(motion) \
        if motion.status is not MotionStatus.DRAFT else (None, {}, 0)
    return s.MotionOut().dump({
        "id": record.id, "council": record.council_id,
        "meeting_id": item.meeting_id if item else None,
        "paragraph": item.number if item else None, "title": record.title,
        "text": record.text, "weighting": record.weighting,
        "majority": record.majority, "quorum_percent": record.quorum_percent,
        "tie_break": record.tie_break, "secret": record.secret,
        "status": record.shown_status, "population_year": record.population_year,
        "closes_at": record.closes_at, "ballots": ballots,
        "seats": [{"code": seat.code, "name": seat.name, "weight": str(seat.weight)}
                  for seat in record.seats],
        "disqualified": [{"municipality": d.code, "name": d.name, "reason": d.reason}
                         for d in record.disqualified],
        "kind": record.kind, "positions": record.positions,
        "proposals": [{"number": o.number, "text": o.text} for o in record.options]
        if record.kind == "proposals" else [],
        "candidates": [{"label": o.label, "name": o.text,
                        **({"municipality": o.code} if o.code else {})}
                       for o in record.options] if record.kind == "election" else [],
        "effect": record.effect, "effect_text": effects.describe(record.effect)})


@bp.post("/councils/<int:council_id>/motions")
@admin_only
@operation("Propose a motion (beslutsförslag), on a meeting or per capsulam", tags=TAGS,
           body=s.MotionIn, response=s.MotionOut, status=201)
def create_motion(council_id: int, data: dict[str, Any]) -> Any:
    motion = motions.create_motion(councils.get_council(council_id), data, actor=acting_user())
    return answer(motion_json(motion), 201, url_for("api.get_motion", motion_id=motion.id))


@bp.post("/motions/<int:motion_id>/disqualified")
@admin_only
@operation("Disqualify a seat from the vote (jäv), with the reason, before it opens",
           tags=TAGS, body=s.DisqualifyIn, response=s.MotionOut, status=201,
           extra_status=[404, 409])
def disqualify(motion_id: int, data: dict[str, Any]) -> Any:
    return disqualified(poll_of(motion_id), data)


def disqualified(poll: Motion, data: dict[str, Any]) -> Any:
    """Disqualify a seat of a motion or an election; 201 with the poll."""
    disqualification.disqualify(poll, data["municipality"], data["reason"],
                                actor=acting_user())
    return answer(motion_json(poll), 201)


@bp.delete("/motions/<int:motion_id>/disqualified")
@admin_only
@operation("Take a disqualification back, before the vote opens", tags=TAGS,
           query=s.DisqualifyQuery, response=s.MotionOut, extra_status=[404, 409])
def requalify(motion_id: int, args: dict[str, Any]) -> Any:
    motion = poll_of(motion_id)
    disqualification.requalify(motion, args["municipality"], actor=acting_user())
    return jsonify(motion_json(motion))


@bp.get("/motions/<int:motion_id>")
@readers
@operation("One motion with its seats and weights once open", tags=TAGS,
           response=s.MotionOut)
def get_motion(motion_id: int) -> Any:
    return jsonify(motion_json(poll_of(motion_id)))


@bp.get("/motions/<int:motion_id>/tally")
@readers
@operation("The running count of an open vote: ballots cast and, for an open yes/no vote, "
           "the weights per choice (none for a secret vote)", tags=TAGS, response=s.TallyOut)
def get_tally(motion_id: int) -> Any:
    found = results.live_tally(motions.get_motion(motion_id))
    return jsonify(s.TallyOut().dump({**found, **{key: None if found[key] is None else
                                                  str(found[key])
                                                  for key in ("yes", "no", "abstain", "total")}}))


@bp.post("/motions/<int:motion_id>/open")
@admin_only
@operation("Open the vote: seats and weights are fixed now", tags=TAGS, response=s.MotionOut)
def open_motion(motion_id: int) -> Any:
    motion = motions.open_motion(poll_of(motion_id), actor=acting_user())
    return jsonify(motion_json(motion))


def result_json(motion: Motion) -> dict[str, Any]:
    record = motion_record(motion)
    result = record.result
    if result is None:
        raise Conflict("The motion is not closed yet; its result is counted when it closes.")
    return s.ResultOut().dump({
        "motion": record.id, "outcome": result.outcome, "yes": str(result.yes),
        "no": str(result.no), "abstain": str(result.abstain),
        "participating": str(result.participating), "total": str(result.total),
        "quorum_met": result.quorum_met, "decided_by_chair": result.decided_by_chair,
        "population_year": result.population_year, "weighting": record.weighting,
        "majority": record.majority, "secret": record.secret,
        "seats": [{"code": seat.code, "name": seat.name, "weight": str(seat.weight),
                   **({} if record.secret else {"choice": seat.choice}),
                   **({"proposal": int(seat.marks[0]) if seat.marks else None}
                      if record.kind == "proposals" and not record.secret else {})}
                  for seat in record.seats],
        "reservations": [{"municipality": r.code, "text": r.text}
                         for r in record.reservations],
        **_proposals_result(record)})


def _proposals_result(record: Any) -> dict[str, Any]:
    result = record.result
    found: dict[str, Any] = {"effect_applied": result.effect_applied,
                             "effect_note": record.effect_outcome()}
    if record.kind != "proposals":
        return found
    found.update(proposals=[{"number": o.number, "weight": str(o.score or 0)}
                            for o in record.options],
                 adopted_proposal=result.adopted_option)
    if result.decided_by == "lot":
        found.update(lot_seed=result.lot_seed, lot_order=list(result.lot_group))
    return found


@bp.post("/motions/<int:motion_id>/close")
@admin_only
@operation("Close the vote and count it; returns the result", tags=TAGS, response=s.ResultOut)
def close_motion(motion_id: int) -> Any:
    poll_of(motion_id)
    results.close_motion(motion_id, actor=acting_user())
    return jsonify(result_json(poll_of(motion_id)))


@bp.get("/motions/<int:motion_id>/result")
@readers
@operation("The stored result of a closed motion", tags=TAGS, response=s.ResultOut)
def get_result(motion_id: int) -> Any:
    return jsonify(result_json(poll_of(motion_id)))


@bp.post("/motions/<int:motion_id>/ballots")
@voters
@operation("Cast your municipality's ballot (final)", tags=TAGS, body=s.BallotIn,
           response=s.BallotOut, status=201)
def cast(motion_id: int, data: dict[str, Any]) -> Any:
    poll_of(motion_id)
    ballot = motions.cast_ballot(motion_id, data["municipality"], data["choice"],
                                 require_user(), proposal=data["proposal"])
    body = s.BallotOut().dump({"motion": motion_id, "municipality": data["municipality"],
                               "choice": data["choice"], "proposal": data["proposal"],
                               "cast_at": ballot.cast_at,
                               "receipt": motions.receipt_of(ballot),
                               "by_proxy": ballot.proxy_id is not None})
    return answer(body, 201)


@bp.post("/motions/<int:motion_id>/reservations")
@roles(Role.REPRESENTATIVE, Role.ADMIN)
@operation("Register a municipality's reservation against an adopted decision", tags=TAGS,
           body=s.ReservationIn, response=s.ResultOut, status=201)
def reserve(motion_id: int, data: dict[str, Any]) -> Any:
    motion = motions.get_motion(motion_id)
    results.register_reservation(motion, data["municipality"], data["text"],
                                 require_user())
    return answer(result_json(motion), 201)


@bp.get("/motions/<int:motion_id>/result.pdf")
@readers
@operation("A motion's result as PDF", tags=TAGS, content_type="application/pdf")
def result_pdf(motion_id: int) -> Any:
    motion = motions.get_motion(motion_id)
    content, digest = pdfs.motion_result_pdf(motion)
    return pdfs.pdf_response(content, f"beslut-{motion.id}.pdf", digest)


def proxy_json(proxy: Proxy) -> dict[str, Any]:
    return s.ProxyOut().dump({
        "id": proxy.id, "council": proxy.council_id, "principal": proxy.principal.code,
        "holder": proxy.holder.email, "meeting_id": proxy.meeting_id,
        "valid_from": proxy.valid_from, "valid_until": proxy.valid_until,
        "reference": proxy.reference, "revoked_on": proxy.revoked_on})


@bp.get("/councils/<int:council_id>/proxies")
@readers
@operation("The proxies (fullmakter) of a council, revoked ones included", tags=TAGS,
           response=s.ProxyOut, many=True)
def list_proxies(council_id: int) -> Any:
    return jsonify([proxy_json(p) for p in proxies.proxies_of(councils.get_council(council_id))])


@bp.post("/councils/<int:council_id>/proxies")
@admin_only
@operation("Register a proxy (fullmakt) for one meeting or a period; overlap answers 409",
           tags=TAGS, body=s.ProxyIn, response=s.ProxyOut, status=201)
def create_proxy(council_id: int, data: dict[str, Any]) -> Any:
    proxy = proxies.create_proxy(councils.get_council(council_id), data, actor=acting_user())
    return answer(proxy_json(proxy), 201)


@bp.post("/proxies/<int:proxy_id>/revoke")
@admin_only
@operation("Revoke a proxy from a day on; ballots already cast stand", tags=TAGS,
           body=s.RevokeIn, response=s.ProxyOut)
def revoke_proxy(proxy_id: int, data: dict[str, Any]) -> Any:
    proxy = proxies.revoke_proxy(proxies.get_proxy(proxy_id), data.get("on"),
                                 actor=acting_user())
    return jsonify(proxy_json(proxy))
