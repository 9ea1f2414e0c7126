"""What the cost-sharing domain tells the register: statement links and references
(connected to the register's signals in `consortium.costs.init_app`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists

from consortium import clock
from consortium.costs.models import AllocationLine
from consortium.frame.sections import PageSection
from consortium.members.models import Municipality


def statements_section(municipality: Municipality, **_kwargs: Any) -> PageSection:
    this_year = clock.today().year
    years = [this_year + 1, this_year, this_year - 1, this_year - 2]
    return PageSection(20, "costs/_municipality.html", {"years": years})


def allocation_references(municipality_id: int, **_kwargs: Any) -> list[Any]:
    return [exists().where(AllocationLine.municipality_id == municipality_id)]
