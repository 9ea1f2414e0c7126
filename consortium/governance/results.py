"""Closing a motion and its result: counting by the rules of counting.py, storing the
result once, the seat table, and reservations against adopted decisions.
Each operation is one transaction that checks the rules and writes the audit log."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, select

from consortium import clock, db
from consortium.audit.service import record
from consortium.auth.models import Role, User
from consortium.db import app_config, insert_once
from consortium.errors import Conflict, Forbidden, NotFound
from consortium.governance import counting, effects, election_counting, notices, polls, sealing
from consortium.governance.models import (
    AgendaItem,
    Ballot,
    Council,
    Meeting,
    Motion,
    MotionResult,
    MotionSeat,
    MotionStatus,
    Outcome,
    PollKind,
    Proxy,
    Reservation,
    SealedBallot,
    TieBreak,
)
from consortium.governance.motions import may_vote_for
from consortium.governance.poll_models import BallotMark
from consortium.governance.records import Seat, motion_record
from consortium.members.models import Municipality


def current_count(motion: Motion) -> tuple[counting.Count | None, dict[int, str], int]:
    """(count, choice per municipality id, number of ballots). A secret motion has no count
    before it closes (its choices are sealed) and never choices per municipality."""
    if motion.secret:
        ballots = db.session.scalar(select(func.count()).select_from(Ballot).where(
            Ballot.motion_id == motion.id)) or 0
        return None, {}, ballots
    weights = dict(db.session.execute(select(MotionSeat.municipality_id, MotionSeat.weight)
                                      .where(MotionSeat.motion_id == motion.id)).all())
    choices = {mid: choice.value for mid, choice in db.session.execute(
        select(Ballot.municipality_id, Ballot.choice).where(Ballot.motion_id == motion.id))
        if choice is not None}
    return _tally(weights, choices)


def count_of_seats(seats: Sequence[Seat]) -> tuple[counting.Count, dict[int, str], int]:
    """`current_count` of a motion that is not secret, from the seats its record has read
    already (each with its weight and its ballot's choice), without reading them again."""
    return _tally({seat.municipality_id: seat.weight for seat in seats},
                  {seat.municipality_id: seat.choice for seat in seats
                   if seat.choice is not None})


def _tally(weights: dict[int, Any], choices: dict[int, str]
           ) -> tuple[counting.Count, dict[int, str], int]:
    count = counting.tally({str(k): v for k, v in weights.items()},
                           {str(k): v for k, v in choices.items()})
    return count, choices, len(choices)


def live_tally(motion: Motion) -> dict[str, Any]:
    """The running count of an open vote, in one statement: how many seats have voted and,
    for an open yes/no vote, the summed weights per choice (a secret vote has none to show).
    It reads committed rows only, so it never waits behind the ballots being written."""
    seats = (select(func.count(), func.coalesce(func.sum(MotionSeat.weight), 0))
             .where(MotionSeat.motion_id == motion.id))
    by_choice = (select(Ballot.choice, func.count(), func.coalesce(func.sum(MotionSeat.weight), 0))
                 .join(MotionSeat, and_(MotionSeat.motion_id == Ballot.motion_id,
                                        MotionSeat.municipality_id == Ballot.municipality_id))
                 .where(Ballot.motion_id == motion.id).group_by(Ballot.choice))
    (seat_count, total), = db.session.execute(seats).all()
    sums = {"yes": 0, "no": 0, "abstain": 0}
    ballots = 0
    for choice, count, weight in db.session.execute(by_choice):
        ballots += count
        if choice is not None:
            sums[choice.value] += int(weight)
    shown = not motion.secret and motion.kind is PollKind.YES_NO
    return {"motion": motion.id, "status": motion.status.value, "ballots": ballots,
            "seats": seat_count, "total": int(total),
            **({key: value for key, value in sums.items()} if shown else
               {"yes": None, "no": None, "abstain": None})}


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
    """Count and store the result; it is never recomputed from later data. An adopted
    decision's effect is applied in this same transaction (effects.py)."""
    motion = db.session.scalar(select(Motion).where(Motion.id == motion_id).with_for_update())
    if motion is None:
        raise NotFound(_("No motion has the number %(id)s.", id=motion_id))
    if motion.status is not MotionStatus.OPEN:
        raise Conflict(_("Only an open motion can be closed."))
    if motion.kind is PollKind.YES_NO:
        result, after = _count_yes_no(motion)
        elected: list[Municipality] = []
        adopted = result.outcome is Outcome.ADOPTED
    else:
        result, after, elected = _count_options(motion)
        adopted = result.outcome is Outcome.ADOPTED and (
            motion.kind is PollKind.ELECTION or result.adopted_option == 1)
    result.effect_applied, result.effect_note = effects.apply(motion, adopted=adopted,
                                                              elected=elected)
    db.session.add(result)
    motion.status = MotionStatus.CLOSED
    motion.closed_at = clock.now()
    if result.effect_applied is not None:
        after["effect"] = {"applied": result.effect_applied, "note": result.effect_note}
    record("motion.close", "motion", motion.id, after=after, actor=actor,
           actor_label=actor_label)
    notices.motion_closed(motion, result.outcome.value, [
        option.text for option, _label in polls.options_of(motion)
        if option.elected or (motion.kind is PollKind.PROPOSALS
                              and option.number == result.adopted_option)])
    db.session.flush()
    return result


def _count_yes_no(motion: Motion) -> tuple[MotionResult, dict[str, Any]]:
    choices: dict[int, str] = {}
    if motion.secret:
        count = _open_the_seals(motion)
    else:
        open_count, choices, _ballots = current_count(motion)
        assert open_count is not None
        count = open_count
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
    return result, {"outcome": decided.outcome, "yes": count.yes, "no": count.no,
                    "abstain": count.abstain, "total": count.total,
                    "quorum_met": decided.quorum_met,
                    "decided_by_chair": decided.decided_by_chair}


def _count_options(motion: Motion) -> tuple[MotionResult, dict[str, Any], list[Municipality]]:
    """A vote between proposals or an election: the marks of every ballot (opened from
    their seals when secret), counted by election_counting, the lot's seed drawn here."""
    options = polls.options_of(motion)
    by_id = {option.id: (option, label) for option, label in options}
    weights = {str(mid): weight for mid, weight in db.session.execute(
        select(MotionSeat.municipality_id, MotionSeat.weight)
        .where(MotionSeat.motion_id == motion.id))}
    marks: dict[str, list[str]] = {}
    if motion.secret:
        total = sum(weights.values())
        weights = {}
        secret = app_config()["SECRET_KEY"]
        width = polls.seal_width(options)
        for index, sealed in enumerate(db.session.scalars(select(SealedBallot.sealed).where(
                SealedBallot.motion_id == motion.id))):
            text, weight = sealing.unseal(secret, motion.id, sealed, width)
            weights[f"sealed-{index}"] = weight
            marks[f"sealed-{index}"] = polls.marked_labels(text, options)
        weights["not voted"] = total - sum(weights.values())
        db.session.execute(delete(SealedBallot).where(SealedBallot.motion_id == motion.id))
    else:
        for mid in db.session.scalars(select(Ballot.municipality_id).where(
                Ballot.motion_id == motion.id)):
            marks[str(mid)] = []
        for mid, option_id in db.session.execute(
                select(Ballot.municipality_id, BallotMark.option_id)
                .join(BallotMark, BallotMark.ballot_id == Ballot.id)
                .where(Ballot.motion_id == motion.id)):
            marks[str(mid)].append(by_id[option_id][1])
    seed = secrets.token_hex(32)
    labels = [label for _option, label in options]
    if motion.kind is PollKind.PROPOSALS:
        chair = chair_of(motion) if motion.tie_break is TieBreak.CHAIR else None
        counted = election_counting.count_proposals(
            weights, {seat: int(chosen[0]) if chosen else None
                      for seat, chosen in marks.items()}, len(options),
            quorum_percent=motion.quorum_percent, tie_break=motion.tie_break.value,
            chair_seat=str(chair.id) if chair is not None else None, seed_hex=seed)
        scores = {str(number): weight for number, weight in counted.weights.items()}
        lot_group = election_counting.lot_order(seed, [str(n) for n in counted.tied]) \
            if counted.decided_by == "lot" else []
        winners = {str(counted.adopted)} if counted.adopted else set()
        elected_labels: list[str] = []
        result = MotionResult(
            motion_id=motion.id, outcome=Outcome(counted.outcome), yes=0, no=0,
            abstain=counted.abstain, participating=counted.participating,
            total=counted.total, quorum_met=counted.quorum_met,
            decided_by_chair=counted.decided_by == "chair", decided_by=counted.decided_by,
            adopted_option=counted.adopted)
    else:
        elected_count = election_counting.count_election(
            weights, marks, labels, motion.positions or 1,
            quorum_percent=motion.quorum_percent, seed_hex=seed)
        scores, winners = elected_count.scores, set(elected_count.elected)
        elected_labels = list(elected_count.elected)
        lot_group = list(elected_count.lot_group)
        result = MotionResult(
            motion_id=motion.id, outcome=Outcome(elected_count.outcome), yes=0, no=0,
            abstain=elected_count.blank, participating=elected_count.participating,
            total=elected_count.total, quorum_met=elected_count.quorum_met,
            decided_by="lot" if lot_group else None, vacant=elected_count.vacant)
    result.population_year = motion.population_year
    result.lot_seed = seed
    result.lot_group = lot_group or None
    for option, label in options:
        option.score = scores[label]
        option.elected = label in winners
    by_label = {label: option for option, label in options}
    elected = [municipality for label in elected_labels  # in the order of election
               if (municipality := by_label[label].municipality) is not None]
    return result, {"outcome": result.outcome.value, "scores": scores,
                    "chosen": sorted(winners), "abstain": result.abstain,
                    "total": result.total, "quorum_met": result.quorum_met,
                    "lot_seed": seed, "lot_group": lot_group}, elected


def close_when_due(motion_id: int) -> bool:
    """Close a motion whose closing time has passed (the worker's sweep, a job: it commits
    each motion on its own). Two sweeps at once: one closes, the other finds it closed."""
    with db.unit_of_work():
        motion = db.session.scalar(select(Motion).where(Motion.id == motion_id)
                                   .with_for_update())
        if motion is None or motion.status is not MotionStatus.OPEN \
                or motion.closes_at is None or motion.closes_at > clock.now():
            return False
        close_motion(motion_id, actor_label="closes_at")
    return True


def close_due_motions() -> int:
    """Close every open motion whose closing time has passed; how many were closed."""
    due = list(db.session.scalars(select(Motion.id).where(
        Motion.status == MotionStatus.OPEN, Motion.closes_at.is_not(None),
        Motion.closes_at <= clock.now()).order_by(Motion.closes_at)))
    if not due:
        return 0  # the common case: nothing read is thrown away
    db.session.rollback()
    return sum(1 for motion_id in due if close_when_due(motion_id))


def _open_the_seals(motion: Motion) -> counting.Count:
    """Count a secret motion's sealed ballots and delete them, in the closing transaction:
    afterwards only the totals are stored (see sealing.py)."""
    total = db.session.scalar(select(func.coalesce(func.sum(MotionSeat.weight), 0)).where(
        MotionSeat.motion_id == motion.id)) or 0
    sums = {"yes": 0, "no": 0, "abstain": 0}
    secret = app_config()["SECRET_KEY"]
    for sealed in db.session.scalars(select(SealedBallot.sealed).where(
            SealedBallot.motion_id == motion.id)):
        choice, weight = sealing.unseal(secret, motion.id, sealed)
        sums[choice] += weight
    db.session.execute(delete(SealedBallot).where(SealedBallot.motion_id == motion.id))
    return counting.Count(sums["yes"], sums["no"], sums["abstain"], total)


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


def proxy_ballots(motion: Motion) -> dict[int, tuple[str, str]]:
    """Ballots of an open vote cast by proxy: municipality id → (holder, fullmakt reference)."""
    if motion.secret:
        return {}
    return {mid: (holder.display_name, reference) for mid, holder, reference in
            db.session.execute(select(Ballot.municipality_id, User, Proxy.reference)
                               .join(Proxy, Proxy.id == Ballot.proxy_id)
                               .join(User, User.id == Ballot.cast_by_id)
                               .where(Ballot.motion_id == motion.id))}


def register_reservation(motion: Motion, code: str, text: str, user: User) -> Reservation:
    municipality = db.session.scalar(select(Municipality).where(Municipality.code == code))
    if municipality is None:
        raise NotFound(_("No municipality has the code %(code)s.", code=code))
    if not (may_vote_for(user, municipality) or user.role is Role.ADMIN):
        raise Forbidden(_("Only a representative of %(name)s (or the office) can register "
                          "its reservation.", name=municipality.name))
    found = motion_record(motion)
    if found.result is None or found.result.outcome != Outcome.ADOPTED.value:
        raise Conflict(_("A reservation is made against an adopted decision."))
    if found.seat_of(municipality.id) is None:
        raise Forbidden(_("%(name)s had no seat in this vote.", name=municipality.name))
    if not found.may_reserve(municipality.id):
        raise Conflict(_("%(name)s has already registered a reservation.",
                         name=municipality.name))
    reservation = Reservation(motion_id=motion.id, municipality_id=municipality.id,
                              text=(text or "").strip(), registered_by_id=user.id)
    insert_once(reservation, _("%(name)s has already registered a reservation.",
                                name=municipality.name))
    record("reservation.create", "motion", motion.id,
           after={"municipality": code, "text": reservation.text}, actor=user)
    return reservation
