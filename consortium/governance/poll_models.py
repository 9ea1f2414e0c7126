"""What a poll adds to a motion besides its seats: its options (the proposals, or the
candidates of an election), for an open ballot the options it marked, and the seats
disqualified from it (jäv)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consortium import clock
from consortium.db import Base, UTCDateTime
from consortium.members.models import Municipality


class PollOption(Base):
    """A proposal (1 is the main proposal, huvudförslag) or a candidate: a municipality or a
    person's name as entered. `score` is written once, by the transaction that closes the
    poll."""

    __tablename__ = "poll_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)  # a proposal's text or a person's name
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    score: Mapped[int | None] = mapped_column(BigInteger)
    elected: Mapped[bool | None]

    municipality: Mapped[Municipality | None] = relationship()

    __table_args__ = (
        UniqueConstraint("motion_id", "number"),
        UniqueConstraint("motion_id", "municipality_id"),
        CheckConstraint("number >= 1", name="option_number_positive"),
    )


class BallotMark(Base):
    """An option an open ballot chose (a proposal, or each candidate an election ballot
    marked). A secret ballot has none: its marks go sealed (sealing.py)."""

    __tablename__ = "ballot_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), index=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("poll_options.id"))
    label: Mapped[str] = mapped_column(String(150))

    __table_args__ = (UniqueConstraint("ballot_id", "option_id"),)


class Disqualification(Base):
    """A seat that may not take part in one motion (jäv), with the reason: set before the
    motion opens; the seat is then not in S (no weight, no ballot) and the protocol names it."""

    __tablename__ = "disqualifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    municipality: Mapped[Municipality] = relationship()

    __table_args__ = (UniqueConstraint("motion_id", "municipality_id"),)
