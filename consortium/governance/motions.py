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
from consortium.costs.models import AllocationLine, Budget, BudgetStatus
from consortium.db import app_config, insert_once
from consortium.errors import Conflict, Forbidden, Invalid, NotFound
from consortium.governance import counting, notices, proxies, sealing
from consortium.governance.councils import seats_on
from consortium.governance.models import (
    AgendaItem,
    Ballot,
    Choice,
    Council,
    CouncilKind,
    Disqualification,
    Majority,
    Meeting,
    Motion,
    MotionSeat,
    MotionStatus,
    Proxy,
    SealedBallot,
    TieBreak,
    Weighting,
)
from consortium.members.models import Municipality, PopulationFigure

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
    closes_at = data.get("closes_at")
    if closes_at is not None:
        if not isinstance(closes_at, datetime) or closes_at.tzinfo is None:
            errors["closes_at"] = _("A date and time with its offset from UTC.")
        else:
            closes_at = _within_the_registry(closes_at)
            now = clock.now()
            if closes_at is None:
                errors["closes_at"] = _("The closing time must lie before %(year)s.",
                                        year=LAST_YEAR + 1)
            elif closes_at <= now:
                errors["closes_at"] = _("The closing time must lie in the future.")
    item = None
    if data.get("meeting_id") is not None or data.get("agenda_item_id") is not None:
        item = _item_for_motion(council, data, errors)
    if errors:
        raise Invalid(_("The motion could not be saved."), errors)
    motion = Motion(council_id=council.id, agenda_item_id=item.id if item else None,
                    title=title, text=(data.get("text") or "").strip(),
                    quorum_percent=quorum, secret=secret, closes_at=closes_at, **values)
    db.session.add(motion)
    db.session.flush()
    record("motion.create", "motion", motion.id, after=_motion_snapshot(motion), actor=actor,
           actor_label=actor_label)
    return motion


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


def population_weights(seats: list[Municipality], year: int) -> tuple[dict[int, int], int]:
    """The seats' population on 31 December of the latest year before `year` that has a
    figure for every seat, and that year; counting.CountingError when there is none."""
    figures: dict[str, dict[int, int]] = {m.code: {} for m in seats}
    by_id = {m.id: m for m in seats}
    for mid, figure_year, population in db.session.execute(
            select(PopulationFigure.municipality_id, PopulationFigure.year,
                   PopulationFigure.population)
            .where(PopulationFigure.municipality_id.in_(list(by_id)),
                   PopulationFigure.year <= year - 1)):
        figures[by_id[mid].code][figure_year] = population
    common = counting.population_year(figures, {m.code: m.name for m in seats}, year)
    return {m.id: figures[m.code][common] for m in seats}, common


def cost_share_weights(council: Council, year: int) -> dict[int, int] | None:
    """Each participant's share (öre) of the tool's adopted budget of the year; None when the
    year has no adopted budget."""
    budget = db.session.scalar(
        select(Budget).where(Budget.tool_id == council.tool_id, Budget.year == year,
                             Budget.status == BudgetStatus.ADOPTED)
        .order_by(Budget.version.desc()).limit(1))
    if budget is None:
        return None
    return dict(db.session.execute(select(AllocationLine.municipality_id, AllocationLine.amount)
                                   .where(AllocationLine.budget_id == budget.id)).all())


def _weights(motion: Motion, council: Council, seats: list[Municipality], on: date
             ) -> tuple[dict[int, int], int | None]:
    if motion.weighting is Weighting.EQUAL:
        return {m.id: 1 for m in seats}, None
    if motion.weighting is Weighting.POPULATION:
        try:
            return population_weights(seats, on.year)
        except counting.CountingError as error:
            if error.kind == "missing_population":
                names = ", ".join(f"{name} ({code})" for code, name in error.missing)
                message = _("No population figure up to %(year)s for: %(names)s.",
                            year=error.year, names=names)
            else:
                message = _("No year up to %(year)s has a population figure for every seat.",
                            year=error.year)
            raise Invalid(message, {"weighting": message}) from None
    amounts = cost_share_weights(council, on.year)
    if amounts is None:
        message = _("The tool has no adopted budget for %(year)s to weigh the seats by.",
                    year=on.year)
        raise Invalid(message, {"weighting": message})
    return {m.id: amounts.get(m.id, 0) for m in seats}, None


def meeting_of(motion: Motion) -> Meeting | None:
    if motion.agenda_item_id is None:
        return None
    return db.session.scalar(select(Meeting).join(AgendaItem, AgendaItem.meeting_id ==
                                                  Meeting.id)
                             .where(AgendaItem.id == motion.agenda_item_id))


def _seats_of_the_register(motion: Motion, meeting: Meeting
                           ) -> tuple[list[Municipality], dict[int, int], int | None]:
    """SPEC "Voting register": once a meeting's register is fixed, the seats of its votes are
    the seats the register lists as represented (own representative or proxy holder) when
    the vote opens, with the register's weights: the stämma decides with the votes on its
    röstlängd. A dated change of the register counts for the votes opened after it."""
    from consortium.governance import roll  # roll reads this module's weights

    lines = roll.current(meeting)
    represented = [line for line in lines if line.represented_by]
    seats = [line.municipality for line in represented]
    population_year = None
    if motion.weighting is Weighting.EQUAL:
        weights = {line.municipality.id: line.equal for line in represented}
    elif motion.weighting is Weighting.POPULATION:
        lacking = [line.municipality for line in represented if line.population is None]
        if lacking:
            names = ", ".join(f"{m.name} ({m.code})" for m in lacking)
            message = _("The voting register has no population for: %(names)s.", names=names)
            raise Invalid(message, {"weighting": message})
        weights = {line.municipality.id: line.population or 0 for line in represented}
        try:
            population_year = population_weights([line.municipality for line in lines],
                                                 meeting.held_on.year)[1]
        except counting.CountingError:
            population_year = None
    else:
        lacking = [line.municipality for line in represented if line.cost_share is None]
        if lacking:
            message = _("The voting register has no cost share for the seats: the tool had "
                        "no adopted budget for %(year)s.", year=meeting.held_on.year)
            raise Invalid(message, {"weighting": message})
        weights = {line.municipality.id: line.cost_share or 0 for line in represented}
    return seats, weights, population_year


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
    if meeting is not None and meeting.roll_fixed_at is not None:
        seats, weights, population_year = _seats_of_the_register(motion, meeting)
        if not seats:
            raise Invalid(_("No seat is represented in the meeting's voting register."),
                          {"seats": _("No seats.")})
    else:
        seats = seats_on(council, on)
        if not seats:
            raise Invalid(_("The council has no seats on %(date)s.", date=on.isoformat()),
                          {"seats": _("No seats.")})
        weights, population_year = _weights(motion, council, seats, on)
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
    # A shared lock: ballots go in side by side, closing waits for them.
    motion = db.session.scalar(select(Motion).where(Motion.id == motion_id)
                               .with_for_update(read=True))
    if motion is None:
        raise NotFound(_("No motion has the number %(id)s.", id=motion_id))
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
        reason = db.session.scalar(select(Disqualification.reason).where(
            Disqualification.motion_id == motion.id,
            Disqualification.municipality_id == municipality.id))
        if reason is not None:
            raise Forbidden(_("%(name)s is disqualified from this vote: %(reason)s",
                              name=municipality.name, reason=reason))
        raise Forbidden(_("%(name)s has no seat in this vote.", name=municipality.name))
    ballot = Ballot(motion_id=motion.id, municipality_id=municipality.id,
                    choice=None if motion.secret else chosen, cast_by_id=user.id,
                    proxy_id=None if motion.secret or proxy is None else proxy.id)
    insert_once(ballot, _("%(name)s has already voted; a ballot is final.",
                           name=municipality.name))
    if motion.secret:
        # The choice goes sealed into a row of its own; see sealing.py for why.
        db.session.add(SealedBallot(
            id=uuid.uuid4().hex, motion_id=motion.id,
            sealed=sealing.seal(app_config()["SECRET_KEY"], motion.id, chosen.value,
                                seat.weight)))
        after: dict[str, Any] = {"municipality": code}
    else:
        after = {"municipality": code, "choice": chosen.value}
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
    municipality, the proxy it is cast under or None for the own municipality, voted)."""
    found: list[tuple[Motion, Municipality, Proxy | None, bool]] = []
    if user.role is not Role.REPRESENTATIVE:
        return found
    if user.municipality is not None:
        found += [(motion, user.municipality, None, voted)
                  for motion, voted in open_motions_for(user.municipality)]
    day = clock.today()
    for proxy in proxies.held_by(user, day):
        for motion, voted in open_motions_for(proxy.principal):
            if motion.council_id != proxy.council_id:
                continue
            if proxies.proxy_for(user, motion, proxy.principal_id, day) is proxy:
                found.append((motion, proxy.principal, proxy, voted))
    return found


def receipt_of(ballot: Ballot) -> str:
    """A short code the voter can quote; it does not reveal the choice."""
    text = f"{ballot.motion_id}:{ballot.municipality_id}:{ballot.cast_at.isoformat()}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]
