"""Verifying the chain without a page waiting for it (SPEC "audit log"; issue "Fast at any
size"): the worker walks only the events linked since the newest whole verification, from
the checkpoint it stored (the last event's position and SHA-256), after checking that this
anchor is still as it was; on a schedule (every AUDIT_VERIFY_MINUTES) and on demand (a job). The
command line's `audit verify` still walks the whole chain, and records that walk too. The
audit page reads the newest verification: one statement, whatever the number of events."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, literal, select

from consortium import clock, db
from consortium.audit.chain import GENESIS, Report, content_of, digest, link_pending, verify
from consortium.audit.models import AuditEvent, AuditVerification

STALLED = timedelta(minutes=1)  # the linker comes every second: a minute means it does not


def state() -> tuple[AuditVerification | None, int]:
    """The newest verification, and how many events have waited longer than STALLED for their
    place in the chain (0 while the worker's linker keeps up: the audit page says when not,
    for the worker is not running). One statement."""
    waiting = select(func.count()).where(AuditEvent.position.is_(None)).scalar_subquery()
    oldest = select(func.min(AuditEvent.occurred_at)) \
        .where(AuditEvent.position.is_(None)).scalar_subquery()
    newest = select(func.max(AuditVerification.id)).scalar_subquery()
    one = select(literal(1).label("one")).subquery()
    found, count, since = db.session.execute(
        select(AuditVerification, waiting, oldest).select_from(one)
        .outerjoin(AuditVerification, AuditVerification.id == newest)).one()
    return found, int(count) if since is not None and since < clock.now() - STALLED else 0


def _anchor() -> tuple[AuditVerification | None, str]:
    """The newest whole verification, and "" when its last event is still as it found it
    (else why not: the walk must then start from the first event)."""
    found = db.session.scalar(select(AuditVerification).where(AuditVerification.whole)
                              .order_by(AuditVerification.id.desc()).limit(1))
    if found is None or found.through_position == 0:
        return found, ""
    event = db.session.scalar(select(AuditEvent)
                              .where(AuditEvent.position == found.through_position)
                              .execution_options(populate_existing=True))
    if event is None or event.sha256 != found.through_sha256 or event.sha256 != digest(
            event.previous_sha256 or GENESIS, content_of(event), event.hash_version):
        return None, "the event of the last checkpoint changed"
    return found, ""


def record(report: Report, *, full: bool, start: int, by: str,
           started: object) -> AuditVerification:
    whole = report.first_break is None
    row = AuditVerification(
        started_at=started, finished_at=clock.now(), full=full, from_position=start,
        through_position=report.through[0] if whole else start,
        through_sha256=report.through[1] if whole else "",
        events=report.events, whole=whole,
        first_break=report.first_break, reason=report.reason, by=by)
    db.session.add(row)
    db.session.flush()
    return row


def verify_incrementally(by: str = "worker") -> AuditVerification:
    """Walk the events linked since the newest whole verification (all of them when there is
    none, or when its anchor changed). What waits to be linked is linked first, so that a
    walk on demand covers every event written before it."""
    link_pending()
    started = clock.now()
    anchor, problem = _anchor()
    if problem:
        report = verify(documents=False)  # the whole chain: where did it break?
        if report.first_break is None:
            report.first_break, report.reason = -1, problem
        return record(report, full=True, start=0, by=by, started=started)
    if anchor is None:
        return record(verify(documents=False), full=True, start=0, by=by, started=started)
    version = db.session.scalar(select(AuditEvent.hash_version).where(
        AuditEvent.position == anchor.through_position)) or 2
    report = verify(documents=False, after=(anchor.through_position, anchor.through_sha256,
                                            version))
    return record(report, full=False, start=anchor.through_position, by=by, started=started)


def verify_when_due() -> int:
    """The sweep's task: an incremental walk when the newest is older than
    AUDIT_VERIFY_MINUTES (and committed on its own: a job's unit of work)."""
    minutes = float(db.app_config().get("AUDIT_VERIFY_MINUTES", 10))
    newest = db.session.scalar(select(AuditVerification.finished_at)
                               .order_by(AuditVerification.id.desc()).limit(1))
    if newest is not None and newest > clock.now() - timedelta(minutes=minutes):
        return 0
    db.session.rollback()
    with db.unit_of_work():
        verify_incrementally()
    return 1
