"""What the tools domain tells the register: tools in use, a page section, references."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, or_, select

from consortium import db
from consortium.frame import stamps
from consortium.frame.sections import PageSection
from consortium.members.models import Municipality
from consortium.members.queries import RegisterColumn
from consortium.tools.models import Participation, Tool, UsageFigure


def tools_in_use(on: date, **_kwargs: Any) -> RegisterColumn:
    """The number of tools each municipality takes part in on the day `on`."""
    count = (select(func.count(func.distinct(Participation.tool_id)))
             .where(Participation.municipality_id == Municipality.id,
                    Participation.joined_on <= on,
                    or_(Participation.left_on.is_(None), Participation.left_on >= on))
             .correlate(Municipality).scalar_subquery())
    return RegisterColumn("tools_in_use", str(_l("Tools in use")), count)


def tools_section(municipality: Municipality, **_kwargs: Any) -> PageSection:
    """The tools it takes part in, kept under the participation stamp (frame/stamps.py)."""
    return SECTIONS.get(stamps.current(stamps.PARTICIPATION),
                        (municipality.id, str(get_locale())),
                        lambda: _tools_section(municipality).rendered())


SECTIONS: stamps.Memo[PageSection] = stamps.Memo()


def _tools_section(municipality: Municipality) -> PageSection:
    participations = [tuple(row) for row in db.session.execute(
        select(Participation, Tool).join(Tool, Tool.id == Participation.tool_id)
        .where(Participation.municipality_id == municipality.id)
        .order_by(Tool.name, Participation.joined_on))]
    return PageSection(10, "tools/_municipality.html", {"participations": participations})


def tool_references(municipality_id: int, **_kwargs: Any) -> list[Any]:
    return [exists().where(Participation.municipality_id == municipality_id),
            exists().where(UsageFigure.municipality_id == municipality_id)]
