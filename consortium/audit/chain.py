"""The audit log as a hash chain: each event stores the SHA-256 of its canonical content
together with the hash of the event before it, so an event changed, removed or inserted
behind the application's back breaks every hash after it.

One chain, one head: `audit_chain` holds the position and hash of the newest linked event.
Writers never touch it: `record` inserts an event with its transaction, without a place in
the chain, so the registry's writers (a storm of ballots) append side by side and queue for
nothing. The linker (`link_pending`: the worker's sweep, about every second, and `flask audit
link`) then locks the head, gives each new event the next position in the order of the ids,
the previous event's hash and its own, and moves the head. The append-only guard lets that
one update through and no other; a walk of the chain (`verify`) follows the positions.

The canonical form (version 1) must never change: the migration that hashed the events
written before the chain existed uses the same one."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from consortium import db
from consortium.audit.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64
SEALED = 3  # the hash version of new events: keyed (as 2), and sealed by their writer (`seal_of`)


def canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_of(event: AuditEvent) -> dict[str, Any]:
    occurred: datetime = event.occurred_at
    return {"occurred_at": occurred.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_id": event.actor_id, "actor_label": event.actor_label,
            "action": event.action, "object_type": event.object_type,
            "object_id": event.object_id, "before": event.before, "after": event.after,
            "note": event.note, "remote_addr": event.remote_addr}


def _keyed(message: str) -> str:
    key = str(db.app_config()["AUDIT_KEY"]).encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def digest(previous: str, content: dict[str, Any], version: int = 1) -> str:
    """Version 1 (events written before the key): plain SHA-256. Versions 2 and 3:
    HMAC-SHA256 keyed with AUDIT_KEY, so that nobody without the key can recompute the chain
    after a change."""
    message = previous + "\n" + canonical(content)
    if version == 1:
        return hashlib.sha256(message.encode()).hexdigest()
    return _keyed(message)


def seal_of(content: dict[str, Any]) -> str:
    """What the writer of an event (version 3) stores with it before it has a place in the
    chain: an event slipped into the table behind the registry's back, without the key, is
    linked like any other but found by the walk."""
    return _keyed("seal\n" + canonical(content))


LINK_BATCH = 2000


def link_pending(batch: int = LINK_BATCH) -> int:
    """Give the events written since the last linking their place in the chain, in the order
    of their ids, and move the head; returns how many (flushes, the caller commits).

    Only the linker locks the head. On PostgreSQL a second linker at the same moment does not
    wait for it (SKIP LOCKED) and links nothing: the first links what it sees, and what was
    committed after that is linked by the next round. SQLite serialises its writers."""
    session = db.session()
    head = session.scalar(select(AuditChainHead).where(AuditChainHead.id == 1)
                          .with_for_update(skip_locked=True)
                          .execution_options(populate_existing=True))
    if head is None:
        if session.scalar(select(AuditChainHead.id)) is not None:
            return 0  # another linker holds it
        head = AuditChainHead(id=1, last_sha256=GENESIS, last_position=0)
        session.add(head)
    linked = 0
    while True:
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.position.is_(None), AuditEvent.sha256.is_(None),
            AuditEvent.previous_sha256.is_(None)).order_by(AuditEvent.id).limit(batch)).all()
        for event in events:
            head.last_position += 1
            event.position = head.last_position
            event.previous_sha256 = head.last_sha256
            event.sha256 = digest(head.last_sha256, content_of(event), event.hash_version)
            head.last_sha256 = event.sha256
        session.flush()
        linked += len(events)
        if len(events) < batch:
            return linked


def link_written_events() -> int:
    """The worker's task: link what was written since its last round, in a unit of work of
    its own."""
    with db.unit_of_work():
        return link_pending()


def unlinked() -> tuple[int, int | None]:
    """How many events wait for their place in the chain (the linker's next round takes
    them), and the first of those that carry hashes without a place: written behind the
    registry's back, outside the chain (None when there is none)."""
    waiting, outside = db.session.execute(
        select(func.count(AuditEvent.id).filter(AuditEvent.sha256.is_(None)),
               func.min(AuditEvent.id).filter(AuditEvent.sha256.is_not(None)))
        .where(AuditEvent.position.is_(None))).one()
    return waiting, outside


def pending() -> int:
    return unlinked()[0]


@dataclass
class Report:
    events: int = 0
    first_break: int | None = None
    reason: str = ""
    documents: int = 0
    document_breaks: list[str] = field(default_factory=list)
    checkpoints: int = 0
    checkpoint_breaks: list[str] = field(default_factory=list)
    pending: int = 0  # written, not linked yet: not walked
    through: tuple[int, str] = (0, GENESIS)  # the last event walked: position and hash

    @property
    def whole(self) -> bool:
        return (self.first_break is None and not self.document_breaks
                and not self.checkpoint_breaks)


def verify(documents: bool = True, checkpoints: list[dict[str, Any]] | None = None,
           after: tuple[int, str, int] | None = None) -> Report:
    """Walk the linked events from the first (or from the one after `after`: (position, its
    SHA-256, its hash version), a point an earlier walk found whole), compare it with the
    checkpoints given (held elsewhere: they show a chain shortened or rewritten since),
    re-hash every kept document."""
    report = Report()
    report.pending, outside = unlinked()
    wanted = {int(c["sequence"]): str(c["sha256"]) for c in checkpoints or []}
    found: dict[int, str] = {}
    previous = GENESIS
    keyed_since = 1  # plain SHA-256 only for the events written before the key
    last_position = 0
    # the head as it is before the walk: the walk must come past it (the linker may move it
    # on meanwhile; what it links later is not this walk's to judge)
    head = db.session.execute(select(AuditChainHead.last_position,
                                     AuditChainHead.last_sha256)).first()
    at_head: str | None = None
    query = (select(AuditEvent).where(AuditEvent.position.is_not(None))
             .order_by(AuditEvent.position))  # as stored now
    if after is not None:
        last_position, previous, keyed_since = after
        query = query.where(AuditEvent.position > last_position)
    start = (last_position, previous)
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
            content = content_of(event)
            if event.sha256 != digest(previous, content, event.hash_version):
                report.first_break, report.reason = event.id, "content does not match its hash"
                break
            if event.hash_version >= SEALED and event.seal != seal_of(content):
                report.first_break, report.reason = event.id, "not written by the registry"
                break
            position = event.position or 0
            if head is not None and position == head[0]:
                at_head = event.sha256
            if position in wanted:
                found[position] = event.sha256
            previous, last_position = event.sha256, position
    finally:
        events.close()  # a server-side cursor on PostgreSQL, left early on a break
    report.through = (last_position, previous)
    if report.first_break is None and head is not None and (
            (head[0], head[1]) != start if head[0] <= start[0] else at_head != head[1]):
        report.first_break, report.reason = -1, "the head names another last event"
    if report.first_break is None and outside is not None:
        report.first_break, report.reason = outside, "hashed without a place in the chain"
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
