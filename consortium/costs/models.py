"""Budgets with their allocation keys, adopted allocation lines and membership fee schedules."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
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
from consortium.db import Base, UTCDateTime, str_enum
from consortium.members.models import Municipality
from consortium.tools.models import Tool


class KeyMethod(enum.StrEnum):
    EQUAL = "equal"
    PER_CAPITA = "per_capita"
    BASE_PLUS_PER_CAPITA = "base_plus_per_capita"
    TIERED = "tiered"
    USAGE = "usage"


class BudgetStatus(enum.StrEnum):
    DRAFT = "draft"
    ADOPTED = "adopted"


class Budget(Base):
    """One version of a tool's budget for a year. Versions form a chain: each later version
    names the one it replaces and why; an adopted version never changes."""

    __tablename__ = "budgets"

    id: Mapped[int] = mapped_column(primary_key=True)
    tool_id: Mapped[int] = mapped_column(ForeignKey("tools.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("budgets.id"), unique=True)
    change_reason: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[int] = mapped_column(BigInteger)  # öre
    key_method: Mapped[KeyMethod] = mapped_column(str_enum(KeyMethod, "key_method"))
    key_population_year: Mapped[int | None] = mapped_column(Integer)
    key_base_share: Mapped[str | None] = mapped_column(String(20))  # decimal string
    key_bands: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    status: Mapped[BudgetStatus] = mapped_column(
        str_enum(BudgetStatus, "budget_status"), default=BudgetStatus.DRAFT
    )
    decision_motion_id: Mapped[int | None] = mapped_column(ForeignKey("motions.id"))
    adopted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    adopted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # The stored allocation (SPEC "Time"): its lines are written whenever an input of a draft
    # changes, in the same transaction; `allocation_problem` says why there are none
    # ({"kind", "year", "missing": [[code, name], ...], "message"}).
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    allocation_problem: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    tool: Mapped[Tool] = relationship()
    lines: Mapped[list[AllocationLine]] = relationship(back_populates="budget")

    __table_args__ = (
        UniqueConstraint("tool_id", "year", "version"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("(version = 1) = (previous_id IS NULL)", name="version_chain"),
    )


class AllocationLine(Base):
    """A municipality's share of a budget version: stored when a draft's inputs change,
    frozen at adoption."""

    __tablename__ = "allocation_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    basis: Mapped[str] = mapped_column(String(100))  # the weight's basis, e.g. population
    fraction: Mapped[str] = mapped_column(String(40), default="1")  # f(m), exact "p/q"
    share: Mapped[str] = mapped_column(String(60))  # exact fraction "p/q" of the budget
    amount: Mapped[int] = mapped_column(BigInteger)  # öre

    budget: Mapped[Budget] = relationship(back_populates="lines")
    municipality: Mapped[Municipality] = relationship()

    __table_args__ = (UniqueConstraint("budget_id", "municipality_id"),)


class FeeSchedule(Base):
    """The membership fee (medlemsavgift) schedule of a year."""

    __tablename__ = "fee_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    population_year: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # Adopted by a decision of the stämma (an effect adopt_fees): then it no longer changes
    decision_motion_id: Mapped[int | None] = mapped_column(ForeignKey("motions.id"))
    adopted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The fees it gives are stored in fee_lines whenever the schedule, a membership or the
    # population figures it uses change; `problem` says why there are none (as on budgets).
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    problem: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    bands: Mapped[list[FeeBand]] = relationship(
        back_populates="schedule", order_by="FeeBand.position", cascade="all, delete-orphan"
    )


class FeeBand(Base):
    __tablename__ = "fee_bands"

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("fee_schedules.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    up_to: Mapped[int | None] = mapped_column(Integer)  # inhabitants; NULL = no upper bound
    annual: Mapped[int] = mapped_column(BigInteger)  # öre
    entry: Mapped[int] = mapped_column(BigInteger)  # öre

    schedule: Mapped[FeeSchedule] = relationship(back_populates="bands")

    __table_args__ = (
        UniqueConstraint("schedule_id", "position"),
        CheckConstraint("annual >= 0 AND entry >= 0", name="fees_not_negative"),
    )


class StoredFee(Base):
    """A member's membership fee of a year, as its schedule gives it (stored, not computed on
    reading)."""

    __tablename__ = "fee_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    band: Mapped[int] = mapped_column(Integer)  # 1-based position in the schedule
    annual: Mapped[int] = mapped_column(BigInteger)  # öre
    entry: Mapped[int] = mapped_column(BigInteger)  # öre

    municipality: Mapped[Municipality] = relationship()

    __table_args__ = (UniqueConstraint("year", "municipality_id"),)


class ClosedYear(Base):
    """A year whose figures are final (SPEC "Time"): every budget adopted, the fee schedule
    set, the statements issued. Nothing that feeds it changes afterwards; a new version of
    one of its budgets yields adjustments on a later statement."""

    __tablename__ = "closed_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Adjustment(Base):
    """The difference, for one municipality, between a closed year's issued allocation and a
    later adopted version of that budget; it is a line of the statement of `year`."""

    __tablename__ = "adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)  # the statement it appears on
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)  # öre; negative is a credit
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    budget: Mapped[Budget] = relationship()
    municipality: Mapped[Municipality] = relationship()

    __table_args__ = (UniqueConstraint("budget_id", "municipality_id"),)
