"""What the page frame needs: the menu for the user's role, labels, formatting helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask import Flask, current_app, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context

from consortium import clock
from consortium.auth.access import acting_user, rule_of
from consortium.auth.forms import ROLE_LABELS
from consortium.auth.models import Role
from consortium.costs.allocation import as_decimal
from consortium.governance.labels import (
    CHOICE_LABELS,
    MEETING_STATUS_LABELS,
    MOTION_STATUS_LABELS,
)
from consortium.governance.motions import shown_status
from consortium.governance.records import MotionRecord
from consortium.members.labels import (
    IMPORT_CHANGE_LABELS,
    IMPORT_LAYOUT_LABELS,
    MEMBERSHIP_LABELS,
)
from consortium.money import format_sek, integer_formatter, sek_formatter
from consortium.tools.labels import TOOL_STATUS_LABELS


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


# (endpoint, label); an entry shows when the endpoint exists and the user's role may open it.
MENU = [
    ("web.home", _l("Start")),
    ("members.index", _l("Municipalities")),
    ("tools.index", _l("Tools")),
    ("governance.councils", _l("Councils")),
    ("costs.index", _l("Cost sharing")),
    ("invoicing.index", _l("Invoices")),
    ("auth.users", _l("Users")),
    ("audit.log", _l("Audit log")),
]


def nav_items() -> list[NavItem]:
    user = acting_user()
    items = []
    for endpoint, label in MENU:
        rule = rule_of(current_app, endpoint)
        if rule is None or not rule.allows(user):
            continue
        prefix = endpoint.split(".")[0]
        active = request.endpoint == endpoint or (
            endpoint != "web.home" and (request.endpoint or "").startswith(prefix + ".")
        )
        items.append(NavItem(str(label), url_for(endpoint), active))
    return items


def role_label(role: Role | str) -> str:
    return str(ROLE_LABELS.get(Role(role), role))


def _label(labels: dict[Any, Any], value: Any) -> str:
    value = getattr(value, "value", value)
    return str(labels.get(value, value))


@pass_context
def number(context: Any, value: int | None) -> str:
    """1 234 567 in Swedish, 1,234,567 in English, with the page's formatter (`number_format`)."""
    if value is None:
        return ""
    formatter = context.get("number_format")
    if formatter is None or not isinstance(value, int):
        return format_decimal(value)
    return formatter(value)


@pass_context
def sek(context: Any, ore: int | None) -> str:
    """1 250 000,00 kr in Swedish, SEK 1,250,000.00 in English. The page's formatter is
    looked up once per page (`sek_format`), not the locale once per amount."""
    if ore is None:
        return ""
    formatter = context.get("sek_format")
    return formatter(ore) if formatter is not None else format_sek(ore, str(get_locale()))


def percent(share: Fraction | None, places: int = 2) -> str:
    if share is None:
        return ""
    return format_decimal(Decimal(as_decimal(share * 100, places)),
                          format="#,##0." + "0" * places) + " %"


def register(app: Flask) -> None:
    app.add_template_filter(number, "number")
    app.add_template_filter(sek, "sek")
    app.add_template_filter(percent, "percent")

    @app.context_processor
    def _money() -> dict[str, Any]:
        locale = str(get_locale())
        return {"sek_format": sek_formatter(locale), "number_format": integer_formatter(locale)}

    @app.template_filter("localtime")
    def _localtime(value: datetime | str | None) -> str:
        if isinstance(value, str):  # as kept in JSON (a notice's parameters)
            value = datetime.fromisoformat(value)
        return clock.local(value).strftime("%Y-%m-%d %H:%M") if value else ""

    # Globals rather than a context processor, so that imported macros see them too.
    app.jinja_env.globals.update(
        nav_items=nav_items,
        role_label=role_label,
        get_locale=get_locale,
        membership_label=lambda value: _label(MEMBERSHIP_LABELS, value),
        tool_status_label=lambda value: _label(TOOL_STATUS_LABELS, value),
        import_change_label=lambda value: _label(IMPORT_CHANGE_LABELS, value),
        import_layout_label=lambda value: _label(IMPORT_LAYOUT_LABELS, value),
        meeting_status_label=lambda value: _label(MEETING_STATUS_LABELS, value),
        # a motion's status as read now: "closing" once its time has passed, until the
        # worker has counted it
        motion_status_label=lambda motion: _label(MOTION_STATUS_LABELS, (
            motion.shown_status if isinstance(motion, MotionRecord) else shown_status(motion))),
        choice_label=lambda value: _label(CHOICE_LABELS, value),
    )
