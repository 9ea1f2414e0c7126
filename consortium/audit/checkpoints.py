"""Signed checkpoints of the audit chain's head (SPEC: the audit log is tamper-evident).

Once a day (the worker's sweep) and on demand (`flask audit checkpoint`), the newest linked
event's position and keyed hash are signed with the consortium's Ed25519 key. A checkpoint
copied out of the database (`flask audit checkpoints`, `GET /api/v1/audit/checkpoints`)
shows, against the chain as it is later, that its newest events were deleted with the head
set back (a truncation) or that the chain was recomputed (a rewrite): `flask audit verify
--checkpoints FILE`."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from consortium import clock, db
from consortium.audit.chain import link_pending
from consortium.audit.models import AuditCheckpoint, AuditEvent

if TYPE_CHECKING:  # cryptography is imported where a checkpoint is signed or checked
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

log = logging.getLogger(__name__)


def signing_key() -> Ed25519PrivateKey:
    """The consortium's key (AUDIT_SIGNING_KEY, a PEM file kept apart from the database);
    made on first use when the file does not exist yet, and said so in the log."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = Path(db.app_config()["AUDIT_SIGNING_KEY"])
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
        path.chmod(0o600)
        log.warning("A new key for the audit checkpoints was written to %s", path)
        return key
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise RuntimeError(f"{path} holds no Ed25519 private key.")
    return loaded


def public_hex(key: Ed25519PrivateKey) -> str:
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw).hex()


def statement(sequence: int, sha256: str, at: str) -> bytes:
    return json.dumps({"sequence": sequence, "sha256": sha256, "at": at}, sort_keys=True,
                      separators=(",", ":")).encode()


def _at(moment: datetime) -> str:
    """The signed time: UTC to the second, the same before and after the database."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def as_dict(checkpoint: AuditCheckpoint) -> dict[str, Any]:
    return {"sequence": checkpoint.sequence, "sha256": checkpoint.sha256,
            "at": _at(checkpoint.made_at),
            "public_key": checkpoint.public_key, "signature": checkpoint.signature}


def make() -> AuditCheckpoint | None:
    """Link what waits, then sign the head (None while the log is empty). Flushes; the
    caller commits."""
    link_pending()
    newest = db.session.execute(select(AuditEvent.position, AuditEvent.sha256)
                                .where(AuditEvent.position.is_not(None))
                                .order_by(AuditEvent.position.desc()).limit(1)).first()
    if newest is None or newest[0] is None or newest[1] is None:
        return None
    key = signing_key()
    now = clock.now()
    at = _at(now)
    checkpoint = AuditCheckpoint(
        sequence=newest[0], sha256=newest[1], made_at=now, public_key=public_hex(key),
        signature=key.sign(statement(newest[0], newest[1], at)).hex())
    db.session.add(checkpoint)
    db.session.flush()
    return checkpoint


def sign_daily_checkpoint() -> int:
    """The sweep's task: one checkpoint each of the consortium's days. Returns 1 when made."""
    with db.unit_of_work():
        made_today = db.session.scalar(select(AuditCheckpoint.id).where(
            AuditCheckpoint.made_at >= clock.start_of(clock.today())).limit(1))
        if made_today is not None:
            return 0
        return 1 if make() is not None else 0


def latest_id() -> int | None:
    """The newest checkpoint's id, to record with a document that is kept."""
    return db.session.scalar(select(AuditCheckpoint.id).order_by(AuditCheckpoint.id.desc())
                             .limit(1))


def listed(limit: int = 400) -> list[dict[str, Any]]:
    return [as_dict(c) for c in db.session.scalars(
        select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(limit))]


def compare(checkpoints: list[dict[str, Any]], found: dict[int, str], events: int
            ) -> list[str]:
    """What the chain as it is says against each checkpoint held elsewhere: a signature that
    is not the consortium's, a truncation (the event is gone), or a rewrite (another hash)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    ours = public_hex(signing_key())
    problems = []
    for checkpoint in checkpoints:
        sequence, sha256 = int(checkpoint["sequence"]), str(checkpoint["sha256"])
        name = f"checkpoint #{sequence} of {checkpoint.get('at', '?')}"
        try:
            if checkpoint.get("public_key") != ours:
                raise InvalidSignature
            Ed25519PublicKey.from_public_bytes(bytes.fromhex(ours)).verify(
                bytes.fromhex(str(checkpoint["signature"])),
                statement(sequence, sha256, str(checkpoint["at"])))
        except (InvalidSignature, ValueError, KeyError):
            problems.append(f"{name}: not signed with this registry's key")
            continue
        if sequence not in found:
            problems.append(f"{name}: the chain was shortened (it has no event at place "
                            f"{sequence}; {events} events read)")
        elif found[sequence] != sha256:
            problems.append(f"{name}: the chain was rewritten (the event at place {sequence} "
                            "has another hash)")
    return problems
