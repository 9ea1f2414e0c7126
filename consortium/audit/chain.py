"""The audit log as a hash chain: each event stores the SHA-256 of its canonical content
together with the hash of the event before it, so an event changed, removed or inserted
behind the application's back breaks every hash after it.

One chain, one head: `audit_chain` holds the hash of the newest event. An event is chained as
its transaction commits, not when it is recorded: `record` keeps it in the session, and just
before the commit the head row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's writers
are serialised by BEGIN IMMEDIATE), the transaction's events are chained and inserted, and the
commit releases the lock. The head is held for an insert and a commit, not for the rest of a
request, so the registry's writers do their work side by side and queue only to append; ids
are given under the lock, so they still follow the chain. An event recorded inside a savepoint
that rolls back is dropped with it.

The canonical form (version 1) must never change: the migration that hashed the events
written before the chain existed uses the same one."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event as orm_event
from sqlalchemy import select
from sqlalchemy.orm import Session, SessionTransaction

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


UNCHAINED = "audit_unchained"  # session.info: [(event, the savepoint it was recorded in)]


def append(event: AuditEvent) -> None:
    """Keep a recorded event for the chain; it is chained and inserted as the caller's
    transaction commits (`_chain_at_commit`)."""
    session = db.session()
    session.info.setdefault(UNCHAINED, []).append((event, session.get_nested_transaction()))


def _chain_at_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint's release: the events wait for the end
        return
    waiting = session.info.pop(UNCHAINED, None)
    if not waiting:
        return
    head = session.scalar(select(AuditChainHead).where(AuditChainHead.id == 1)
                          .with_for_update())
    if head is None:  # a database made before the chain, without its migration: start one
        head = AuditChainHead(id=1, last_sha256=GENESIS)
        session.add(head)
    for event, _savepoint in waiting:
        event.previous_sha256 = head.last_sha256
        event.hash_version = KEYED
        event.sha256 = digest(head.last_sha256, content_of(event), KEYED)
        head.last_sha256 = event.sha256
        session.add(event)
        session.flush()  # one at a time: ids in the order of the chain


def _within(savepoint: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while savepoint is not None:
        if savepoint is ended:
            return True
        savepoint = savepoint.parent
    return False


def _drop_rolled_back(session: Session, ended: SessionTransaction) -> None:
    waiting = session.info.get(UNCHAINED)
    if not waiting:
        return
    if ended.parent is None:
        session.info.pop(UNCHAINED, None)
    else:
        session.info[UNCHAINED] = [(event, savepoint) for event, savepoint in waiting
                                   if not _within(savepoint, ended)]


def _forget_at_end(session: Session, ended: SessionTransaction) -> None:
    if ended.parent is None:  # committed (chained already), rolled back or closed
        session.info.pop(UNCHAINED, None)


# Registered when the chain is imported, which `record` does: an event can never be recorded
# without the hook that writes it.
orm_event.listen(Session, "before_commit", _chain_at_commit)
orm_event.listen(Session, "after_soft_rollback", _drop_rolled_back)
orm_event.listen(Session, "after_transaction_end", _forget_at_end)


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
