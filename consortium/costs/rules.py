"""The rules the cost-sharing domain provides to the register (consortium/rules.py): a closed
year's figures never change, and stored allocations and fees follow every change of their
inputs in the same transaction (SPEC "Time"). Provided in `consortium.costs.init_app`."""

from __future__ import annotations

from typing import assert_never

from flask_babel import gettext as _

from consortium.costs import derived, years
from consortium.rules import (
    FigureChange,
    MembershipChange,
    ParticipationChange,
    PopulationChange,
    UsageChange,
)


class ClosedYears:
    """Refuses a population figure of a year a closed year's keys or fees used, usage or
    participation within a closed year, a membership change dated in one."""

    def refusal(self, change: FigureChange) -> str | None:
        match change:
            case PopulationChange(year=year):
                used_by = years.locked_population_years().get(year)
                if used_by is None:
                    return None
                return _("The population figures of %(year)s are used by the closed year "
                         "%(closed)s and cannot change.", year=year, closed=used_by)
            case UsageChange(year=year):
                return _("%(year)s is closed: its usage figures cannot change.", year=year) \
                    if years.closed(year) else None
            case ParticipationChange(start=start, end=end):
                closed = years.first_closed_in(start, end)
                return None if closed is None else _(
                    "The participation would change %(year)s, which is closed.", year=closed)
            case MembershipChange(on=on):
                return _("%(year)s is closed: a membership change dated in it cannot be "
                         "recorded.", year=on.year) if years.closed(on.year) else None
            case _:
                assert_never(change)


class StoredFigures:
    """Stores again the draft allocations and fee lines the change touches."""

    def recompute(self, change: FigureChange) -> None:
        derived.recompute(change)
