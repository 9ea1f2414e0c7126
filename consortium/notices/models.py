"""The outbox of notices and what each user has turned off."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consortium import clock
from consortium.db import Base, UTCDateTime, str_enum

if TYPE_CHECKING:  # named for types only: the ORM finds the class by its name
    from consortium.auth.models import User


class NoticeStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting for its first or next attempt
    SENDING = "sending"  # claimed by a worker
    SENT = "sent"
    FAILED = "failed"  # refused for good, or given up after the last attempt
    # The message went out and the server never confirmed it (a timeout after DATA, a worker
    # that died then): it may have arrived, so it is not sent again unless the office says so.
    UNKNOWN = "unknown"


class Notice(Base):
    """One e-mail to one user, written in the event's transaction (the outbox) with what it
    needs to be written out; rendered in the user's language when it is sent, and the text
    that went out is kept."""

    __tablename__ = "notices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # uuid4; in its Message-ID
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    # Makes a notice that must go once (a reminder) unique: NULL for the others
    once_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    link: Mapped[str] = mapped_column(String(500), default="")  # a path of the registry
    recipient: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(300))
    text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[NoticeStatus] = mapped_column(str_enum(NoticeStatus, "notice_status"),
                                                 default=NoticeStatus.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the message's content began to go to the server (after that its fate may be
    # unknown); None before, and again when the office sends it again
    data_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class NoticeOptOut(Base):
    """A kind of notice a user has turned off (only kinds that do not ask them to act)."""

    __tablename__ = "notice_opt_outs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))

    __table_args__ = (UniqueConstraint("user_id", "kind"),)
