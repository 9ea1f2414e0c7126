"""What the cost-sharing domain tells the register: statement links and references."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import exists

from consortium.costs.models import AllocationLine
from consortium.frame.sections import PageSection
from consortium.members.models import Municipality
from consortium.signals import municipality_in_use, municipality_sections


@municipality_sections.connect
def statements_section(municipality: Municipality, **_kwargs: Any) -> PageSection:
    this_year = date.today().year
    years = [this_year + 1, this_year, this_year - 1, this_year - 2]
    return PageSection(20, "costs/_municipality.html", {"years": years})


@municipality_in_use.connect
def allocation_references(municipality_id: int, **_kwargs: Any) -> list[Any]:
    return [exists().where(AllocationLine.municipality_id == municipality_id)]
