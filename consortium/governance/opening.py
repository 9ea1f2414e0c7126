"""What opening a population-weighted vote would weigh by, said before it opens (SPEC
"Counting": the year is the latest that every seat has; the office is asked when it is old)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from consortium import clock, db
from consortium.governance import counting
from consortium.governance.councils import seats_on
from consortium.governance.models import Council, Motion, MotionStatus, Weighting
from consortium.governance.motions import meeting_of
from consortium.governance.weights import population_weights
from consortium.members.models import Municipality, PopulationFigure


@dataclass(frozen=True)
class Opening:
    """What opening a population-weighted vote today would weigh by: the year of the figures,
    the seats that hold it back (no figure of a later year), and whether it is older than two
    years before the opening (then the office is asked first)."""

    population_year: int
    held_back_by: list[Municipality]
    old: bool


def opening_of(motion: Motion, on: date | None = None) -> Opening | None:
    """For a population-weighted draft: what its opening would weigh by (None otherwise, or
    when no year can be found: opening then says why)."""
    if motion.weighting is not Weighting.POPULATION or motion.status is not MotionStatus.DRAFT:
        return None
    on = on or clock.today()
    council = db.session.get(Council, motion.council_id)
    assert council is not None
    meeting = meeting_of(motion)
    if meeting is not None and meeting.roll_fixed_at is not None:
        from consortium.governance import roll

        seats = [line.municipality for line in roll.current(meeting)]
        year_of_opening = meeting.held_on.year
    else:
        seats = seats_on(council, on)
        year_of_opening = on.year
    if not seats:
        return None
    try:
        _weights_by_id, year = population_weights(seats, year_of_opening)
    except counting.CountingError:
        return None
    newest = dict(db.session.execute(
        select(PopulationFigure.municipality_id, func.max(PopulationFigure.year))
        .where(PopulationFigure.municipality_id.in_([m.id for m in seats]),
               PopulationFigure.year <= year_of_opening - 1)
        .group_by(PopulationFigure.municipality_id)).all())
    held_back = [m for m in seats if newest.get(m.id) == year] \
        if year < year_of_opening - 1 else []
    return Opening(year, held_back, year < on.year - 2)
