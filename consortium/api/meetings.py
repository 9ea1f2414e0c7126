"""API: meetings: planning, the kallelse, changes and cancellation, attendance, officers,
paragraphs, the voting register, the signing of the minutes and the protocol."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for

from consortium.api import bp
from consortium.api.governance import TAGS
from consortium.api.schemas import governance as s
from consortium.api.spec import answer, operation
from consortium.auth.access import acting_user, admin_only, public, readers, require_user
from consortium.documents import board_views, pdfs
from consortium.governance import councils, meetings, roll
from consortium.governance.models import Meeting
from consortium.governance.records import meeting_record


def meeting_json(meeting: Meeting) -> dict[str, Any]:
    record = meeting_record(meeting)
    return s.MeetingOut().dump({
        "id": record.id, "council": record.council_id, "year": record.year,
        "number": record.number, "date": record.held_on, "place": record.place,
        "time": meeting.starts_at.isoformat(timespec="minutes") if meeting.starts_at else None,
        "called_at": meeting.called_at,
        "status": record.status, "chair": record.chair_code,
        "attendance": [{"person": a.person, "capacity": a.capacity,
                        "municipality": a.municipality_code} for a in record.attendance],
        "officers": [{"role": o.role, "position": o.position, "person": o.person}
                     for o in record.officers],
        "items": [{"number": p.number, "title": p.title, "diary_number": p.diary_number,
                   "summary": p.summary, "decision": p.decision, "basis": p.basis,
                   "proposals": p.proposals, "sent_to": p.sent_to,
                   "motion": p.motion.id if p.motion else None} for p in record.paragraphs],
        "signatures": [{"role": sig.officer.role, "person": sig.officer.person,
                        "signed_at": sig.signed_at.isoformat(), "sha256": sig.sha256}
                       for sig in record.signatures if sig.signed_at is not None],
        "minutes_sha256": record.minutes_sha256})


@bp.post("/councils/<int:council_id>/meetings")
@admin_only
@operation("Plan a meeting (numbered within its year; § 1–3 are added)", tags=TAGS,
           body=s.MeetingIn, response=s.MeetingOut, status=201)
def create_meeting(council_id: int, data: dict[str, Any]) -> Any:
    meeting = meetings.create_meeting(councils.get_council(council_id), data["date"],
                                     data["place"], data.get("chair"),
                                     starts_at=data.get("time"), actor=acting_user())
    return answer(meeting_json(meeting), 201, url_for("api.get_meeting", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/call")
@admin_only
@operation("Send the kallelse (date, time, place, agenda, a calendar invitation) to the "
           "council's representatives; again: an update", tags=TAGS, response=s.MeetingOut,
           extra_status=[409])
def call_meeting(meeting_id: int) -> Any:
    meeting = meetings.get_meeting(meeting_id)
    meetings.call_meeting(meeting, actor=acting_user())
    return jsonify(meeting_json(meeting))


@bp.patch("/meetings/<int:meeting_id>")
@admin_only
@operation("Change a planned meeting's date (in its year), time, place or chair; a meeting "
           "already called is called again as an update", tags=TAGS, body=s.MeetingPatch,
           response=s.MeetingOut, extra_status=[409])
def change_meeting(meeting_id: int, data: dict[str, Any]) -> Any:
    meeting = meetings.get_meeting(meeting_id)
    meetings.change_meeting(meeting, data, actor=acting_user())
    return jsonify(meeting_json(meeting))


@bp.post("/meetings/<int:meeting_id>/cancel")
@admin_only
@operation("Cancel (ställa in) a planned meeting; the called are told and the calendar "
           "event is cancelled", tags=TAGS, body=s.CancelIn, response=s.MeetingOut,
           extra_status=[409])
def cancel_meeting(meeting_id: int, data: dict[str, Any]) -> Any:
    meeting = meetings.get_meeting(meeting_id)
    meetings.cancel_meeting(meeting, data["reason"], actor=acting_user())
    return jsonify(meeting_json(meeting))


@bp.get("/meetings/<int:meeting_id>")
@readers
@operation("One meeting with attendance, officers, paragraphs and signatures", tags=TAGS,
           response=s.MeetingOut)
def get_meeting(meeting_id: int) -> Any:
    return jsonify(meeting_json(meetings.get_meeting(meeting_id)))


@bp.post("/meetings/<int:meeting_id>/attendance")
@admin_only
@operation("Record who attended", tags=TAGS, body=s.AttendanceIn, response=s.MeetingOut,
           status=201)
def add_attendance(meeting_id: int, data: dict[str, Any]) -> Any:
    meeting = meetings.get_meeting(meeting_id)
    meetings.add_attendance(meeting, data["person"], data["capacity"], data.get("municipality"),
                           actor=acting_user())
    return answer(meeting_json(meeting), 201, url_for("api.get_meeting", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/officers")
@admin_only
@operation("Name the chair, the secretary or an adjuster (justerare)", tags=TAGS,
           body=s.OfficerIn, response=s.MeetingOut)
def set_officer(meeting_id: int, data: dict[str, Any]) -> Any:
    meeting = meetings.get_meeting(meeting_id)
    meetings.set_officer(meeting, data["role"], data["position"], data["person"],
                        data.get("user"), actor=acting_user())
    return jsonify(meeting_json(meeting))


@bp.post("/meetings/<int:meeting_id>/items")
@admin_only
@operation("Add a paragraph (§) to the agenda", tags=TAGS, body=s.ItemIn,
           response=s.MeetingOut, status=201)
def add_item(meeting_id: int, data: dict[str, Any]) -> Any:
    meeting = meetings.get_meeting(meeting_id)
    meetings.add_item(meeting, data["title"], diary_number=data.get("diary_number"),
                     summary=data["summary"], decision=data["decision"],
                     basis=data["basis"], proposals=data["proposals"], sent_to=data["sent_to"],
                     adjusted_at_once=data["adjusted_at_once"], actor=acting_user())
    return answer(meeting_json(meeting), 201, url_for("api.get_meeting", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/held")
@admin_only
@operation("Mark the meeting as held", tags=TAGS, response=s.MeetingOut)
def mark_held(meeting_id: int) -> Any:
    meeting = meetings.get_meeting(meeting_id)
    meetings.set_meeting_status(meeting, "held", actor=acting_user())
    return jsonify(meeting_json(meeting))


@bp.post("/meetings/<int:meeting_id>/sign")
@readers
@operation("Sign the minutes as chair or adjuster (justering)", tags=TAGS,
           response=s.MeetingOut)
def sign(meeting_id: int) -> Any:
    meeting = meetings.get_meeting(meeting_id)
    meetings.sign_minutes(meeting, require_user())
    return jsonify(meeting_json(meeting))


@bp.get("/meetings/<int:meeting_id>/protocol.pdf")
@readers
@operation("The meeting's protocol as PDF (kept once the minutes are signed)", tags=TAGS,
           content_type="application/pdf")
def protocol_pdf(meeting_id: int) -> Any:
    meeting = meetings.get_meeting(meeting_id)
    content, digest = pdfs.protocol_pdf(meeting)
    return pdfs.pdf_response(content, pdfs.protocol_filename(meeting), digest)


def roll_json(meeting: Meeting) -> dict[str, Any]:
    seats = []
    for line in roll.current(meeting):
        weights = {"equal": str(line.equal),
                   "population": None if line.population is None else str(line.population)}
        if meeting.council.kind.value == "tool":
            weights["cost_share"] = None if line.cost_share is None \
                else f"{line.cost_share / 100:.2f}"
        seats.append({"code": line.municipality.code, "name": line.municipality.name,
                      "represented_by": line.represented_by, "by_proxy": line.proxy is not None,
                      "proxy_reference": line.proxy.reference if line.proxy else None,
                      "weights": weights, "entered_at": line.entered_at,
                      "reason": line.reason})
    return s.RollOut().dump({"meeting": meeting.id, "fixed_at": meeting.roll_fixed_at,
                             "seats": seats})


@bp.get("/meetings/<int:meeting_id>/roll")
@readers
@operation("The voting register (röstlängd): fixed with its dated changes, or preliminary",
           tags=TAGS, response=s.RollOut)
def get_roll(meeting_id: int) -> Any:
    return jsonify(roll_json(meetings.get_meeting(meeting_id)))


@bp.post("/meetings/<int:meeting_id>/roll")
@admin_only
@operation("Fix the voting register when the meeting opens (once; 409 again)", tags=TAGS,
           response=s.RollOut)
def fix_roll(meeting_id: int) -> Any:
    meeting = meetings.get_meeting(meeting_id)
    roll.fix(meeting, actor=acting_user())
    return jsonify(roll_json(meeting))


@bp.post("/meetings/<int:meeting_id>/roll/changes")
@admin_only
@operation("Enter a dated change of one seat of a fixed register, with its reason", tags=TAGS,
           body=s.RollChangeIn, response=s.RollOut, status=201)
def change_roll(meeting_id: int, data: dict[str, Any]) -> Any:
    meeting = meetings.get_meeting(meeting_id)
    roll.change(meeting, data["municipality"], data["represented_by"], data["reason"],
                actor=acting_user())
    return answer(roll_json(meeting), 201)


@bp.get("/anslagstavla.atom")
@public
@operation("The notice board's Atom feed: the sealed protocols of public councils (no login)",
           tags=TAGS, content_type="application/atom+xml")
def notice_board_feed() -> Any:
    return board_views.notice_board_feed()
