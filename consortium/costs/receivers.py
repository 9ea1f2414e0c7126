"""What the cost-sharing domain tells the register: statement links and references."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import exists

from consortium import clock
from consortium.costs import derived, years
from consortium.costs.models import AllocationLine
from consortium.frame.sections import PageSection
from consortium.members.models import Municipality
from consortium.signals import (
    change_refused,
    figures_changed,
    municipality_in_use,
    municipality_sections,
)


@municipality_sections.connect
def statements_section(municipality: Municipality, **_kwargs: Any) -> PageSection:
    this_year = clock.today().year
    years = [this_year + 1, this_year, this_year - 1, this_year - 2]
    return PageSection(20, "costs/_municipality.html", {"years": years})


@municipality_in_use.connect
def allocation_references(municipality_id: int, **_kwargs: Any) -> list[Any]:
    return [exists().where(AllocationLine.municipality_id == municipality_id)]


@change_refused.connect
def closed_year_figures(kind: str, **details: Any) -> str | None:
    """A closed year's figures never change (SPEC "Time"): refuse a population figure of a
    year its keys or fees used, usage or participation within it, a membership change in it."""
    if kind == "population":
        year = details["year"]
        used_by = years.locked_population_years().get(year)
        if used_by is not None:
            return _("The population figures of %(year)s are used by the closed year "
                     "%(closed)s and cannot change.", year=year, closed=used_by)
        return None
    if kind == "usage":
        year = details["year"]
        return _("%(year)s is closed: its usage figures cannot change.", year=year) \
            if years.closed(year) else None
    if kind == "participation":
        year = years.first_closed_in(details["start"], details["end"])
        return None if year is None else _(
            "The participation would change %(year)s, which is closed.", year=year)
    if kind == "membership":
        on = details["on"]
        return _("%(year)s is closed: a membership change dated in it cannot be recorded.",
                 year=on.year) if years.closed(on.year) else None
    return None


@figures_changed.connect
def recompute_derived(kind: str, **details: Any) -> None:
    """Store again the draft allocations and fees the change touches, in its transaction."""
    derived.recompute(kind, details)
