"""Kept documents: the PDF of a record that can no longer change, rendered once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from consortium import clock
from consortium.db import Base, UTCDateTime


class StoredDocument(Base):
    __tablename__ = "stored_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # protocol, allocation, statement, result
    key: Mapped[str] = mapped_column(String(120))  # e.g. "12", "provisum/2026/1", "0180/2025"
    lang: Mapped[str] = mapped_column(String(5))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # The newest signed checkpoint of the audit chain when the document was kept (SPEC: a
    # checkpoint is recorded with every kept document)
    audit_checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("audit_checkpoints.id"))

    __table_args__ = (UniqueConstraint("kind", "key", "lang"),)
