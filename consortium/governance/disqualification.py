"""Disqualification (jäv): seats that may not take part in one motion, each with its reason,
marked before the vote opens (SPEC "Disqualification"). Opening leaves them out of S."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from consortium import db
from consortium.audit.service import record
from consortium.auth.models import User
from consortium.db import insert_once
from consortium.errors import Conflict, Invalid, NotFound
from consortium.governance.models import Motion, MotionStatus
from consortium.governance.poll_models import Disqualification
from consortium.members.models import Municipality


def disqualify(motion: Motion, code: str, reason: str, *, actor: User | None = None,
               actor_label: str | None = None) -> Disqualification:
    """Mark a seat disqualified (jäv) from a motion before it opens, with the reason."""
    if motion.status is not MotionStatus.DRAFT:
        raise Conflict(_("Seats are disqualified before the vote opens."))
    municipality = db.session.scalar(select(Municipality).where(Municipality.code == code))
    if municipality is None:
        raise NotFound(_("No municipality has the code %(code)s.", code=code))
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        message = _("Give the reason for the disqualification (at most 500 characters).")
        raise Invalid(message, {"reason": message})
    found = Disqualification(motion_id=motion.id, municipality_id=municipality.id,
                             reason=reason, created_by_id=actor.id if actor else None)
    insert_once(found, _("%(name)s is already disqualified from this vote.",
                         name=municipality.name))
    record("motion.disqualify", "motion", motion.id,
           after={"municipality": code, "reason": reason}, actor=actor,
           actor_label=actor_label)
    return found


def requalify(motion: Motion, code: str, *, actor: User | None = None) -> None:
    """Take a disqualification back, before the vote opens."""
    if motion.status is not MotionStatus.DRAFT:
        raise Conflict(_("Seats are disqualified before the vote opens."))
    found = db.session.scalar(select(Disqualification).join(
        Municipality, Municipality.id == Disqualification.municipality_id).where(
        Disqualification.motion_id == motion.id, Municipality.code == code))
    if found is None:
        raise NotFound(_("%(code)s is not disqualified from this vote.", code=code))
    record("motion.requalify", "motion", motion.id,
           before={"municipality": code, "reason": found.reason}, actor=actor)
    db.session.delete(found)
    db.session.flush()


def reason_of(motion: Motion, municipality: Municipality) -> str | None:
    """Why the seat is disqualified from the poll, or None when it is not."""
    return db.session.scalar(select(Disqualification.reason).where(
        Disqualification.motion_id == motion.id,
        Disqualification.municipality_id == municipality.id))
