"""The audit log page: administrators read, filter and page through every recorded change."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from consortium import db
from consortium.audit.models import AuditEvent
from consortium.auth.access import admin_only
from consortium.db import utcnow

bp = Blueprint("audit", __name__)
PAGE_SIZE = 50


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@bp.route("/admin/audit")
@admin_only
def log() -> Any:
    args = request.args
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
        query = query.where(AuditEvent.actor_label.contains(filters["actor"]))
    for key in ("from", "to"):
        if filters[key] and _parse_date(filters[key]) is None:
            errors[key] = "YYYY-MM-DD"
    start, end = _parse_date(filters["from"]), _parse_date(filters["to"])
    if start:
        query = query.where(AuditEvent.occurred_at >= datetime.combine(start, time.min,
                                                                        utcnow().tzinfo))
    if end:
        query = query.where(AuditEvent.occurred_at < datetime.combine(
            end + timedelta(days=1), time.min, utcnow().tzinfo))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = max(1, request.args.get("page", 1, type=int) or 1)
    events = db.session.scalars(
        query.options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    object_types = db.session.scalars(
        select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)
    ).all()
    pages = max(1, -(-total // PAGE_SIZE))
    return render_template("audit/log.html", events=events, filters=filters, errors=errors,
                           total=total, page=page, pages=pages, object_types=object_types)
