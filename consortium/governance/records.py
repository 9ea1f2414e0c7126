"""One read model per record: a meeting and a motion, put together by one set of queries in
one order, and read by the page, the API, the protocol (PDF) and the content the justerare
sign. What the chair and the adjusters confirm (its SHA-256) is the same record, in the same
order, as what the protocol prints.

The number of statements does not grow with the number of paragraphs, motions, seats or
attendees: each kind of row is read once for the whole meeting."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import selectinload

from consortium import db
from consortium.auth.models import User
from consortium.governance import effects, polls
from consortium.governance import motions as motion_rules
from consortium.governance.models import (
    AgendaItem,
    Attendance,
    AttendanceCapacity,
    Ballot,
    Meeting,
    MeetingOfficer,
    MeetingSignature,
    Motion,
    MotionResult,
    MotionSeat,
    MotionStatus,
    OfficerRole,
    Outcome,
    PollKind,
    Proxy,
    Reservation,
)
from consortium.governance.poll_models import BallotMark, Disqualification, PollOption
from consortium.governance.roll import RollLine, current
from consortium.members.models import Municipality, swedish_key

# The one order of a meeting's people: ordinary members, deputies, others; chair, secretary,
# adjusters (by position). The page, the API, the protocol and the signed content all use it.
CAPACITY_ORDER = {capacity: index for index, capacity in enumerate(AttendanceCapacity)}
OFFICER_ORDER = {role: index for index, role in enumerate(OfficerRole)}


@dataclass(frozen=True)
class Present:
    person: str
    capacity: str
    municipality_code: str | None
    municipality_name: str | None


@dataclass(frozen=True)
class Officer:
    id: int
    role: str
    position: int
    person: str
    user_id: int | None


@dataclass(frozen=True)
class Signature:
    """A signer (the chair or an adjuster) and, once they have confirmed, when and what."""

    officer: Officer
    signed_at: datetime | None
    sha256: str | None


@dataclass(frozen=True)
class Seat:
    municipality_id: int
    code: str
    name: str
    weight: int
    choice: str | None  # never of a secret motion
    proxy_holder: str | None  # the ballot was cast by this holder of a fullmakt
    proxy_reference: str | None
    marks: tuple[str, ...] = ()  # the proposal or candidates an open ballot chose


@dataclass(frozen=True)
class Dissent:
    municipality_id: int
    code: str
    name: str
    text: str


@dataclass(frozen=True)
class Excluded:
    """A seat disqualified from the vote (jäv), with the reason."""

    code: str
    name: str
    reason: str


@dataclass(frozen=True)
class Result:
    outcome: str
    yes: int
    no: int
    abstain: int
    participating: int
    total: int
    quorum_met: bool
    decided_by_chair: bool
    population_year: int | None
    adopted_option: int | None = None
    vacant: int | None = None
    lot_seed: str | None = None
    lot_group: tuple[str, ...] = ()
    decided_by: str | None = None
    effect_applied: bool | None = None
    effect_note: str = ""


@dataclass(frozen=True)
class Option:
    """A proposal or a candidate, with its score once the poll is closed."""

    number: int
    label: str  # the lot's label: the proposal's number, a kommunkod or a name
    text: str
    code: str | None
    score: int | None
    elected: bool | None


@dataclass(frozen=True)
class MotionRecord:
    id: int
    council_id: int
    agenda_item_id: int | None
    title: str
    text: str
    status: str  # as stored: draft, open, closed
    shown_status: str  # as read now: "closing" once its time has passed, until counted
    secret: bool
    weighting: str
    majority: str
    quorum_percent: int
    tie_break: str
    population_year: int | None
    closes_at: datetime | None
    result: Result | None
    seats: tuple[Seat, ...]
    reservations: tuple[Dissent, ...]
    disqualified: tuple[Excluded, ...] = ()
    kind: str = "motion"
    positions: int | None = None
    options: tuple[Option, ...] = ()
    effect: dict[str, Any] | None = None

    @property
    def elected(self) -> list[Option]:
        """The elected, in the order of election (the lot's order inside a tied group)."""
        chosen = [option for option in self.options if option.elected]
        lot = {label: index for index, label in enumerate(self.result.lot_group)} \
            if self.result else {}
        return sorted(chosen, key=lambda o: (-(o.score or 0), lot.get(o.label, 0)))

    def effect_outcome(self) -> str:
        """What the decision's effect changed, or why it did not, in the reader's language."""
        result = self.result
        if result is None:
            return ""
        return effects.result_text(self.effect, result.effect_applied, result.effect_note,
                                   [(o.text, o.code) for o in self.elected])

    def seat_of(self, municipality_id: int) -> Seat | None:
        return next((seat for seat in self.seats if seat.municipality_id == municipality_id),
                    None)

    def may_reserve(self, municipality_id: int) -> bool:
        """The reservation rule (SPEC): against an adopted decision, by a seat of the vote,
        once."""
        return (self.result is not None and self.result.outcome == Outcome.ADOPTED.value
                and self.seat_of(municipality_id) is not None
                and all(r.municipality_id != municipality_id for r in self.reservations))

    def signed_content(self) -> dict[str, Any]:
        result = self.result
        return {
            "title": self.title, "status": self.status,
            "outcome": result.outcome if result else None,
            "yes": result.yes if result else None, "no": result.no if result else None,
            "abstain": result.abstain if result else None,
            "seats": [[seat.code, seat.weight, seat.choice] for seat in self.seats],
            "reservations": [[r.code, r.text] for r in self.reservations],
            # only when there is one: minutes signed before disqualification existed keep
            # their hash
            **({"disqualified": [[d.code, d.reason] for d in self.disqualified]}
               if self.disqualified else {}),
            **(self._options_content() if self.kind != "motion" else {}),
            # only when there is one: minutes signed before effects existed keep their hash
            **({"effect": [self.effect, result.effect_applied if result else None,
                           result.effect_note if result else None]} if self.effect else {})}

    def _options_content(self) -> dict[str, Any]:
        result = self.result
        return {"kind": self.kind, "positions": self.positions,
                "options": [[o.number, o.label, o.text, o.score, o.elected]
                            for o in self.options],
                "marks": [[seat.code, list(seat.marks)] for seat in self.seats],
                "adopted_option": result.adopted_option if result else None,
                "vacant": result.vacant if result else None,
                "lot": [result.lot_seed, list(result.lot_group)] if result else None}


@dataclass(frozen=True)
class Paragraph:
    id: int
    number: int
    title: str
    diary_number: str | None
    summary: str
    decision: str
    basis: str
    proposals: str
    sent_to: str
    adjusted_at_once: bool
    motion: MotionRecord | None


@dataclass(frozen=True)
class MeetingRecord:
    id: int
    council_id: int
    council_name: str
    council_kind: str
    year: int
    number: int
    held_on: date
    place: str
    status: str
    chair_code: str | None
    roll_fixed_at: datetime | None
    minutes_sha256: str | None
    minutes_locked_at: datetime | None
    attendance: tuple[Present, ...]
    officers: tuple[Officer, ...]
    signatures: tuple[Signature, ...]
    roll: tuple[RollLine, ...] | None  # the fixed register; None before it is fixed
    paragraphs: tuple[Paragraph, ...]

    @property
    def label(self) -> str:
        return f"{self.year}:{self.number}"

    def attending(self, capacity: AttendanceCapacity) -> list[Present]:
        return [row for row in self.attendance if row.capacity == capacity.value]

    def officers_as(self, role: OfficerRole) -> list[Officer]:
        return [officer for officer in self.officers if officer.role == role.value]

    def signed_content(self) -> dict[str, Any]:
        """What the chair and the adjusters confirm: the protocol's content, in its order."""
        content: dict[str, Any] = {
            "council": self.council_name, "meeting": self.label,
            "date": self.held_on.isoformat(), "place": self.place,
            "attendance": [[row.person, row.capacity, row.municipality_code]
                           for row in self.attendance],
            "officers": [[o.role, o.position, o.person] for o in self.officers],
            "paragraphs": [{
                "number": p.number, "title": p.title, "dnr": p.diary_number,
                "summary": p.summary, "decision": p.decision, "basis": p.basis,
                "proposals": p.proposals, "sent_to": p.sent_to,
                **({"motion": p.motion.signed_content()} if p.motion else {})}
                for p in self.paragraphs],
        }
        if self.roll is not None:  # signed with the minutes (absent before it existed)
            content["roll"] = [[line.municipality.code, line.represented_by,
                                line.proxy.id if line.proxy else None, line.equal,
                                line.population, line.cost_share, line.reason]
                               for line in self.roll]
        return content


def meeting_record(meeting: Meeting) -> MeetingRecord:
    council = meeting.council
    attendance = sorted(
        db.session.execute(select(Attendance, Municipality.code, Municipality.name)
                           .outerjoin(Municipality,
                                      Municipality.id == Attendance.municipality_id)
                           .where(Attendance.meeting_id == meeting.id)).all(),
        key=lambda row: (CAPACITY_ORDER[row[0].capacity], swedish_key(row[0].person_name),
                         row[0].id))
    officers = sorted(db.session.scalars(select(MeetingOfficer).where(
        MeetingOfficer.meeting_id == meeting.id)),
        key=lambda o: (OFFICER_ORDER[o.role], o.position, o.id))
    signed = {s.officer_id: s for s in db.session.scalars(select(MeetingSignature).where(
        MeetingSignature.meeting_id == meeting.id))}
    items = list(db.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.number)))
    item_motions = list(db.session.scalars(select(Motion).where(
        Motion.agenda_item_id.in_([i.id for i in items])))) if items else []
    records = {record.agenda_item_id: record for record in motion_records(item_motions)}
    chair = db.session.get(Municipality, meeting.chair_municipality_id) \
        if meeting.chair_municipality_id else None
    officer_rows = tuple(Officer(o.id, o.role.value, o.position, o.person_name, o.user_id)
                         for o in officers)
    return MeetingRecord(
        id=meeting.id, council_id=council.id, council_name=council.name,
        council_kind=council.kind.value, year=meeting.year, number=meeting.number,
        held_on=meeting.held_on, place=meeting.place or "", status=meeting.status.value,
        chair_code=chair.code if chair else None, roll_fixed_at=meeting.roll_fixed_at,
        minutes_sha256=meeting.minutes_sha256, minutes_locked_at=meeting.minutes_locked_at,
        attendance=tuple(Present(a.person_name, a.capacity.value, code, name)
                         for a, code, name in attendance),
        officers=officer_rows,
        signatures=tuple(
            Signature(o, s.signed_at if s else None, s.content_sha256 if s else None)
            for o in officer_rows if o.role in (OfficerRole.CHAIR, OfficerRole.ADJUSTER)
            or (o.role == OfficerRole.SECRETARY and o.user_id is not None)
            for s in [signed.get(o.id)]),
        roll=tuple(current(meeting)) if meeting.roll_fixed_at is not None else None,
        paragraphs=tuple(Paragraph(
            i.id, i.number, i.title, i.diary_number, i.summary, i.decision, i.basis,
            i.proposals, i.sent_to, i.adjusted_at_once, records.get(i.id)) for i in items))


def motion_record(motion: Motion) -> MotionRecord:
    return motion_records([motion])[0]


def motion_records(found: Iterable[Motion]) -> list[MotionRecord]:
    """The records of several motions, with a fixed number of statements."""
    chosen = list(found)
    ids = [m.id for m in chosen]
    if not ids:
        return []
    # A result, and reservations against it, exist only once a motion is closed (results.py):
    # an open motion's page does not ask for them.
    closed = [m.id for m in chosen if m.status is MotionStatus.CLOSED]
    outcome = {r.motion_id: r for r in db.session.scalars(select(MotionResult).where(
        MotionResult.motion_id.in_(closed)))} if closed else {}
    seats: dict[int, list[Seat]] = defaultdict(list)
    secret = {m.id for m in chosen if m.secret}
    for motion_id, mid, code, name, weight, choice, holder, email, reference in \
            db.session.execute(
            select(MotionSeat.motion_id, Municipality.id, Municipality.code, Municipality.name,
                   MotionSeat.weight, Ballot.choice, User.name, User.email, Proxy.reference)
            .join(Municipality, Municipality.id == MotionSeat.municipality_id)
            .outerjoin(Ballot, and_(Ballot.motion_id == MotionSeat.motion_id,
                                    Ballot.municipality_id == MotionSeat.municipality_id))
            .outerjoin(Proxy, Proxy.id == Ballot.proxy_id)
            .outerjoin(User, and_(User.id == Ballot.cast_by_id, Ballot.proxy_id.is_not(None)))
            .where(MotionSeat.motion_id.in_(ids))
            .order_by(MotionSeat.motion_id, Municipality.sort_name)):
        hidden = motion_id in secret
        seats[motion_id].append(Seat(
            mid, code, name, weight, None if hidden or choice is None else choice.value,
            None if hidden or reference is None else (holder or email),
            None if hidden else reference))

    dissent: dict[int, list[Dissent]] = defaultdict(list)
    for reservation in db.session.scalars(select(Reservation).where(
            Reservation.motion_id.in_(closed)).options(selectinload(Reservation.municipality))
            .order_by(Reservation.id)) if closed else ():
        dissent[reservation.motion_id].append(Dissent(
            reservation.municipality_id, reservation.municipality.code,
            reservation.municipality.name, reservation.text))
    options: dict[int, list[Option]] = defaultdict(list)
    kinds = {m.id: m.kind for m in chosen}
    # only a vote between proposals and an election have options (motions.py: _kind_fields)
    polled = [m.id for m in chosen if m.kind is not PollKind.YES_NO]
    for option, code in db.session.execute(
            select(PollOption, Municipality.code)
            .outerjoin(Municipality, Municipality.id == PollOption.municipality_id)
            .where(PollOption.motion_id.in_(polled)).order_by(PollOption.motion_id,
                                                              PollOption.number)) \
            if polled else ():
        options[option.motion_id].append(Option(
            option.number, polls.label_of(option, kinds[option.motion_id], code), option.text,
            code, option.score, option.elected))
    marks: dict[tuple[int, int], list[str]] = defaultdict(list)
    if any(m.id in polled and not m.secret for m in chosen):
        for motion_id, mid, label in db.session.execute(
                select(Ballot.motion_id, Ballot.municipality_id, BallotMark.label)
                .join(BallotMark, BallotMark.ballot_id == Ballot.id)
                .join(PollOption, PollOption.id == BallotMark.option_id)
                .where(Ballot.motion_id.in_(ids)).order_by(PollOption.number)):
            marks[(motion_id, mid)].append(label)
    excluded: dict[int, list[Excluded]] = defaultdict(list)
    for motion_id, code, name, reason in db.session.execute(
            select(Disqualification.motion_id, Municipality.code, Municipality.name,
                   Disqualification.reason)
            .join(Municipality, Municipality.id == Disqualification.municipality_id)
            .where(Disqualification.motion_id.in_(ids))
            .order_by(Disqualification.motion_id, Municipality.sort_name)):
        excluded[motion_id].append(Excluded(code, name, reason))
    return [MotionRecord(
        id=m.id, council_id=m.council_id, agenda_item_id=m.agenda_item_id, title=m.title,
        text=m.text, status=m.status.value, shown_status=motion_rules.shown_status(m),
        secret=m.secret, weighting=m.weighting.value, majority=m.majority.value,
        quorum_percent=m.quorum_percent, tie_break=m.tie_break.value,
        population_year=m.population_year, closes_at=m.closes_at,
        result=_result(outcome.get(m.id)),
        seats=tuple(replace(seat, marks=tuple(marks.get((m.id, seat.municipality_id), ())))
                    for seat in seats[m.id]) if m.status is not MotionStatus.DRAFT else (),
        reservations=tuple(dissent[m.id]), disqualified=tuple(excluded[m.id]),
        kind=m.kind.value, positions=m.positions, options=tuple(options[m.id]),
        effect=m.effect)
        for m in chosen]


def _result(row: MotionResult | None) -> Result | None:
    if row is None:
        return None
    return Result(row.outcome.value, row.yes, row.no, row.abstain, row.participating,
                  row.total, row.quorum_met, row.decided_by_chair, row.population_year,
                  row.adopted_option, row.vacant, row.lot_seed, tuple(row.lot_group or ()),
                  row.decided_by, row.effect_applied, row.effect_note or "")
