"""The audit log's filters. The pages (and their blueprint), which name the objects of every
domain in sentences, are in consortium/web/audit_log.py (the web layer may read every domain;
the audit log itself sits below them all)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, column, or_, select, table

from consortium import clock
from consortium.audit.models import AuditEvent

PAGE_SIZE = 50
# The people who acted, by name: the users table as the events' foreign key names it (the
# audit log sits below auth and imports none of it).
USERS = table("users", column("id"), column("name"))


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filtered(args: Any) -> tuple[Select[Any], dict[str, str], dict[str, str]]:
    """The events the filters ask for (newest first), the filters, and the filters' errors."""
    query = select(AuditEvent)
    filters = {
        "action": args.get("action", "").strip(),
        "object_type": args.get("object_type", "").strip(),
        "actor": args.get("actor", "").strip().lower(),
        "object_id": args.get("object_id", "").strip(),
        "from": args.get("from", "").strip(),
        "to": args.get("to", "").strip(),
    }
    errors: dict[str, str] = {}
    if filters["action"]:
        query = query.where(AuditEvent.action.startswith(filters["action"]))
    if filters["object_type"]:
        query = query.where(AuditEvent.object_type == filters["object_type"])
    if filters["object_id"]:
        query = query.where(AuditEvent.object_id == filters["object_id"])
    if filters["actor"]:
        named = select(USERS.c.id).where(USERS.c.name.ilike(f"%{filters['actor']}%"))
        query = query.where(or_(AuditEvent.actor_label.contains(filters["actor"]),
                                AuditEvent.actor_id.in_(named)))
    for key in ("from", "to"):
        if filters[key] and _parse_date(filters[key]) is None:
            errors[key] = "YYYY-MM-DD"
    start, end = _parse_date(filters["from"]), _parse_date(filters["to"])
    if start:
        query = query.where(AuditEvent.occurred_at >= clock.start_of(start))
    if end:
        query = query.where(AuditEvent.occurred_at < clock.end_of(end))
    return query.order_by(AuditEvent.id.desc()), filters, errors
