"""Who governance tells what, by e-mail (SPEC "Notices"): a motion opened, a reminder before
it closes, minutes ready to sign, the result. Each function writes to the outbox inside the
caller's transaction; the worker sends. The worker's periodic tasks are here too."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import select

from consortium import clock, db
from consortium.auth.models import Role, User
from consortium.governance import proxies
from consortium.governance.models import (
    Ballot,
    Council,
    Meeting,
    MeetingOfficer,
    Motion,
    MotionSeat,
    MotionStatus,
    Proxy,
)
from consortium.members.models import Municipality
from consortium.notices.service import notify

REMIND_BEFORE = timedelta(hours=24)


def _motion_params(motion: Motion) -> dict[str, object]:
    council = db.session.get(Council, motion.council_id)
    return {"motion": motion.title, "council": council.name if council else "",
            "closes_at": motion.closes_at.isoformat() if motion.closes_at else None,
            "secret": motion.secret}


def casters(motion: Motion, seat_ids: set[int]) -> list[tuple[User, Municipality]]:
    """Everyone who may cast the ballot of one of the seats today, with the seat: the seats'
    own representatives and the holders of proxies valid for the motion. A holder who is also
    a representative appears once per seat."""
    found: list[tuple[User, Municipality]] = []
    if not seat_ids:
        return found
    for user in db.session.scalars(select(User).where(
            User.role == Role.REPRESENTATIVE, User.active.is_(True),
            User.municipality_id.in_(sorted(seat_ids))).order_by(User.id)):
        assert user.municipality is not None
        found.append((user, user.municipality))
    day = clock.today()
    for proxy in db.session.scalars(select(Proxy).where(
            Proxy.council_id == motion.council_id, Proxy.principal_id.in_(sorted(seat_ids)),
            Proxy.valid_from <= day).order_by(Proxy.id)):
        holder = proxy.holder
        if holder.active and proxies.proxy_for(holder, motion, proxy.principal_id, day) \
                is proxy:
            found.append((holder, proxy.principal))
    return found


def _seat_ids(motion: Motion) -> set[int]:
    return set(db.session.scalars(select(MotionSeat.municipality_id).where(
        MotionSeat.motion_id == motion.id)))


def motion_opened(motion: Motion) -> None:
    for user, seat in casters(motion, _seat_ids(motion)):
        notify([user], "motion_opened", {**_motion_params(motion), "seat": seat.name},
               f"/motions/{motion.id}/vote/{seat.code}", once=f"motion{motion.id}:{seat.code}")


def motion_closed(motion: Motion, outcome: str, chosen: list[str] | None = None) -> None:
    """The result to every seat; `chosen`: the elected, or the adopted proposal's text."""
    seats = _seat_ids(motion)
    users: Iterable[User] = db.session.scalars(select(User).where(
        User.role == Role.REPRESENTATIVE, User.municipality_id.in_(sorted(seats)))) \
        if seats else []
    notify(users, "motion_result", {**_motion_params(motion), "outcome": outcome,
                                    "kind": motion.kind.value, "chosen": chosen or []},
           f"/motions/{motion.id}", once=f"motion{motion.id}")


def minutes_to_sign(meeting: Meeting) -> None:
    council = db.session.get(Council, meeting.council_id)
    signers = db.session.scalars(select(User).join(MeetingOfficer, MeetingOfficer.user_id
                                                   == User.id)
                                 .where(MeetingOfficer.meeting_id == meeting.id).distinct())
    notify(signers, "minutes_to_sign",
           {"council": council.name if council else "", "date": meeting.held_on.isoformat(),
            "number": f"{meeting.year}:{meeting.number}"},
           f"/meetings/{meeting.id}", once=f"meeting{meeting.id}")


def remind_before_closing() -> int:
    """Once, 24 hours before a motion closes by itself, remind the seats that have not
    voted. Returns how many motions were reminded of."""
    now = clock.now()
    due = list(db.session.scalars(select(Motion.id).where(
        Motion.status == MotionStatus.OPEN, Motion.reminded_at.is_(None),
        Motion.closes_at.is_not(None), Motion.closes_at > now,
        Motion.closes_at <= now + REMIND_BEFORE)))
    db.session.rollback()
    reminded = 0
    for motion_id in due:
        motion = db.session.scalar(select(Motion).where(Motion.id == motion_id)
                                   .with_for_update())
        if motion is None or motion.reminded_at is not None \
                or motion.status is not MotionStatus.OPEN:
            db.session.rollback()
            continue
        voted = set(db.session.scalars(select(Ballot.municipality_id).where(
            Ballot.motion_id == motion.id)))
        for user, seat in casters(motion, _seat_ids(motion) - voted):
            notify([user], "motion_reminder", {**_motion_params(motion), "seat": seat.name},
                   f"/motions/{motion.id}/vote/{seat.code}",
                   once=f"motion{motion.id}:{seat.code}")
        motion.reminded_at = now
        db.session.commit()
        reminded += 1
    return reminded


def close_motions_whose_time_has_come() -> int:
    from consortium.governance.results import close_due_motions

    return close_due_motions()
