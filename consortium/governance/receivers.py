"""What governance tells the lower domains: a municipality's ballots, references, decisions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select

from consortium import db
from consortium.frame.sections import PageSection
from consortium.governance.models import Ballot, BoardSeat, Council, Motion, MotionSeat
from consortium.members.models import Municipality


def ballots_section(municipality: Municipality, **_kwargs: Any) -> PageSection:
    """The municipality's latest ballots: (motion, council name, choice, time); a secret
    motion's choice is never shown (it is not stored with the ballot either)."""
    ballots = list(db.session.execute(
        select(Motion, Council.name, Ballot.choice, Ballot.cast_at)
        .join(Ballot, Ballot.motion_id == Motion.id).join(Council, Council.id == Motion.council_id)
        .where(Ballot.municipality_id == municipality.id)
        .order_by(Ballot.cast_at.desc()).limit(15)).all())
    return PageSection(30, "governance/_municipality.html", {"ballots": ballots})


def governance_references(municipality_id: int, **_kwargs: Any) -> list[Any]:
    return [exists().where(MotionSeat.municipality_id == municipality_id),
            exists().where(Ballot.municipality_id == municipality_id),
            exists().where(BoardSeat.municipality_id == municipality_id)]
