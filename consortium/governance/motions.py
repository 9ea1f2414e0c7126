"""Motions (beslutsförslag) and ballots: creating, opening with the seats and weights of
that day, and casting a municipality's ballot (final, one per seat).
Each operation is one transaction that checks the rules and writes the audit log."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, or_, select

from consortium import clock, db
from consortium.audit.service import record
from consortium.auth.models import Role, User
from consortium.db import app_config, insert_once
from consortium.errors import Conflict, Forbidden, Invalid, NotFound
from consortium.governance import disqualification, effects, notices, polls, proxies, sealing
from consortium.governance import weights as weighing
from consortium.governance.councils import seats_on
from consortium.governance.models import (
    AgendaItem,
    Ballot,
    Council,
    CouncilKind,
    Majority,
    Meeting,
    MeetingStatus,
    Motion,
    MotionSeat,
    MotionStatus,
    PollKind,
    Proxy,
    SealedBallot,
    TieBreak,
    Weighting,
)
from consortium.governance.poll_models import BallotMark, Disqualification
from consortium.members.models import Municipality

LAST_YEAR = 2100  # the registry keeps the years 1900-2100 (as in its URLs)


def _within_the_registry(moment: datetime) -> datetime | None:
    """The moment in UTC, or None when it lies past 2100 in the consortium's time (or past
    what a datetime holds at all: 9999-12-31 with a negative offset)."""
    try:
        in_utc = moment.astimezone(UTC)
        return in_utc if clock.local(in_utc).year <= LAST_YEAR else None
    except OverflowError:
        return None


def get_motion(motion_id: int) -> Motion:
    """The motion. A read never writes: a motion whose closing time has passed is closed by
    the worker's sweep; until then it reads as "closing" (`shown_status`) and takes no
    ballot."""
    motion = db.session.get(Motion, motion_id)
    if motion is None:
        raise NotFound(_("No motion has the number %(id)s.", id=motion_id))
    return motion


def is_due(motion: Motion) -> bool:
    return (motion.status is MotionStatus.OPEN and motion.closes_at is not None
            and motion.closes_at <= clock.now())


def shown_status(motion: Motion) -> str:
    """draft, open, closing (its time has passed; the worker is counting) or closed."""
    return "closing" if is_due(motion) else motion.status.value


def create_motion(council: Council, data: dict[str, Any], *, actor: User | None = None,
                  actor_label: str | None = None) -> Motion:
    """A motion: yes or no, or, with `proposals`, a vote between the main proposal and its
    counter-proposals (motförslag)."""
    kind = PollKind.YES_NO if data.get("proposals") is None else PollKind.PROPOSALS
    return create_poll(council, data, kind, actor=actor, actor_label=actor_label)


def create_election(council: Council, data: dict[str, Any], *, actor: User | None = None,
                    actor_label: str | None = None) -> Motion:
    """An election (val) of `positions` among candidates; secret unless said otherwise."""
    return create_poll(council, {"secret": True, **data}, PollKind.ELECTION, actor=actor,
                       actor_label=actor_label)


def create_poll(council: Council, data: dict[str, Any], kind: PollKind, *,
                actor: User | None = None, actor_label: str | None = None) -> Motion:
    errors: dict[str, str] = {}
    title = (data.get("title") or "").strip()
    if not title or len(title) > 300:
        errors["title"] = _("Give the motion a title (at most 300 characters).")
    values: dict[str, Any] = {}
    tie_default = TieBreak.REJECTED if kind is PollKind.YES_NO else TieBreak.LOT
    for key, enum_cls, default in (("weighting", Weighting, Weighting.EQUAL),
                                   ("majority", Majority, Majority.SIMPLE),
                                   ("tie_break", TieBreak, tie_default)):
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
    positions, options = _kind_fields(kind, data, values, errors)
    closes_at = _closing_time(data.get("closes_at"), errors)
    effect = None
    if "effect" not in errors:
        try:
            effect = effects.check(data.get("effect"), kind)
        except Invalid as error:
            errors.update(error.fields)
    if effect and effect["kind"] == "board_seats" and any(o.municipality is None
                                                          for o in options):
        errors["effect"] = _("Only municipalities can hold a board's seats; a candidate is "
                             "a person.")
    item = None
    if not errors and (data.get("meeting_id") is not None
                       or data.get("agenda_item_id") is not None):
        item = _item_for_motion(council, data, errors)
    if errors:
        only = next(iter(errors.values())) if len(errors) == 1 else None
        raise Invalid(only or _("The motion could not be saved."), errors)
    motion = Motion(council_id=council.id, agenda_item_id=item.id if item else None,
                    title=title, text=(data.get("text") or "").strip(), kind=kind,
                    positions=positions, effect=effect, quorum_percent=quorum, secret=secret,
                    closes_at=closes_at, **values)
    db.session.add(motion)
    db.session.flush()
    polls.add_options(motion, options)
    db.session.flush()
    record("motion.create", "motion", motion.id, after={
        **_motion_snapshot(motion), "kind": kind.value, "positions": positions,
        "options": [o.municipality.code if o.municipality else o.text for o in options],
        "effect": effect}, actor=actor, actor_label=actor_label)
    return motion


def _kind_fields(kind: PollKind, data: dict[str, Any], values: dict[str, Any],
                 errors: dict[str, str]) -> tuple[int | None, list[polls.NewOption]]:
    """(positions, options) of a vote between proposals or an election."""
    if kind is PollKind.YES_NO:
        return None, []
    if values.get("majority") not in (None, Majority.SIMPLE):
        errors["majority"] = _("Between proposals and in an election the most votes win: "
                               "the majority is simple.")
    if kind is PollKind.PROPOSALS:
        return None, polls.parse_proposals(data.get("proposals"), errors)
    positions = data.get("positions")
    if isinstance(positions, bool) or not isinstance(positions, int) or \
            not 1 <= positions <= polls.MAX_OPTIONS:
        errors["positions"] = _("The number of positions to fill: 1 to %(count)s.",
                                count=polls.MAX_OPTIONS)
        positions = None
    values["tie_break"] = TieBreak.LOT
    return positions, polls.parse_candidates(data.get("candidates"), errors)


def _closing_time(closes_at: Any, errors: dict[str, str]) -> datetime | None:
    if closes_at is None:
        return None
    if not isinstance(closes_at, datetime) or closes_at.tzinfo is None:
        errors["closes_at"] = _("A date and time with its offset from UTC.")
        return None
    found = _within_the_registry(closes_at)
    if found is None:
        errors["closes_at"] = _("The closing time must lie before %(year)s.",
                                year=LAST_YEAR + 1)
    elif found <= clock.now():
        errors["closes_at"] = _("The closing time must lie in the future.")
    return found


def _item_for_motion(council: Council, data: dict[str, Any],
                     errors: dict[str, str]) -> AgendaItem | None:
    """The agenda item of a motion: the one given (by id, or by its § number in the meeting),
    or a new paragraph of the meeting. A paragraph holds one motion, so the protocol prints
    each § once with its decision."""
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
    if meeting.status is MeetingStatus.CANCELLED:
        errors["meeting_id"] = _("The meeting is cancelled.")
        return None
    paragraph = data.get("paragraph")
    if item is None and paragraph is not None:
        item = db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id,
                                                          AgendaItem.number == paragraph))
        if item is None:
            errors["paragraph"] = _("The meeting has no § %(number)s.", number=paragraph)
            return None
    if item is not None and db.session.scalar(select(Motion.id).where(
            Motion.agenda_item_id == item.id)) is not None:
        errors["paragraph"] = _("§ %(number)s already has its motion.", number=item.number)
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
            "status": motion.status.value, "agenda_item_id": motion.agenda_item_id,
            "closes_at": motion.closes_at.isoformat() if motion.closes_at else None}


def meeting_of(motion: Motion) -> Meeting | None:
    if motion.agenda_item_id is None:
        return None
    return db.session.scalar(select(Meeting).join(AgendaItem, AgendaItem.meeting_id ==
                                                  Meeting.id)
                             .where(AgendaItem.id == motion.agenda_item_id))


def open_motion(motion: Motion, *, on: date | None = None, actor: User | None = None,
                actor_label: str | None = None) -> Motion:
    """Open for voting: the seats and their weights are fixed now, never recomputed."""
    if motion.status is not MotionStatus.DRAFT:
        raise Conflict(_("Only a draft motion can be opened."))
    if motion.closes_at is not None and motion.closes_at <= clock.now():
        raise Conflict(_("The closing time %(when)s has passed; set a later one in a new "
                         "motion.", when=motion.closes_at.isoformat(timespec="minutes")))
    on = on or clock.today()
    council = db.session.get(Council, motion.council_id)
    assert council is not None
    meeting = meeting_of(motion)
    if meeting is not None and meeting.status is MeetingStatus.CANCELLED:
        raise Conflict(_("The meeting is cancelled."))
    if meeting is not None and meeting.roll_fixed_at is not None:
        seats, weights, population_year = weighing.seats_of_the_register(motion, meeting)
        if not seats:
            raise Invalid(_("No seat is represented in the meeting's voting register."),
                          {"seats": _("No seats.")})
    else:
        seats = seats_on(council, on)
        if not seats:
            raise Invalid(_("The council has no seats on %(date)s.", date=on.isoformat()),
                          {"seats": _("No seats.")})
        weights, population_year = weighing.weights_on(motion, council, seats, on)
    excluded = set(db.session.scalars(select(Disqualification.municipality_id).where(
        Disqualification.motion_id == motion.id)))
    seats = [municipality for municipality in seats if municipality.id not in excluded]
    if not seats:
        raise Invalid(_("Every seat is disqualified from this vote."),
                      {"seats": _("No seats.")})
    for municipality in seats:
        db.session.add(MotionSeat(motion_id=motion.id, municipality_id=municipality.id,
                                  weight=weights[municipality.id]))
    motion.status = MotionStatus.OPEN
    motion.opened_at = clock.now()
    motion.population_year = population_year
    motion.effect_basis = effects.basis_at_opening(motion)
    record("motion.open", "motion", motion.id,
           after={"seats": {m.code: weights[m.id] for m in seats}, "opened_on": on,
                  "population_year": population_year}, actor=actor, actor_label=actor_label)
    db.session.flush()
    notices.motion_opened(motion)
    return motion


def may_vote_for(user: User | None, municipality: Municipality) -> bool:
    """The user is a representative of the municipality itself."""
    return (user is not None and user.role is Role.REPRESENTATIVE
            and user.municipality_id == municipality.id)


def may_cast_for(user: User | None, municipality: Municipality, motion: Motion
                 ) -> tuple[bool, Proxy | None]:
    """(may cast the seat's ballot in this motion, the proxy it would be cast under)."""
    if user is None:
        return False, None
    if may_vote_for(user, municipality):
        return True, None
    proxy = proxies.proxy_for(user, motion, municipality.id)
    return proxy is not None, proxy


def cast_ballot(motion_id: int, code: str, choice: str | None, user: User, *,
                proposal: Any = None, candidates: Any = None) -> Ballot:
    """One final ballot per seat: yes/no/abstain, a proposal (or abstain), or the marked
    candidates of an election (none: blank). Concurrent casts for the same municipality
    store exactly one: the unique (motion, municipality) constraint refuses the second."""
    municipality = db.session.scalar(select(Municipality).where(Municipality.code == code))
    if municipality is None:
        raise NotFound(_("No municipality has the code %(code)s.", code=code))
    # A shared lock: ballots go in side by side, closing waits for them.
    motion = db.session.scalar(select(Motion).where(Motion.id == motion_id)
                               .with_for_update(read=True))
    if motion is None:
        raise NotFound(_("No motion has the number %(id)s.", id=motion_id))
    options = polls.options_of(motion) if motion.kind is not PollKind.YES_NO else []
    vote = polls.read_vote(motion, options, choice=choice, proposal=proposal,
                           candidates=candidates)
    if motion.status is not MotionStatus.OPEN:
        raise Conflict(_("The motion is not open for voting."))
    if is_due(motion):
        raise Conflict(_("The vote closed at its closing time; it is being counted."))
    seat = db.session.scalar(select(MotionSeat).where(
        MotionSeat.motion_id == motion.id, MotionSeat.municipality_id == municipality.id))
    allowed, proxy = may_cast_for(user, municipality, motion)
    if not allowed:
        raise Forbidden(_("Only a representative of %(name)s, or the holder of its proxy for "
                          "this vote, can cast its ballot.", name=municipality.name))
    if seat is None:
        reason = disqualification.reason_of(motion, municipality)
        if reason is not None:
            raise Forbidden(_("%(name)s is disqualified from this vote: %(reason)s",
                              name=municipality.name, reason=reason))
        raise Forbidden(_("%(name)s has no seat in this vote.", name=municipality.name))
    stored = vote.choice if motion.kind is PollKind.YES_NO or not vote.marked else None
    ballot = Ballot(motion_id=motion.id, municipality_id=municipality.id,
                    choice=None if motion.secret else stored, cast_by_id=user.id,
                    proxy_id=None if motion.secret or proxy is None else proxy.id)
    insert_once(ballot, _("%(name)s has already voted; a ballot is final.",
                           name=municipality.name))
    after: dict[str, Any] = {"municipality": code}
    if motion.secret:
        # The choice goes sealed into a row of its own; see sealing.py for why.
        db.session.add(SealedBallot(
            id=uuid.uuid4().hex, motion_id=motion.id,
            sealed=sealing.seal(app_config()["SECRET_KEY"], motion.id,
                                vote.sealed_text(options), seat.weight,
                                polls.seal_width(options))))
    else:
        for option, label in zip(vote.marked, vote.labels, strict=True):
            db.session.add(BallotMark(ballot_id=ballot.id, option_id=option.id, label=label))
        after.update({"choice": stored.value} if stored else {}, **(
            {"marks": list(vote.labels)} if vote.labels else {}))
        if proxy is not None:
            after["proxy"] = proxy.id
    record("ballot.cast", "motion", motion.id, after=after, actor=user)
    db.session.flush()
    return ballot


def ballot_of(motion: Motion, municipality: Municipality) -> Ballot | None:
    return db.session.scalar(select(Ballot).where(
        Ballot.motion_id == motion.id, Ballot.municipality_id == municipality.id))


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
        .where(Motion.status == MotionStatus.OPEN,
               or_(Motion.closes_at.is_(None), Motion.closes_at > clock.now()))
        .order_by(Motion.opened_at)).all()
    return [(motion, ballot_id is not None) for motion, ballot_id in rows]


def votable_seats(user: User) -> list[tuple[Motion, Municipality, Proxy | None, bool]]:
    """Every open motion where the user may cast a seat's ballot today: (motion, the seat's
    municipality, the proxy it is cast under or None for the own municipality, voted). A
    fixed number of statements, whatever the number of proxies held or motions open."""
    found: list[tuple[Motion, Municipality, Proxy | None, bool]] = []
    if user.role is not Role.REPRESENTATIVE:
        return found
    if user.municipality is not None:
        found += [(motion, user.municipality, None, voted)
                  for motion, voted in open_motions_for(user.municipality)]
    day = clock.today()
    held = proxies.held_by(user, day)
    if not held:
        return found
    by_principal = {proxy.principal_id: proxy.principal for proxy in held}
    for motion, seat_id, ballot_id, meeting_id in db.session.execute(
            select(Motion, MotionSeat.municipality_id, Ballot.id, AgendaItem.meeting_id)
            .join(MotionSeat, MotionSeat.motion_id == Motion.id)
            .outerjoin(Ballot, and_(Ballot.motion_id == Motion.id,
                                    Ballot.municipality_id == MotionSeat.municipality_id))
            .outerjoin(AgendaItem, AgendaItem.id == Motion.agenda_item_id)
            .where(MotionSeat.municipality_id.in_(list(by_principal)),
                   Motion.status == MotionStatus.OPEN,
                   or_(Motion.closes_at.is_(None), Motion.closes_at > clock.now()))
            .order_by(Motion.opened_at)):
        proxy = next((p for p in held if p.principal_id == seat_id
                      and p.council_id == motion.council_id
                      and proxies.applies(p, meeting_id, day)), None)
        if proxy is not None:
            found.append((motion, by_principal[seat_id], proxy, ballot_id is not None))
    return found


def receipt_of(ballot: Ballot) -> str:
    """A short code the voter can quote; it does not reveal the choice."""
    text = f"{ballot.motion_id}:{ballot.municipality_id}:{ballot.cast_at.isoformat()}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]
