"""The weights of a poll's seats (SPEC "Counting"): population, cost share or equal, from
the register as it stands on the day of opening, or from a meeting's fixed voting register
(röstlängd), which then decides the seats as well."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from consortium import db
from consortium.costs.models import AllocationLine, Budget, BudgetStatus
from consortium.errors import Invalid
from consortium.governance import counting
from consortium.governance.models import Council, Meeting, Motion, Weighting
from consortium.members.models import Municipality, PopulationFigure


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


def weights_on(motion: Motion, council: Council, seats: list[Municipality], on: date
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


def seats_of_the_register(motion: Motion, meeting: Meeting
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
