"""Councils, meetings, motions and ballots: the operations, each one transaction with its
audit event. The counting itself lives in counting.py."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from consortium import db
from consortium.audit.service import record
from consortium.auth.models import Role, User
from consortium.costs.models import AllocationLine, Budget, BudgetStatus
from consortium.db import utcnow
from consortium.errors import Conflict, DomainError, Invalid, NotFound
from consortium.governance import counting
from consortium.governance.models import (
    AgendaItem,
    Attendance,
    AttendanceCapacity,
    Ballot,
    BoardSeat,
    Choice,
    Council,
    CouncilKind,
    Majority,
    Meeting,
    MeetingOfficer,
    MeetingSignature,
    MeetingStatus,
    Motion,
    MotionResult,
    MotionSeat,
    MotionStatus,
    OfficerRole,
    Outcome,
    Reservation,
    SecretTally,
    TieBreak,
    Weighting,
)
from consortium.members.models import MembershipPeriod, Municipality, PopulationFigure
from consortium.tools.models import Participation, Tool

OPENING_ITEMS = ("Mötets öppnande", "Val av justerare", "Godkännande av dagordning")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


def today() -> date:
    return date.today()


def _municipality(code: str | None, field: str) -> Municipality | None:
    if not code:
        return None
    found = db.session.scalar(select(Municipality).where(Municipality.code == code))
    if found is None:
        raise Invalid(_("No municipality has the code %(code)s.", code=code),
                      {field: _("Unknown municipality.")})
    return found


# --- councils ---------------------------------------------------------------------------------

def get_council(council_id: int) -> Council:
    council = db.session.get(Council, council_id)
    if council is None:
        raise NotFound(_("No council has the number %(id)s.", id=council_id))
    return council


def create_council(data: dict[str, Any], *, actor: User | None = None,
                   actor_label: str | None = None) -> Council:
    errors: dict[str, str] = {}
    try:
        kind = CouncilKind(data.get("kind"))
    except ValueError:
        raise Invalid(_("Unknown kind of council."),
                      {"kind": _("Must be one of assembly, board, tool.")}) from None
    name = (data.get("name") or "").strip()
    if not name or len(name) > 150:
        errors["name"] = _("Give the council a name (at most 150 characters).")
    tool = None
    if kind is CouncilKind.TOOL:
        slug = data.get("tool")
        tool = db.session.scalar(select(Tool).where(Tool.slug == slug)) if slug else None
        if tool is None:
            errors["tool"] = _("A förvaltningsråd belongs to a tool: give its identifier.")
        elif db.session.scalar(select(exists().where(Council.tool_id == tool.id))):
            errors["tool"] = _("%(tool)s already has a förvaltningsråd.", tool=tool.name)
    elif data.get("tool"):
        errors["tool"] = _("Only a förvaltningsråd belongs to a tool.")
    if kind is CouncilKind.ASSEMBLY and db.session.scalar(
            select(exists().where(Council.kind == CouncilKind.ASSEMBLY))):
        errors["kind"] = _("The consortium has one föreningsstämma.")
    chair = _municipality(data.get("chair"), "chair")
    if errors:
        raise Invalid(_("The council could not be saved."), errors)
    council = Council(kind=kind, name=name, tool=tool, chair_municipality=chair)
    db.session.add(council)
    db.session.flush()
    record("council.create", "council", council.id,
           after={"kind": kind.value, "name": name, "tool": tool.slug if tool else None,
                  "chair": chair.code if chair else None}, actor=actor, actor_label=actor_label)
    db.session.commit()
    return council


def set_board_seats(council: Council, codes: list[str], *, actor: User | None = None,
                    actor_label: str | None = None) -> None:
    if council.kind is not CouncilKind.BOARD:
        raise Invalid(_("Only a board has seats listed by hand; the others follow membership "
                        "and participation."), {"seats": _("Not a board.")})
    found = {m.code: m for m in db.session.scalars(
        select(Municipality).where(Municipality.code.in_(codes)))}
    unknown = sorted(set(codes) - set(found))
    if unknown:
        raise Invalid(_("Unknown municipality codes: %(codes)s.", codes=", ".join(unknown)),
                      {"seats": _("Unknown codes.")})
    before = sorted(m.code for m in board_seats(council))
    db.session.execute(BoardSeat.__table__.delete().where(BoardSeat.council_id == council.id))
    for municipality in found.values():
        db.session.add(BoardSeat(council_id=council.id, municipality_id=municipality.id))
    record("council.seats", "council", council.id, before={"seats": before},
           after={"seats": sorted(found)}, actor=actor, actor_label=actor_label)
    db.session.commit()


def board_seats(council: Council) -> list[Municipality]:
    return list(db.session.scalars(
        select(Municipality).join(BoardSeat, BoardSeat.municipality_id == Municipality.id)
        .where(BoardSeat.council_id == council.id).order_by(Municipality.sort_name)))


def seats_on(council: Council, on: date) -> list[Municipality]:
    """The seats of a council on a date: members (föreningsstämma), the tool's participants
    (förvaltningsråd) or the listed seats (styrelse). Never typed for the first two."""
    if council.kind is CouncilKind.BOARD:
        return board_seats(council)
    if council.kind is CouncilKind.ASSEMBLY:
        condition = exists().where(
            MembershipPeriod.municipality_id == Municipality.id,
            MembershipPeriod.joined_on <= on,
            or_(MembershipPeriod.left_on.is_(None), MembershipPeriod.left_on >= on))
    else:
        condition = exists().where(
            Participation.municipality_id == Municipality.id,
            Participation.tool_id == council.tool_id, Participation.joined_on <= on,
            or_(Participation.left_on.is_(None), Participation.left_on >= on))
    return list(db.session.scalars(select(Municipality).where(condition)
                                   .order_by(Municipality.sort_name)))


# --- meetings ---------------------------------------------------------------------------------

def get_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_("No meeting has the number %(id)s.", id=meeting_id))
    return meeting


def create_meeting(council: Council, held_on: date | None, place: str,
                   chair_code: str | None = None, *, actor: User | None = None,
                   actor_label: str | None = None) -> Meeting:
    if held_on is None:
        raise Invalid(_("Give the date of the meeting."), {"date": _("Required.")})
    chair = _municipality(chair_code, "chair")
    number = (db.session.scalar(select(func.max(Meeting.number)).where(
        Meeting.council_id == council.id, Meeting.year == held_on.year)) or 0) + 1
    meeting = Meeting(council_id=council.id, year=held_on.year, number=number,
                      held_on=held_on, place=(place or "").strip()[:200],
                      chair_municipality_id=chair.id if chair else None)
    db.session.add(meeting)
    db.session.flush()
    for index, title in enumerate(OPENING_ITEMS, start=1):
        db.session.add(AgendaItem(meeting_id=meeting.id, number=index, title=title))
    record("meeting.create", "meeting", meeting.id,
           after={"council": council.name, "number": f"{held_on.year}:{number}",
                  "date": held_on, "place": meeting.place}, actor=actor, actor_label=actor_label)
    db.session.commit()
    return meeting


def _editable(meeting: Meeting) -> None:
    if meeting.minutes_locked_at is not None or db.session.scalar(
            select(exists().where(MeetingSignature.meeting_id == meeting.id))):
        raise Conflict(_("The minutes are being signed or are signed; the meeting can no "
                         "longer be changed."))


def set_meeting_status(meeting: Meeting, status: str, *, actor: User | None = None) -> None:
    if status not in (MeetingStatus.PLANNED.value, MeetingStatus.HELD.value):
        raise Invalid(_("A meeting is planned or held; the minutes are signed by signing."),
                      {"status": _("Unknown status.")})
    _editable(meeting)
    before = meeting.status.value
    meeting.status = MeetingStatus(status)
    record("meeting.status", "meeting", meeting.id, before={"status": before},
           after={"status": status}, actor=actor)
    db.session.commit()


def add_attendance(meeting: Meeting, person: str, capacity: str, code: str | None, *,
                   actor: User | None = None, actor_label: str | None = None) -> Attendance:
    _editable(meeting)
    if not person or not person.strip():
        raise Invalid(_("Give the person's name."), {"person": _("Required.")})
    try:
        kind = AttendanceCapacity(capacity)
    except ValueError:
        raise Invalid(_("Unknown capacity."), {"capacity": _("Unknown.")}) from None
    municipality = _municipality(code, "municipality")
    if kind is not AttendanceCapacity.OTHER and municipality is None:
        raise Invalid(_("An ordinary member or deputy represents a municipality."),
                      {"municipality": _("Required.")})
    row = Attendance(meeting_id=meeting.id, person_name=person.strip()[:150], capacity=kind,
                     municipality_id=municipality.id if municipality else None)
    db.session.add(row)
    record("meeting.attendance", "meeting", meeting.id,
           after={"person": row.person_name, "capacity": kind.value,
                  "municipality": code or None}, actor=actor, actor_label=actor_label)
    db.session.commit()
    return row


def set_officer(meeting: Meeting, role: str, position: int, person: str,
                user_email: str | None = None, *, actor: User | None = None,
                actor_label: str | None = None) -> MeetingOfficer:
    _editable(meeting)
    try:
        officer_role = OfficerRole(role)
    except ValueError:
        raise Invalid(_("Unknown role."), {"role": _("Unknown.")}) from None
    if position not in (1, 2) or (position == 2 and officer_role is not OfficerRole.ADJUSTER):
        raise Invalid(_("Only the adjusters are two."), {"position": _("Must be 1.")})
    if not person or not person.strip():
        raise Invalid(_("Give the person's name."), {"person": _("Required.")})
    user = None
    if user_email:
        user = db.session.scalar(select(User).where(User.email == user_email.strip().lower()))
        if user is None:
            raise Invalid(_("No user has the e-mail %(email)s.", email=user_email),
                          {"user": _("Unknown user.")})
    officer = db.session.scalar(select(MeetingOfficer).where(
        MeetingOfficer.meeting_id == meeting.id, MeetingOfficer.role == officer_role,
        MeetingOfficer.position == position))
    if officer is None:
        officer = MeetingOfficer(meeting_id=meeting.id, role=officer_role, position=position,
                                 person_name="")
        db.session.add(officer)
    officer.person_name = person.strip()[:150]
    officer.user_id = user.id if user else None
    record("meeting.officer", "meeting", meeting.id,
           after={"role": officer_role.value, "position": position,
                  "person": officer.person_name, "user": user.email if user else None},
           actor=actor, actor_label=actor_label)
    db.session.commit()
    return officer


def add_item(meeting: Meeting, title: str, *, diary_number: str | None = None,
             summary: str = "", decision: str = "", basis: str = "", proposals: str = "",
             sent_to: str = "", adjusted_at_once: bool = False,
             actor: User | None = None, actor_label: str | None = None) -> AgendaItem:
    _editable(meeting)
    if not title or not title.strip():
        raise Invalid(_("Give the paragraph a title."), {"title": _("Required.")})
    number = (db.session.scalar(select(func.max(AgendaItem.number)).where(
        AgendaItem.meeting_id == meeting.id)) or 0) + 1
    item = AgendaItem(meeting_id=meeting.id, number=number, title=title.strip()[:300],
                      diary_number=(diary_number or "").strip()[:50] or None,
                      summary=summary.strip(), decision=decision.strip(),
                      basis=basis.strip(), proposals=proposals.strip(),
                      sent_to=sent_to.strip(), adjusted_at_once=adjusted_at_once)
    db.session.add(item)
    record("meeting.item", "meeting", meeting.id, after={"paragraph": number,
                                                         "title": item.title},
           actor=actor, actor_label=actor_label)
    db.session.commit()
    return item


# --- motions ----------------------------------------------------------------------------------

def get_motion(motion_id: int) -> Motion:
    motion = db.session.get(Motion, motion_id)
    if motion is None:
        raise NotFound(_("No motion has the number %(id)s.", id=motion_id))
    return motion


def create_motion(council: Council, data: dict[str, Any], *, actor: User | None = None,
                  actor_label: str | None = None) -> Motion:
    errors: dict[str, str] = {}
    title = (data.get("title") or "").strip()
    if not title or len(title) > 300:
        errors["title"] = _("Give the motion a title (at most 300 characters).")
    values: dict[str, Any] = {}
    for key, enum_cls, default in (("weighting", Weighting, Weighting.EQUAL),
                                   ("majority", Majority, Majority.SIMPLE),
                                   ("tie_break", TieBreak, TieBreak.REJECTED)):
        raw = data.get(key)
        try:
            values[key] = enum_cls(raw) if raw is not None else default
        except ValueError:
            errors[key] = _("Must be one of %(values)s.",
                            values=", ".join(member.value for member in enum_cls))
    quorum = data.get("quorum_percent", 50)
    if quorum is None:
        quorum = 50
    if isinstance(quorum, bool) or not isinstance(quorum, int) or not 0 <= quorum <= 100:
        errors["quorum_percent"] = _("A whole number from 0 to 100.")
    secret = bool(data.get("secret", False))
    if values.get("tie_break") is TieBreak.CHAIR and secret:
        errors["tie_break"] = _("A secret motion has no casting vote of the chair.")
    if values.get("weighting") is Weighting.COST_SHARE and council.kind is not CouncilKind.TOOL:
        errors["weighting"] = _("Cost share weighting exists only in a förvaltningsråd.")
    item = None
    if data.get("meeting_id") is not None or data.get("agenda_item_id") is not None:
        item = _item_for_motion(council, data, errors)
    if errors:
        raise Invalid(_("The motion could not be saved."), errors)
    motion = Motion(council_id=council.id, agenda_item_id=item.id if item else None,
                    title=title, text=(data.get("text") or "").strip(),
                    quorum_percent=quorum, secret=secret, **values)
    db.session.add(motion)
    db.session.flush()
    record("motion.create", "motion", motion.id, after=_motion_snapshot(motion), actor=actor,
           actor_label=actor_label)
    db.session.commit()
    return motion


def _item_for_motion(council: Council, data: dict[str, Any],
                     errors: dict[str, str]) -> AgendaItem | None:
    """The agenda item of a motion: the one given, or a new paragraph of the meeting."""
    if data.get("agenda_item_id") is not None:
        item = db.session.get(AgendaItem, data["agenda_item_id"])
        meeting = db.session.get(Meeting, item.meeting_id) if item else None
    else:
        meeting = db.session.get(Meeting, data["meeting_id"])
        item = None
    if meeting is None or meeting.council_id != council.id:
        errors["meeting_id"] = _("The meeting must be one of this council's.")
        return None
    if meeting.minutes_locked_at is not None:
        errors["meeting_id"] = _("The minutes of that meeting are signed.")
        return None
    if item is None:
        number = (db.session.scalar(select(func.max(AgendaItem.number)).where(
            AgendaItem.meeting_id == meeting.id)) or 0) + 1
        item = AgendaItem(meeting_id=meeting.id, number=number,
                          title=(data.get("title") or "").strip()[:300] or "—")
        db.session.add(item)
        db.session.flush()
    return item


def _motion_snapshot(motion: Motion) -> dict[str, Any]:
    return {"title": motion.title, "weighting": motion.weighting.value,
            "majority": motion.majority.value, "quorum_percent": motion.quorum_percent,
            "tie_break": motion.tie_break.value, "secret": motion.secret,
            "status": motion.status.value, "agenda_item_id": motion.agenda_item_id}


def _weights(motion: Motion, council: Council, seats: list[Municipality], on: date
             ) -> tuple[dict[int, int], int | None]:
    if motion.weighting is Weighting.EQUAL:
        return {m.id: 1 for m in seats}, None
    if motion.weighting is Weighting.POPULATION:
        figures: dict[str, dict[int, int]] = {m.code: {} for m in seats}
        by_id = {m.id: m for m in seats}
        for mid, year, population in db.session.execute(
                select(PopulationFigure.municipality_id, PopulationFigure.year,
                       PopulationFigure.population)
                .where(PopulationFigure.municipality_id.in_(list(by_id)),
                       PopulationFigure.year <= on.year - 1)):
            figures[by_id[mid].code][year] = population
        try:
            year = counting.population_year(figures, {m.code: m.name for m in seats}, on.year)
        except counting.CountingError as error:
            if error.kind == "missing_population":
                names = ", ".join(f"{name} ({code})" for code, name in error.missing)
                message = _("No population figure up to %(year)s for: %(names)s.",
                            year=error.year, names=names)
            else:
                message = _("No year up to %(year)s has a population figure for every seat.",
                            year=error.year)
            raise Invalid(message, {"weighting": message}) from None
        return {m.id: figures[m.code][year] for m in seats}, year
    budget = db.session.scalar(
        select(Budget).where(Budget.tool_id == council.tool_id, Budget.year == on.year,
                             Budget.status == BudgetStatus.ADOPTED)
        .order_by(Budget.version.desc()).limit(1))
    if budget is None:
        message = _("The tool has no adopted budget for %(year)s to weigh the seats by.",
                    year=on.year)
        raise Invalid(message, {"weighting": message})
    amounts = dict(db.session.execute(select(AllocationLine.municipality_id,
                                             AllocationLine.amount)
                                      .where(AllocationLine.budget_id == budget.id)).all())
    return {m.id: amounts.get(m.id, 0) for m in seats}, None


def open_motion(motion: Motion, *, on: date | None = None, actor: User | None = None,
                actor_label: str | None = None) -> Motion:
    """Open for voting: the seats and their weights are fixed now, never recomputed."""
    if motion.status is not MotionStatus.DRAFT:
        raise Conflict(_("Only a draft motion can be opened."))
    on = on or today()
    council = db.session.get(Council, motion.council_id)
    assert council is not None
    seats = seats_on(council, on)
    if not seats:
        raise Invalid(_("The council has no seats on %(date)s.", date=on.isoformat()),
                      {"seats": _("No seats.")})
    weights, population_year = _weights(motion, council, seats, on)
    for municipality in seats:
        db.session.add(MotionSeat(motion_id=motion.id, municipality_id=municipality.id,
                                  weight=weights[municipality.id]))
    if motion.secret:
        for choice in Choice:
            db.session.add(SecretTally(motion_id=motion.id, choice=choice, weight=0, count=0))
    motion.status = MotionStatus.OPEN
    motion.opened_at = utcnow()
    motion.population_year = population_year
    record("motion.open", "motion", motion.id,
           after={"seats": {m.code: weights[m.id] for m in seats}, "opened_on": on,
                  "population_year": population_year}, actor=actor, actor_label=actor_label)
    db.session.commit()
    return motion


def _insert_once(row: Any, message: str) -> None:
    """Insert a row that a unique constraint allows once; the second attempt is a conflict
    (also when two requests race: the database refuses the later one)."""
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(message) from None


def may_vote_for(user: User | None, municipality: Municipality) -> bool:
    return (user is not None and user.role is Role.REPRESENTATIVE
            and user.municipality_id == municipality.id)


def cast_ballot(motion_id: int, code: str, choice: str, user: User) -> Ballot:
    """One final ballot per seat. Concurrent casts for the same municipality store exactly
    one: the unique (motion, municipality) constraint refuses the second."""
    try:
        chosen = Choice(choice)
    except ValueError:
        raise Invalid(_("The choice is yes, no or abstain."),
                      {"choice": _("Must be yes, no or abstain.")}) from None
    municipality = db.session.scalar(select(Municipality).where(Municipality.code == code))
    if municipality is None:
        raise NotFound(_("No municipality has the code %(code)s.", code=code))
    if not may_vote_for(user, municipality):
        raise Forbidden(_("Only a representative of %(name)s can cast its ballot.",
                          name=municipality.name))
    # A shared lock: ballots go in side by side, closing waits for them.
    motion = db.session.scalar(select(Motion).where(Motion.id == motion_id)
                               .with_for_update(read=True))
    if motion is None:
        raise NotFound(_("No motion has the number %(id)s.", id=motion_id))
    if motion.status is not MotionStatus.OPEN:
        raise Conflict(_("The motion is not open for voting."))
    seat = db.session.scalar(select(MotionSeat).where(
        MotionSeat.motion_id == motion.id, MotionSeat.municipality_id == municipality.id))
    if seat is None:
        raise Forbidden(_("%(name)s has no seat in this vote.", name=municipality.name))
    ballot = Ballot(motion_id=motion.id, municipality_id=municipality.id,
                    choice=None if motion.secret else chosen, cast_by_id=user.id)
    _insert_once(ballot, _("%(name)s has already voted; a ballot is final.",
                           name=municipality.name))
    if motion.secret:
        db.session.execute(update(SecretTally).where(
            SecretTally.motion_id == motion.id, SecretTally.choice == chosen)
            .values(weight=SecretTally.weight + seat.weight, count=SecretTally.count + 1))
    record("ballot.cast", "motion", motion.id,
           after={"municipality": code} if motion.secret
           else {"municipality": code, "choice": chosen.value}, actor=user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("%(name)s has already voted; a ballot is final.",
                         name=municipality.name)) from None
    return ballot


def current_count(motion: Motion) -> tuple[counting.Count, dict[int, str], int]:
    """(count, choice per municipality id (empty when secret), number of ballots)."""
    weights = dict(db.session.execute(select(MotionSeat.municipality_id, MotionSeat.weight)
                                      .where(MotionSeat.motion_id == motion.id)).all())
    total = sum(weights.values())
    if motion.secret:
        sums = {choice.value: (w, n) for choice, w, n in db.session.execute(
            select(SecretTally.choice, SecretTally.weight, SecretTally.count)
            .where(SecretTally.motion_id == motion.id))}
        count = counting.Count(sums.get("yes", (0, 0))[0], sums.get("no", (0, 0))[0],
                               sums.get("abstain", (0, 0))[0], total)
        return count, {}, sum(n for _w, n in sums.values())
    choices = {mid: choice.value for mid, choice in db.session.execute(
        select(Ballot.municipality_id, Ballot.choice).where(Ballot.motion_id == motion.id))}
    count = counting.tally({str(k): v for k, v in weights.items()},
                           {str(k): v for k, v in choices.items()})
    return count, choices, len(choices)


def chair_of(motion: Motion) -> Municipality | None:
    """The meeting's chair for a motion on an agenda item, else the council's standing chair."""
    if motion.agenda_item_id is not None:
        meeting = db.session.scalar(select(Meeting).join(
            AgendaItem, AgendaItem.meeting_id == Meeting.id)
            .where(AgendaItem.id == motion.agenda_item_id))
        if meeting is not None and meeting.chair_municipality_id is not None:
            return db.session.get(Municipality, meeting.chair_municipality_id)
    council = db.session.get(Council, motion.council_id)
    return council.chair_municipality if council else None


def close_motion(motion_id: int, *, actor: User | None = None,
                 actor_label: str | None = None) -> MotionResult:
    """Count and store the result; it is never recomputed from later data."""
    motion = db.session.scalar(select(Motion).where(Motion.id == motion_id).with_for_update())
    if motion is None:
        raise NotFound(_("No motion has the number %(id)s.", id=motion_id))
    if motion.status is not MotionStatus.OPEN:
        raise Conflict(_("Only an open motion can be closed."))
    count, choices, _ballots = current_count(motion)
    chair = chair_of(motion)
    chair_choice = choices.get(chair.id) if chair is not None else None
    decided = counting.decide(count, majority=motion.majority.value,
                              quorum_percent=motion.quorum_percent,
                              tie_break=motion.tie_break.value, chair_choice=chair_choice,
                              secret=motion.secret)
    result = MotionResult(
        motion_id=motion.id, outcome=Outcome(decided.outcome), yes=count.yes, no=count.no,
        abstain=count.abstain, participating=count.participating, total=count.total,
        quorum_met=decided.quorum_met, decided_by_chair=decided.decided_by_chair,
        population_year=motion.population_year)
    db.session.add(result)
    motion.status = MotionStatus.CLOSED
    motion.closed_at = utcnow()
    record("motion.close", "motion", motion.id,
           after={"outcome": decided.outcome, "yes": count.yes, "no": count.no,
                  "abstain": count.abstain, "total": count.total,
                  "quorum_met": decided.quorum_met,
                  "decided_by_chair": decided.decided_by_chair},
           actor=actor, actor_label=actor_label)
    db.session.commit()
    return result


def result_of(motion: Motion) -> MotionResult | None:
    return db.session.scalar(select(MotionResult).where(MotionResult.motion_id == motion.id))


def seat_rows(motion: Motion) -> list[tuple[Municipality, int, str | None]]:
    """(municipality, weight, choice) per seat; the choice is None when secret."""
    rows = db.session.execute(
        select(Municipality, MotionSeat.weight, Ballot.choice)
        .join(MotionSeat, MotionSeat.municipality_id == Municipality.id)
        .outerjoin(Ballot, and_(Ballot.motion_id == MotionSeat.motion_id,
                                Ballot.municipality_id == MotionSeat.municipality_id))
        .where(MotionSeat.motion_id == motion.id).order_by(Municipality.sort_name)).all()
    return [(m, weight, None if motion.secret or choice is None else choice.value)
            for m, weight, choice in rows]


def register_reservation(motion: Motion, code: str, text: str, user: User) -> Reservation:
    municipality = db.session.scalar(select(Municipality).where(Municipality.code == code))
    if municipality is None:
        raise NotFound(_("No municipality has the code %(code)s.", code=code))
    if not (may_vote_for(user, municipality) or user.role is Role.ADMIN):
        raise Forbidden(_("Only a representative of %(name)s (or the office) can register "
                          "its reservation.", name=municipality.name))
    result = result_of(motion)
    if result is None or result.outcome is not Outcome.ADOPTED:
        raise Conflict(_("A reservation is made against an adopted decision."))
    if not db.session.scalar(select(exists().where(
            MotionSeat.motion_id == motion.id, MotionSeat.municipality_id == municipality.id))):
        raise Forbidden(_("%(name)s had no seat in this vote.", name=municipality.name))
    reservation = Reservation(motion_id=motion.id, municipality_id=municipality.id,
                              text=(text or "").strip(), registered_by_id=user.id)
    _insert_once(reservation, _("%(name)s has already registered a reservation.",
                                name=municipality.name))
    record("reservation.create", "motion", motion.id,
           after={"municipality": code, "text": reservation.text}, actor=user)
    db.session.commit()
    return reservation


# --- signing the minutes (justering) -------------------------------------------------------

def minutes_content(meeting: Meeting) -> dict[str, Any]:
    """What is signed: the meeting, its attendance, paragraphs, votes and reservations."""
    council = db.session.get(Council, meeting.council_id)
    assert council is not None
    items = list(db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                                    .order_by(AgendaItem.number)))
    motions = {m.agenda_item_id: m for m in db.session.scalars(select(Motion).where(
        Motion.agenda_item_id.in_([i.id for i in items])))} if items else {}
    content: dict[str, Any] = {
        "council": council.name, "meeting": f"{meeting.year}:{meeting.number}",
        "date": meeting.held_on.isoformat(), "place": meeting.place,
        "attendance": [[a.person_name, a.capacity.value,
                        a.municipality.code if a.municipality else None]
                       for a in db.session.scalars(select(Attendance).where(
                           Attendance.meeting_id == meeting.id).order_by(Attendance.id))],
        "officers": [[o.role.value, o.position, o.person_name] for o in db.session.scalars(
            select(MeetingOfficer).where(MeetingOfficer.meeting_id == meeting.id)
            .order_by(MeetingOfficer.role, MeetingOfficer.position))],
        "paragraphs": [],
    }
    for item in items:
        entry: dict[str, Any] = {"number": item.number, "title": item.title,
                                 "dnr": item.diary_number, "summary": item.summary,
                                 "decision": item.decision, "basis": item.basis,
                                 "proposals": item.proposals, "sent_to": item.sent_to}
        motion = motions.get(item.id)
        if motion is not None:
            result = result_of(motion)
            entry["motion"] = {
                "title": motion.title, "status": motion.status.value,
                "outcome": result.outcome.value if result else None,
                "yes": result.yes if result else None, "no": result.no if result else None,
                "abstain": result.abstain if result else None,
                "seats": [[m.code, w, c] for m, w, c in seat_rows(motion)],
                "reservations": [[r.municipality.code, r.text] for r in db.session.scalars(
                    select(Reservation).where(Reservation.motion_id == motion.id))]}
        content["paragraphs"].append(entry)
    return content


def minutes_hash(meeting: Meeting) -> str:
    canonical = json.dumps(minutes_content(meeting), sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def signers(meeting: Meeting) -> list[tuple[MeetingOfficer, MeetingSignature | None]]:
    officers = sorted(db.session.scalars(select(MeetingOfficer).where(
        MeetingOfficer.meeting_id == meeting.id,
        MeetingOfficer.role.in_([OfficerRole.CHAIR, OfficerRole.ADJUSTER]))),
        key=lambda o: (o.role is not OfficerRole.CHAIR, o.position))
    signed = {s.officer_id: s for s in db.session.scalars(select(MeetingSignature).where(
        MeetingSignature.meeting_id == meeting.id))}
    return [(officer, signed.get(officer.id)) for officer in officers]


def sign_minutes(meeting: Meeting, user: User) -> MeetingSignature:
    """The chair and each adjuster confirm the minutes; when all have, they are locked."""
    if meeting.status is MeetingStatus.PLANNED:
        raise Conflict(_("The meeting has not been held yet."))
    if meeting.minutes_locked_at is not None:
        raise Conflict(_("The minutes are already signed."))
    pending = signers(meeting)
    if not any(o.role is OfficerRole.ADJUSTER for o, _s in pending) or \
            not any(o.role is OfficerRole.CHAIR for o, _s in pending):
        raise Conflict(_("Name the chair and at least one adjuster before signing."))
    mine = [o for o, s in pending if o.user_id == user.id and s is None]
    if not mine:
        raise Forbidden(_("Only the chair and the adjusters sign, each once."))
    open_motions = db.session.scalar(select(exists().where(
        Motion.agenda_item_id.in_(select(AgendaItem.id).where(
            AgendaItem.meeting_id == meeting.id)),
        Motion.status == MotionStatus.OPEN)))
    if open_motions:
        raise Conflict(_("Close the meeting's open votes before signing."))
    digest = minutes_hash(meeting)
    earlier = [s for _o, s in pending if s is not None]
    if any(s.content_sha256 != digest for s in earlier):
        raise Conflict(_("The minutes changed after the first signature."))
    signature = MeetingSignature(meeting_id=meeting.id, officer_id=mine[0].id, user_id=user.id,
                                 content_sha256=digest)
    db.session.add(signature)
    db.session.flush()
    record("meeting.sign", "meeting", meeting.id,
           after={"role": mine[0].role.value, "person": mine[0].person_name,
                  "sha256": digest}, actor=user)
    if all(s is not None or o.id == mine[0].id for o, s in pending):
        meeting.status = MeetingStatus.MINUTES_SIGNED
        meeting.minutes_sha256 = digest
        meeting.minutes_locked_at = utcnow()
        record("meeting.minutes_signed", "meeting", meeting.id, after={"sha256": digest},
               actor=user)
    db.session.commit()
    return signature


def has_voted(motion: Motion, municipality: Municipality) -> bool:
    return bool(db.session.scalar(select(exists().where(
        Ballot.motion_id == motion.id, Ballot.municipality_id == municipality.id))))


def open_motions_for(municipality: Municipality) -> list[tuple[Motion, bool]]:
    """Open motions where the municipality holds a seat, with whether it has voted."""
    rows = db.session.execute(
        select(Motion, Ballot.id)
        .join(MotionSeat, and_(MotionSeat.motion_id == Motion.id,
                               MotionSeat.municipality_id == municipality.id))
        .outerjoin(Ballot, and_(Ballot.motion_id == Motion.id,
                                Ballot.municipality_id == municipality.id))
        .where(Motion.status == MotionStatus.OPEN).order_by(Motion.opened_at)).all()
    return [(motion, ballot_id is not None) for motion, ballot_id in rows]
