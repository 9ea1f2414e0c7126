"""What the page frame needs: the menu for the user's role, labels, formatting helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale, to_user_timezone
from flask_babel import lazy_gettext as _l

from consortium.auth.access import acting_user, rule_of
from consortium.auth.forms import ROLE_LABELS
from consortium.auth.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


# (endpoint, label); an entry shows when the endpoint exists and the user's role may open it.
MENU = [
    ("core.home", _l("Start")),
    ("members.index", _l("Municipalities")),
    ("tools.index", _l("Tools")),
    ("governance.councils", _l("Councils")),
    ("costs.index", _l("Cost sharing")),
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
            endpoint != "core.home" and (request.endpoint or "").startswith(prefix + ".")
        )
        items.append(NavItem(str(label), url_for(endpoint), active))
    return items


def role_label(role: Role | str) -> str:
    return str(ROLE_LABELS.get(Role(role), role))


def register(app: Flask) -> None:
    @app.template_filter("localtime")
    def _localtime(value: datetime | None) -> str:
        return to_user_timezone(value).strftime("%Y-%m-%d %H:%M") if value else ""

    @app.context_processor
    def _frame() -> dict[str, Any]:
        return {"nav_items": nav_items, "role_label": role_label, "get_locale": get_locale}
