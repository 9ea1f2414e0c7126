"""The one way to write the audit log. Every service calls `record` inside its transaction,
so the event and the change commit (or roll back) together. The event takes its place in the
hash chain after that, when the linker comes by (see chain.py): writers never wait for the
chain."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from flask import g, has_request_context, request

from consortium import clock, db
from consortium.audit.chain import SEALED, content_of, seal_of
from consortium.audit.models import AuditEvent

if TYPE_CHECKING:  # named for types only: the ORM finds the class by its name
    from consortium.auth.models import User


def jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | Fraction):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def snapshot(obj: Any, *fields: str) -> dict[str, Any]:
    """The named attributes of a model, ready for the log's before/after columns."""
    return {name: jsonable(getattr(obj, name)) for name in fields}


def _default_actor() -> User | None:
    return g.get("user") if has_request_context() else None


def record(
    action: str,
    object_type: str,
    object_id: object,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str | None = None,
    actor: User | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    actor = actor or _default_actor()
    label = actor.email if actor is not None else (actor_label or "system")
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        actor_label=label,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        note=note,
        remote_addr=request.remote_addr if has_request_context() else None,
        occurred_at=clock.now(),
        hash_version=SEALED,
    )
    event.seal = seal_of(content_of(event))
    db.session.add(event)  # linked into the chain after the commit (chain.link_pending)
    return event
