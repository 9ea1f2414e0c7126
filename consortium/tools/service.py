"""Tools, participation periods and usage figures: the operations, each one transaction."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import exists, or_, select

from consortium import db
from consortium.audit.service import record, snapshot
from consortium.auth.models import User
from consortium.errors import Conflict, Invalid, NotFound
from consortium.members.models import MembershipPeriod, Municipality
from consortium.members.validation import year_error
from consortium.rules import (
    ParticipationChange,
    UsageChange,
    figures_changed,
    refuse_change,
)
from consortium.tools.models import Participation, Tool, ToolStatus, UsageFigure

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FIELDS = ("slug", "name", "description", "status", "origin", "owner_since",
          "open_to_non_members", "vat_category", "vat_exemption_reason", "revenue_account")
VAT_CATEGORIES = ("S", "E", "O")  # standard 25 %, exempt, outside the scope of VAT


def get_by_slug(slug: str) -> Tool:
    tool = db.session.scalar(select(Tool).where(Tool.slug == slug))
    if tool is None:
        raise NotFound(_("No tool has the identifier %(slug)s.", slug=slug))
    return tool


def _check(data: dict[str, Any], errors: dict[str, str], *, creating: bool,
           tool: Tool | None = None) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if creating or "name" in data:
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            errors["name"] = _("This field is required.")
        elif len(name.strip()) > 120:
            errors["name"] = _("At most %(max)s characters.", max=120)
        else:
            clean["name"] = name.strip()
    for key, limit in (("description", 5000), ("origin", 300)):
        if key in data:
            value = data[key]
            if value is not None and not isinstance(value, str):
                errors[key] = _("Must be text.")
            elif value and len(value) > limit:
                errors[key] = _("At most %(max)s characters.", max=limit)
            else:
                clean[key] = (value or "").strip() or ("" if key == "description" else None)
    if "status" in data or creating:
        raw = data.get("status") or ToolStatus.DEVELOPMENT.value
        try:
            clean["status"] = ToolStatus(raw)
        except ValueError:
            errors["status"] = _("Must be one of development, operation, retired.")
    if "owner_since" in data:
        clean["owner_since"] = data["owner_since"]
    if "open_to_non_members" in data:
        clean["open_to_non_members"] = bool(data["open_to_non_members"])
    _check_invoicing(data, clean, errors, tool)
    return clean


def _check_invoicing(data: dict[str, Any], clean: dict[str, Any], errors: dict[str, str],
                     tool: Tool | None) -> None:
    """How the tool's shares are invoiced: its VAT category (with the reason for E and O) and
    the BAS revenue account (four digits)."""
    if "vat_category" in data:
        if data["vat_category"] not in VAT_CATEGORIES:
            errors["vat_category"] = _("S (25 %), E (exempt) or O (outside the scope of VAT).")
        else:
            clean["vat_category"] = data["vat_category"]
    if "vat_exemption_reason" in data:
        reason = data["vat_exemption_reason"]
        if not isinstance(reason, str) or len(reason) > 300:
            errors["vat_exemption_reason"] = _("At most %(max)s characters.", max=300)
        else:
            clean["vat_exemption_reason"] = reason.strip()
    category = clean.get("vat_category", tool.vat_category if tool else "S")
    reason = clean.get("vat_exemption_reason", tool.vat_exemption_reason if tool else "")
    if category in ("E", "O") and not reason and "vat_category" not in errors:
        errors["vat_exemption_reason"] = _("Give the reason the tool is exempt or outside the "
                                           "scope of VAT.")
    if "revenue_account" in data:
        account = data["revenue_account"]
        if not isinstance(account, str) or not account.isdigit() or len(account) != 4:
            errors["revenue_account"] = _("An account of the BAS chart: four digits.")
        else:
            clean["revenue_account"] = account


def create_tool(data: dict[str, Any], *, actor: User | None = None,
                actor_label: str | None = None) -> Tool:
    errors: dict[str, str] = {}
    slug = data.get("slug")
    slug = slug.strip() if isinstance(slug, str) else ""
    if not SLUG_RE.match(slug) or len(slug) > 60:
        errors["slug"] = _("Use lower-case letters a–z, digits and single hyphens, "
                           "e.g. provisum or skol-id (at most 60 characters).")
    clean = _check(data, errors, creating=True)
    if errors:
        raise Invalid(_("The tool could not be saved."), errors)
    if db.session.scalar(select(exists().where(Tool.slug == slug))):
        raise Conflict(_("A tool with the identifier %(slug)s already exists.", slug=slug),
                       {"slug": _("This identifier is taken.")})
    tool = Tool(slug=slug, **clean)
    db.session.add(tool)
    db.session.flush()
    record("tool.create", "tool", slug, after=snapshot(tool, *FIELDS), actor=actor,
           actor_label=actor_label)
    return tool


def update_tool(tool: Tool, data: dict[str, Any], *, actor: User | None = None,
                actor_label: str | None = None) -> Tool:
    errors: dict[str, str] = {}
    if "slug" in data and data["slug"] != tool.slug:
        errors["slug"] = _("The identifier of a tool cannot be changed.")
    clean = _check(data, errors, creating=False, tool=tool)
    if errors:
        raise Invalid(_("The tool could not be saved."), errors)
    before = snapshot(tool, *FIELDS)
    for key, value in clean.items():
        setattr(tool, key, value)
    after = snapshot(tool, *FIELDS)
    if after != before:
        record("tool.update", "tool", tool.slug, before=before, after=after, actor=actor,
               actor_label=actor_label)
    return tool


def overlaps(a_from: date, a_to: date | None, b_from: date, b_to: date | None) -> bool:
    """Two inclusive date ranges overlap (an open end runs for ever)."""
    return a_from <= (b_to or date.max) and b_from <= (a_to or date.max)


def uncovered(start: date, end: date | None, covers: list[tuple[date, date | None]]
              ) -> list[tuple[date, date | None]]:
    """The parts of the inclusive range start..end (None: open) that no range of `covers`
    covers, in order; an open end of a part means "from then on"."""
    gaps: list[tuple[date, date | None]] = []
    cursor: date | None = start
    for c_from, c_to in sorted(covers):
        if cursor is None or (end is not None and cursor > end):
            break
        if c_to is not None and c_to < cursor:
            continue
        if c_from > cursor:
            gap_end = c_from - timedelta(days=1)
            gaps.append((cursor, gap_end if end is None or gap_end < end else end))
        cursor = None if c_to is None else max(cursor, c_to + timedelta(days=1))
    if cursor is not None and (end is None or cursor <= end):
        gaps.append((cursor, end))
    return gaps


def _span_text(start: date, end: date | None) -> str:
    if end is None:
        return _("from %(date)s on", date=start.isoformat())
    return start.isoformat() if start == end else f"{start.isoformat()}–{end.isoformat()}"


def _check_membership(tool: Tool, municipality: Municipality, joined_on: date,
                      left_on: date | None) -> None:
    """SPEC "Time": a participant is a member on every day of its participation, unless the
    tool is open to non-members."""
    if tool.open_to_non_members:
        return
    covers = [(p.joined_on, p.left_on) for p in db.session.scalars(
        select(MembershipPeriod).where(MembershipPeriod.municipality_id == municipality.id))]
    gaps = uncovered(joined_on, left_on, covers)
    if not gaps:
        return
    days = ", ".join(_span_text(a, b) for a, b in gaps)
    message = _("%(name)s is not a member of the consortium on every day of the participation "
                "(not a member: %(days)s). %(tool)s is open to members only.",
                name=municipality.name, days=days, tool=tool.name)
    raise Invalid(message, {"joined_on": message})


def set_participation(tool: Tool, municipality: Municipality, joined_on: date | None,
                      left_on: date | None, *, actor: User | None = None,
                      actor_label: str | None = None) -> tuple[Participation, bool]:
    """Record a period of participation. A period is known by its start: giving the start of
    an existing period sets (or corrects) its end; a new start adds a period. Periods of one
    municipality in one tool never overlap."""
    if joined_on is None:
        raise Invalid(_("Give the date the participation starts."),
                      {"joined_on": _("Required.")})
    if left_on is not None and left_on < joined_on:
        raise Invalid(_("The participation cannot end before it starts."),
                      {"left_on": _("Before the start date.")})
    _check_membership(tool, municipality, joined_on, left_on)
    periods = list(db.session.scalars(select(Participation).where(
        Participation.tool_id == tool.id, Participation.municipality_id == municipality.id)
        .with_for_update()))
    current = next((p for p in periods if p.joined_on == joined_on), None)
    for other in periods:
        if other is not current and overlaps(joined_on, left_on, other.joined_on, other.left_on):
            until = other.left_on.isoformat() if other.left_on else _("ongoing")
            raise Conflict(
                _("%(name)s already takes part in %(tool)s from %(start)s (%(until)s); "
                  "periods must not overlap.", name=municipality.name, tool=tool.name,
                  start=other.joined_on.isoformat(), until=until),
                {"joined_on": _("Overlaps another period.")})
    created = current is None
    before = None if current is None else {"joined_on": current.joined_on,
                                           "left_on": current.left_on}
    span: tuple[date, date | None] | None = None  # the days whose participation changes
    if current is None:
        span = (joined_on, left_on)
    elif current.left_on != left_on:
        ends = [current.left_on or date.max, left_on or date.max]
        span = (min(ends) + timedelta(days=1), None if max(ends) == date.max else max(ends))
    if span is not None:
        refuse_change(ParticipationChange(tool.id, span[0], span[1]))
    if current is None:
        current = Participation(tool_id=tool.id, municipality_id=municipality.id,
                                joined_on=joined_on, left_on=left_on)
        db.session.add(current)
    else:
        current.left_on = left_on
    if span is not None:
        db.session.flush()
        figures_changed(ParticipationChange(tool.id, span[0], span[1]))
    after = {"joined_on": joined_on, "left_on": left_on}
    if before != after:
        record("participation.set", "tool", tool.slug, before=before,
               after={"municipality": municipality.code, **after}, actor=actor,
               actor_label=actor_label)
    return current, created


def participated_in_year(tool: Tool, municipality: Municipality, year: int) -> bool:
    start, end = date(year, 1, 1), date(year, 12, 31)
    return bool(db.session.scalar(select(exists().where(
        Participation.tool_id == tool.id, Participation.municipality_id == municipality.id,
        Participation.joined_on <= end,
        or_(Participation.left_on.is_(None), Participation.left_on >= start)))))


def set_usage(tool: Tool, municipality: Municipality, year: int, units: Any, *,
              actor: User | None = None, actor_label: str | None = None
              ) -> tuple[UsageFigure, bool]:
    errors = {}
    if message := year_error(year):
        errors["year"] = message
    if isinstance(units, bool) or not isinstance(units, int):
        errors["units"] = _("The units must be a whole number.")
    elif units < 0:
        errors["units"] = _("The units cannot be negative.")
    elif units > 2**31 - 1:
        errors["units"] = _("At most %(max)s units.", max=2**31 - 1)
    if errors:
        raise Invalid(_("The usage figure could not be saved."), errors)
    if not participated_in_year(tool, municipality, year):
        raise Invalid(_("%(name)s did not take part in %(tool)s in %(year)s.",
                        name=municipality.name, tool=tool.name, year=year),
                      {"municipality": _("Not a participant that year.")})
    figure = db.session.scalar(select(UsageFigure).where(
        UsageFigure.tool_id == tool.id, UsageFigure.municipality_id == municipality.id,
        UsageFigure.year == year))
    if figure is None or figure.units != units:
        refuse_change(UsageChange(tool.id, year))
    created = figure is None
    before = None if figure is None else {"year": year, "units": figure.units}
    if figure is None:
        figure = UsageFigure(tool_id=tool.id, municipality_id=municipality.id, year=year,
                             units=units)
        db.session.add(figure)
    else:
        figure.units = units
    if before != {"year": year, "units": units}:
        db.session.flush()
        figures_changed(UsageChange(tool.id, year))
        record("usage.set", "tool", tool.slug, before=before,
               after={"municipality": municipality.code, "year": year, "units": units},
               actor=actor, actor_label=actor_label)
    return figure, created
