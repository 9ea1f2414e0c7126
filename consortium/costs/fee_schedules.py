"""Membership fee schedules (medlemsavgift) per year and the fees they give each member.
The arithmetic lives in fees.py."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import selectinload

from consortium import clock, db
from consortium.audit.service import record
from consortium.auth.models import User
from consortium.costs import inputs, years
from consortium.costs.allocation import AllocationError
from consortium.costs.fees import FeeBand as PureFeeBand
from consortium.costs.fees import FeeLine, check_bands, fee_lines
from consortium.costs.models import FeeBand, FeeSchedule, StoredFee
from consortium.costs.service import check_year, problem_json, problem_text
from consortium.errors import Conflict, Invalid
from consortium.members.models import Municipality
from consortium.members.validation import year_error


def fee_schedule(year: int) -> FeeSchedule | None:
    return db.session.scalar(select(FeeSchedule).where(FeeSchedule.year == year)
                             .options(selectinload(FeeSchedule.bands)))


def pure_bands(schedule: FeeSchedule) -> list[PureFeeBand]:
    return [PureFeeBand(b.up_to, b.annual, b.entry) for b in schedule.bands]


def set_fee_schedule(year: int, population_year: int | None, bands: list[PureFeeBand], *,
                     actor: User | None = None, actor_label: str | None = None
                     ) -> tuple[FeeSchedule, bool]:
    check_year(year)
    years.refuse_if_closed(year, _("its membership fees"))
    if population_year is not None and (message := year_error(population_year)):
        raise Invalid(message, {"population_year": message})
    try:
        check_bands(bands)
    except AllocationError as error:
        raise Invalid(str(error), {"bands": str(error)}) from None
    schedule = fee_schedule(year)
    if schedule is not None and schedule.adopted_at is not None:
        raise Conflict(_("The membership fees of %(year)s are adopted by the decision of the "
                         "föreningsstämma; they no longer change.", year=year))
    created = schedule is None
    before = None if schedule is None else _fee_snapshot(schedule)
    if schedule is None:
        schedule = FeeSchedule(year=year)
        db.session.add(schedule)
    schedule.population_year = population_year
    schedule.bands.clear()
    db.session.flush()
    for position, band in enumerate(bands, start=1):
        schedule.bands.append(FeeBand(position=position, up_to=band.up_to, annual=band.annual,
                                      entry=band.entry))
    db.session.flush()
    store_fees(schedule)
    if problem := fee_problem(schedule):  # validated in full; the caller's rollback keeps none
        raise Invalid(problem, {"population_year": problem})
    record("fees.set", "fee_schedule", year, before=before, after=_fee_snapshot(schedule),
           actor=actor, actor_label=actor_label)
    return schedule, created


def _fee_snapshot(schedule: FeeSchedule) -> dict[str, Any]:
    return {"population_year": schedule.population_year,
            "bands": [{"up_to": b.up_to, "annual": b.annual, "entry": b.entry}
                      for b in schedule.bands]}


def fee_population_year(schedule: FeeSchedule) -> int:
    return schedule.population_year if schedule.population_year is not None \
        else schedule.year - 2


def store_fees(schedule: FeeSchedule) -> AllocationError | None:
    """Compute every member's fee of the schedule's year from today's register and store
    them (replacing those stored before), or store why they cannot be computed. Called when
    the schedule, a membership or the population figures it uses change (SPEC "Time")."""
    db.session.execute(delete(StoredFee).where(StoredFee.year == schedule.year),
                       execution_options={"synchronize_session": False})
    schedule.computed_at = clock.now()
    population_year = fee_population_year(schedule)
    found = inputs.members(schedule.year, population_year)
    try:
        lines = fee_lines(schedule.year, pure_bands(schedule), [m for _mid, m in found],
                          population_year)
    except AllocationError as error:
        schedule.problem = problem_json(error)
        return error
    schedule.problem = None
    ids = {member.code: mid for mid, member in found}
    if lines:
        db.session.execute(insert(StoredFee), [
            {"year": schedule.year, "municipality_id": ids[line.code], "band": line.band,
             "annual": line.annual, "entry": line.entry} for line in lines])
    return None


def stored_fees(year: int, municipality_id: int | None = None) -> list[FeeLine]:
    """The stored fees of the year (of one municipality when given), by code."""
    query = (select(Municipality.code, Municipality.name, StoredFee.band, StoredFee.annual,
                    StoredFee.entry)
             .join(Municipality, Municipality.id == StoredFee.municipality_id)
             .where(StoredFee.year == year).order_by(Municipality.code))
    if municipality_id is not None:
        query = query.where(StoredFee.municipality_id == municipality_id)
    return [FeeLine(*row) for row in db.session.execute(query)]


def fee_problem(schedule: FeeSchedule) -> str | None:
    if schedule.computed_at is None:
        return _("The fees of %(year)s have not been computed yet (flask costs refresh).",
                 year=schedule.year)
    return problem_text(schedule.problem) if schedule.problem else None


def fees_for(schedule: FeeSchedule) -> list[FeeLine]:
    """The stored fees of the schedule; Invalid with the reason when there are none."""
    problem = fee_problem(schedule)
    if problem is not None:
        raise Invalid(problem, {"bands": problem})
    return stored_fees(schedule.year)
