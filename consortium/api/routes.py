"""API routes of the frame: who am I, the audit log, and the OpenAPI document."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request
from sqlalchemy import select

from consortium import db
from consortium.api import bp
from consortium.api.schemas import common as s
from consortium.api.spec import build_spec, operation
from consortium.audit.models import AuditEvent
from consortium.auth.access import acting_user, public, readers, roles
from consortium.auth.models import Role


@bp.get("/me")
@readers
@operation("The user the token belongs to", tags=["Account"], response=s.Me)
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
@roles(Role.ADMIN, Role.OBSERVER)
@operation("The newest audit events (administrators and observers)", tags=["Audit"],
           response=s.AuditEventOut, many=True)
def audit_events() -> Any:
    limit = min(max(request.args.get("limit", 100, type=int) or 100, 1), 1000)
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if action := request.args.get("action"):
        query = query.where(AuditEvent.action.startswith(action))
    events = db.session.scalars(query).all()
    return jsonify(s.AuditEventOut(many=True).dump(
        {"id": e.id, "occurred_at": e.occurred_at, "actor": e.actor_label, "action": e.action,
         "object_type": e.object_type, "object_id": e.object_id, "before": e.before,
         "after": e.after, "note": e.note} for e in events))


@bp.get("/audit/checkpoints")
@roles(Role.ADMIN, Role.OBSERVER)
@operation("The signed checkpoints of the audit chain's head, newest first: keep copies "
           "away from the database; `flask audit verify --checkpoints FILE` compares them",
           tags=["Audit"], response=s.CheckpointOut, many=True)
def audit_checkpoints() -> Any:
    from consortium.audit.checkpoints import listed

    return jsonify(s.CheckpointOut(many=True).dump(listed()))


def openapi_document() -> dict[str, Any]:
    """Built once per process from the routes; identical in every process."""
    cached = current_app.extensions.get("openapi")
    if cached is None:
        cached = current_app.extensions["openapi"] = build_spec(current_app)
    return cached


@bp.get("/openapi.json")
@public
def openapi() -> Any:
    return jsonify(openapi_document())
