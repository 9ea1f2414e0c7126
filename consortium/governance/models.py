"""Councils, meetings, agenda items, motions, ballots and their results."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consortium import clock
from consortium.auth.models import User
from consortium.db import Base, UTCDateTime, str_enum
from consortium.members.models import Municipality
from consortium.tools.models import Tool


class CouncilKind(enum.StrEnum):
    ASSEMBLY = "assembly"  # föreningsstämma
    BOARD = "board"  # styrelse
    TOOL = "tool"  # förvaltningsråd


class MeetingStatus(enum.StrEnum):
    PLANNED = "planned"
    HELD = "held"
    MINUTES_SIGNED = "minutes_signed"
    CANCELLED = "cancelled"  # inställt: the called are told, the calendar event cancelled


class AttendanceCapacity(enum.StrEnum):
    ORDINARY = "ordinary"
    DEPUTY = "deputy"
    OTHER = "other"  # övriga närvarande


class OfficerRole(enum.StrEnum):
    CHAIR = "chair"
    SECRETARY = "secretary"
    ADJUSTER = "adjuster"  # justerare


class Weighting(enum.StrEnum):
    EQUAL = "equal"
    POPULATION = "population"
    COST_SHARE = "cost_share"


class Majority(enum.StrEnum):
    SIMPLE = "simple"
    ABSOLUTE = "absolute"
    TWO_THIRDS = "two_thirds"
    UNANIMOUS = "unanimous"


class TieBreak(enum.StrEnum):
    REJECTED = "rejected"
    CHAIR = "chair"
    LOT = "lot"  # between counter-proposals


class PollKind(enum.StrEnum):
    """What a poll decides: yes or no, one of several proposals, or n positions."""

    YES_NO = "motion"
    PROPOSALS = "proposals"  # a main proposal and counter-proposals (motförslag)
    ELECTION = "election"  # val


class MotionStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Choice(enum.StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class Outcome(enum.StrEnum):
    ADOPTED = "adopted"
    REJECTED = "rejected"
    NO_QUORUM = "no_quorum"


class Council(Base):
    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[CouncilKind] = mapped_column(str_enum(CouncilKind, "council_kind"))
    name: Mapped[str] = mapped_column(String(150))
    tool_id: Mapped[int | None] = mapped_column(ForeignKey("tools.id"), index=True)
    chair_municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    proxy_limit: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Its signed protocols go on the public notice board (anslagstavla)
    public: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    tool: Mapped[Tool | None] = relationship()
    chair_municipality: Mapped[Municipality | None] = relationship()

    __table_args__ = (
        CheckConstraint("(kind = 'tool') = (tool_id IS NOT NULL)", name="tool_council_has_tool"),
        CheckConstraint("proxy_limit >= 1", name="proxy_limit_positive"),
    )


class BoardSeat(Base):
    """A seat of a board, listed explicitly (assembly and tool seats are derived), held from
    a day until a day (both optional): an election that seats a new board ends the previous
    seats the day before, so the past stays as it was. `motion_id` names the decision."""

    __tablename__ = "board_seats"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]
    motion_id: Mapped[int | None] = mapped_column(ForeignKey("motions.id"))

    __table_args__ = (
        CheckConstraint("valid_until IS NULL OR valid_from IS NULL OR valid_until >= valid_from",
                        name="seat_period_in_order"),
    )


class Meeting(Base):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    held_on: Mapped[date]
    starts_at: Mapped[time | None]  # the time of day it begins (in the consortium's zone)
    place: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[MeetingStatus] = mapped_column(
        str_enum(MeetingStatus, "meeting_status"), default=MeetingStatus.PLANNED
    )
    chair_municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    minutes_sha256: Mapped[str | None] = mapped_column(String(64))
    minutes_locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    roll_fixed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The kallelse: when it was last sent, and how many times (the calendar's SEQUENCE)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    calls: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    council: Mapped[Council] = relationship()

    __table_args__ = (
        UniqueConstraint("council_id", "year", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )


class MeetingOfficer(Base):
    """Chair, secretary and the one or two adjusters (justerare) of a meeting."""

    __tablename__ = "meeting_officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    role: Mapped[OfficerRole] = mapped_column(str_enum(OfficerRole, "officer_role"))
    position: Mapped[int] = mapped_column(Integer, default=1)
    person_name: Mapped[str] = mapped_column(String(150))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User | None] = relationship()

    __table_args__ = (
        UniqueConstraint("meeting_id", "role", "position"),
        CheckConstraint("position IN (1, 2)", name="position_one_or_two"),
    )


class MeetingSignature(Base):
    """A confirmation of the minutes (justering) by the chair or an adjuster."""

    __tablename__ = "meeting_signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("meeting_officers.id"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    content_sha256: Mapped[str] = mapped_column(String(64))


class Attendance(Base):
    __tablename__ = "attendances"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    person_name: Mapped[str] = mapped_column(String(150))
    capacity: Mapped[AttendanceCapacity] = mapped_column(
        str_enum(AttendanceCapacity, "attendance_capacity")
    )

    municipality: Mapped[Municipality | None] = relationship()


class AgendaItem(Base):
    """A numbered paragraph (§) of a meeting."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    diary_number: Mapped[str | None] = mapped_column(String(50))  # Dnr
    summary: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(Text, default="")
    basis: Mapped[str] = mapped_column(Text, default="")  # beslutsunderlag
    proposals: Mapped[str] = mapped_column(Text, default="")  # yrkanden
    sent_to: Mapped[str] = mapped_column(Text, default="")  # beslutet skickas till
    adjusted_at_once: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        UniqueConstraint("meeting_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )


class Motion(Base):
    """A poll: a proposal for decision (beslutsförslag, yes or no), a vote between proposals
    or an election, on an agenda item or per capsulam. What every kind shares (seats,
    weights, quorum, secrecy, proxies, the register, closes_at, notices, receipts) lives
    here; a kind adds only its options (`PollOption`), its ballot and its count."""

    __tablename__ = "motions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PollKind] = mapped_column(str_enum(PollKind, "poll_kind"),
                                           default=PollKind.YES_NO,
                                           server_default=PollKind.YES_NO.value)
    positions: Mapped[int | None] = mapped_column(Integer)  # elections: seats to fill
    # A decision that acts (effects.py): {"kind": ..., ...}; applied when adopted
    effect: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # What the effect acts on as it stood when the poll opened (a budget's draft)
    effect_basis: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text, default="")
    weighting: Mapped[Weighting] = mapped_column(
        str_enum(Weighting, "weighting"), default=Weighting.EQUAL
    )
    majority: Mapped[Majority] = mapped_column(
        str_enum(Majority, "majority"), default=Majority.SIMPLE
    )
    quorum_percent: Mapped[int] = mapped_column(Integer, default=50)
    tie_break: Mapped[TieBreak] = mapped_column(
        str_enum(TieBreak, "tie_break"), default=TieBreak.REJECTED
    )
    secret: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[MotionStatus] = mapped_column(
        str_enum(MotionStatus, "motion_status"), default=MotionStatus.DRAFT
    )
    population_year: Mapped[int | None] = mapped_column(Integer)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    council: Mapped[Council] = relationship()

    __table_args__ = (
        CheckConstraint("quorum_percent BETWEEN 0 AND 100", name="quorum_percent_range"),
        CheckConstraint("NOT (secret AND tie_break = 'chair')", name="secret_has_no_chair_tie"),
        CheckConstraint("(kind = 'election') = (positions IS NOT NULL)",
                        name="election_has_positions"),
        CheckConstraint("positions IS NULL OR positions >= 1", name="positions_positive"),
    )


class MotionSeat(Base):
    """A seat of a motion with its weight, snapshotted when the motion opens."""

    __tablename__ = "motion_seats"

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    weight: Mapped[int] = mapped_column(BigInteger)

    municipality: Mapped[Municipality] = relationship()

    __table_args__ = (
        UniqueConstraint("motion_id", "municipality_id"),
        CheckConstraint("weight >= 0", name="weight_not_negative"),
    )


class Ballot(Base):
    """One ballot per (motion, municipality). For a secret motion `choice` stays NULL:
    the choice only goes, encrypted, into SealedBallot, so nothing links it to the municipality."""

    __tablename__ = "ballots"

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    choice: Mapped[Choice | None] = mapped_column(str_enum(Choice, "choice"))
    cast_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # The fullmakt it was cast under (open votes only; NULL when cast by the own representative)
    proxy_id: Mapped[int | None] = mapped_column(ForeignKey("proxies.id"))

    municipality: Mapped[Municipality] = relationship()
    cast_by: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("motion_id", "municipality_id"),)


class SealedBallot(Base):
    """The choice and weight of one secret ballot, encrypted (see sealing.py), with a random id
    and nothing that names the ballot, the municipality or the time; deleted when counted."""

    __tablename__ = "sealed_ballots"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id"), index=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class MotionResult(Base):
    """The counted result, stored when the motion closes and never recomputed."""

    __tablename__ = "motion_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id"), unique=True)
    outcome: Mapped[Outcome] = mapped_column(str_enum(Outcome, "outcome"))
    yes: Mapped[int] = mapped_column(BigInteger)
    no: Mapped[int] = mapped_column(BigInteger)
    abstain: Mapped[int] = mapped_column(BigInteger)
    participating: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    quorum_met: Mapped[bool] = mapped_column(Boolean)
    decided_by_chair: Mapped[bool] = mapped_column(Boolean, default=False)
    population_year: Mapped[int | None] = mapped_column(Integer)
    # Proposals and elections: the adopted proposal, the vacant positions, and the lot
    adopted_option: Mapped[int | None] = mapped_column(Integer)
    vacant: Mapped[int | None] = mapped_column(Integer)
    lot_seed: Mapped[str | None] = mapped_column(String(64))  # hex of 32 bytes from secrets
    lot_group: Mapped[list[str] | None] = mapped_column(JSON)  # the lot's order, when it decided
    decided_by: Mapped[str | None] = mapped_column(String(10))  # "chair" or "lot"
    # The decision's effect: applied (True), not applied and why (False), or none (NULL)
    effect_applied: Mapped[bool | None] = mapped_column(Boolean)
    effect_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class Reservation(Base):
    """A municipality's dissent (reservation) against an adopted decision."""

    __tablename__ = "reservations"

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    municipality: Mapped[Municipality] = relationship()

    __table_args__ = (UniqueConstraint("motion_id", "municipality_id"),)


class Proxy(Base):
    """A fullmakt: `holder` casts the ballot of `principal` in one council, for one meeting
    (valid_from = valid_until = its date) or for a period; revoked with a date, never deleted."""

    __tablename__ = "proxies"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    principal_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    valid_from: Mapped[date]
    valid_until: Mapped[date]
    reference: Mapped[str] = mapped_column(String(200), default="")
    revoked_on: Mapped[date | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    council: Mapped[Council] = relationship()
    principal: Mapped[Municipality] = relationship()
    holder: Mapped[User] = relationship(foreign_keys=[holder_id])
    meeting: Mapped[Meeting | None] = relationship()

    __table_args__ = (
        CheckConstraint("valid_until >= valid_from", name="period_in_order"),
    )


class RollEntry(Base):
    """A line of a meeting's voting register (röstlängd): who represents a seat and its weights.
    The register is fixed when the meeting opens; a later change is a new dated entry with a
    reason, and the newest entry of a seat is the one that stands."""

    __tablename__ = "roll_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    represented_by: Mapped[str] = mapped_column(String(150), default="")
    proxy_id: Mapped[int | None] = mapped_column(ForeignKey("proxies.id"))
    weight_equal: Mapped[int] = mapped_column(BigInteger, default=1)
    weight_population: Mapped[int | None] = mapped_column(BigInteger)
    weight_cost_share: Mapped[int | None] = mapped_column(BigInteger)  # öre
    reason: Mapped[str] = mapped_column(String(300), default="")
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    municipality: Mapped[Municipality] = relationship()
    proxy: Mapped[Proxy | None] = relationship()
