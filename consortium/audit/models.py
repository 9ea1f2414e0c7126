"""The append-only audit log. Rows are only ever inserted; a database trigger refuses
UPDATE and DELETE, except the one update that links a new event into the chain (see the
migrations that create the table and that let writers append without the head's lock)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consortium import clock
from consortium.db import Base, UTCDateTime

if TYPE_CHECKING:  # named for types only: the ORM finds the class by its name
    from consortium.auth.models import User


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(254))  # email, or "cli" / "system"
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(50), index=True)
    object_id: Mapped[str] = mapped_column(String(50))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    # The hash chain (consortium/audit/chain.py), all three empty until the linker gives the
    # event its place: its position in the chain, the previous event's hash, and this one's
    position: Mapped[int | None] = mapped_column(BigInteger, unique=True, index=True)
    previous_sha256: Mapped[str | None] = mapped_column(String(64))
    sha256: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    # 1: plain SHA-256 (events before the key); 2: HMAC-SHA256 keyed with AUDIT_KEY; 3: keyed,
    # and sealed by its writer (`seal`: HMAC of its content) before it has a place
    hash_version: Mapped[int] = mapped_column(SmallInteger, default=3, server_default="1")
    seal: Mapped[str | None] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship()

    __table_args__ = (
        # The events waiting for their place, and how long: a small index (the linker empties
        # it every second) that the audit page and the linker read, however long the chain
        Index("ix_audit_events_unlinked", "occurred_at", postgresql_where=text("position IS NULL"),
              sqlite_where=text("position IS NULL")),
    )


class AuditChainHead(Base):
    """The newest linked event's position and hash: one row, locked by the linker alone
    (writers of the log never touch it)."""

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_sha256: Mapped[str] = mapped_column(String(64))
    last_position: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class AuditCheckpoint(Base):
    """The chain's head at a moment (the newest linked event's position and hash), signed with the
    consortium's key: copied elsewhere (the feed, the kept documents), it shows a chain that
    was shortened or rewritten afterwards."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, index=True)  # the newest event's position
    sha256: Mapped[str] = mapped_column(String(64))
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    public_key: Mapped[str] = mapped_column(String(64))  # Ed25519, hex
    signature: Mapped[str] = mapped_column(String(128))  # hex


class AuditVerification(Base):
    """One walk of the chain and what it found. Incremental walks start after the newest
    whole one (`through_position`, `through_sha256`: the stored checkpoint) and check that
    anchor again; a full walk (`flask audit verify`) starts at the first event. The audit
    page shows the newest row and never walks the chain itself."""

    __tablename__ = "audit_verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    full: Mapped[bool] = mapped_column(Boolean, default=False)
    # positions in the chain: the walk read the events after `from_position`
    from_position: Mapped[int] = mapped_column(BigInteger, default=0)
    through_position: Mapped[int] = mapped_column(BigInteger, default=0)
    through_sha256: Mapped[str] = mapped_column(String(64))
    events: Mapped[int] = mapped_column(Integer, default=0)  # read by this walk
    whole: Mapped[bool] = mapped_column(Boolean)
    first_break: Mapped[int | None] = mapped_column(Integer)  # an event's id
    reason: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(100), default="worker")
