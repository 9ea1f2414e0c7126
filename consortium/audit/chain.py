"""The audit log as a hash chain: each event stores the SHA-256 of its canonical content
together with the hash of the event before it, so an event changed, removed or inserted
behind the application's back breaks every hash after it.

One chain, one head: `audit_chain` holds the hash of the newest event, and writing an event
locks that row (SELECT … FOR UPDATE on PostgreSQL; SQLite's writers are serialised by BEGIN
IMMEDIATE), so concurrent writers append one after the other and ids follow the chain.

The canonical form (version 1) must never change: the migration that hashed the events
written before the chain existed uses the same one."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from consortium import db
from consortium.audit.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64
KEYED = 2


def canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_of(event: AuditEvent) -> dict[str, Any]:
    occurred: datetime = event.occurred_at
    return {"occurred_at": occurred.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_id": event.actor_id, "actor_label": event.actor_label,
            "action": event.action, "object_type": event.object_type,
            "object_id": event.object_id, "before": event.before, "after": event.after,
            "note": event.note, "remote_addr": event.remote_addr}


def digest(previous: str, content: dict[str, Any], version: int = 1) -> str:
    """Version 1 (events written before the key): plain SHA-256. Version 2: HMAC-SHA256 keyed
    with AUDIT_KEY, so that nobody without the key can recompute the chain after a change."""
    message = (previous + "\n" + canonical(content)).encode()
    if version == 1:
        return hashlib.sha256(message).hexdigest()
    key = str(db.app_config()["AUDIT_KEY"]).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def link(event: AuditEvent) -> None:
    """Chain a new event to the head, in the caller's transaction (the head stays locked until
    it commits)."""
    head = db.session.scalar(select(AuditChainHead).where(AuditChainHead.id == 1)
                             .with_for_update())
    if head is None:  # a database made before the chain, without its migration: start one
        head = AuditChainHead(id=1, last_sha256=GENESIS)
        db.session.add(head)
    event.previous_sha256 = head.last_sha256
    event.hash_version = KEYED
    event.sha256 = digest(head.last_sha256, content_of(event), KEYED)
    head.last_sha256 = event.sha256


@dataclass
class Report:
    events: int = 0
    first_break: int | None = None
    reason: str = ""
    documents: int = 0
    document_breaks: list[str] = field(default_factory=list)
    checkpoints: int = 0
    checkpoint_breaks: list[str] = field(default_factory=list)

    @property
    def whole(self) -> bool:
        return (self.first_break is None and not self.document_breaks
                and not self.checkpoint_breaks)


def verify(documents: bool = True, checkpoints: list[dict[str, Any]] | None = None,
           after: tuple[int, str, int] | None = None) -> Report:
    """Walk the chain from the first event (or from the event after `after`: (id, its
    SHA-256, its hash version), a point an earlier walk found whole), compare it with the
    checkpoints given (held elsewhere: they show a chain shortened or rewritten since),
    re-hash every kept document."""
    report = Report()
    wanted = {int(c["sequence"]): str(c["sha256"]) for c in checkpoints or []}
    found: dict[int, str] = {}
    previous = GENESIS
    keyed_since = 1  # plain SHA-256 only for the events written before the key
    query = select(AuditEvent).order_by(AuditEvent.id)  # as stored now
    if after is not None:
        previous, keyed_since = after[1], after[2]
        query = query.where(AuditEvent.id > after[0])
    events = db.session.scalars(query.execution_options(yield_per=1000,
                                                        populate_existing=True))
    try:
        for event in events:
            report.events += 1
            if event.previous_sha256 != previous:
                report.first_break, report.reason = event.id, "previous hash does not match"
                break
            if event.hash_version < keyed_since:
                report.first_break, report.reason = event.id, "an unkeyed event after keyed ones"
                break
            keyed_since = max(keyed_since, event.hash_version)
            if event.sha256 != digest(previous, content_of(event), event.hash_version):
                report.first_break, report.reason = event.id, "content does not match its hash"
                break
            if event.id in wanted:
                found[event.id] = event.sha256
            previous = event.sha256
    finally:
        events.close()  # a server-side cursor on PostgreSQL, left early on a break
    if report.first_break is None:
        head = db.session.scalar(select(AuditChainHead.last_sha256))
        if head is not None and head != previous:
            report.first_break, report.reason = -1, "the head names another last event"
    if checkpoints:
        from consortium.audit.checkpoints import compare

        report.checkpoints = len(checkpoints)
        report.checkpoint_breaks = compare(checkpoints, found, report.events)
    if documents:
        from consortium.signals import answers, kept_documents_rehash

        for checked, broken in answers(kept_documents_rehash.send(None)):
            report.documents += checked
            report.document_breaks += broken
    return report
