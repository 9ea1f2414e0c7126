"""API routes of the foundation: who am I, and the audit log for administrators."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from sqlalchemy import select

from consortium import db
from consortium.api import bp
from consortium.audit.models import AuditEvent
from consortium.auth.access import acting_user, admin_only, readers


@bp.get("/me")
@readers
def me() -> Any:
    user = acting_user()
    assert user is not None
    return jsonify({
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "municipality": user.municipality.code if user.municipality else None,
    })


@bp.get("/audit-events")
@admin_only
def audit_events() -> Any:
    limit = min(max(request.args.get("limit", 100, type=int) or 100, 1), 1000)
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if action := request.args.get("action"):
        query = query.where(AuditEvent.action.startswith(action))
    events = db.session.scalars(query).all()
    return jsonify([
        {
            "id": event.id,
            "occurred_at": event.occurred_at.isoformat(),
            "actor": event.actor_label,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "before": event.before,
            "after": event.after,
            "note": event.note,
        }
        for event in events
    ])
