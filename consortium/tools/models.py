"""Tools the consortium owns, who takes part in them and how much they use them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consortium import clock
from consortium.db import Base, UTCDateTime, str_enum
from consortium.members.models import Municipality


class ToolStatus(enum.StrEnum):
    DEVELOPMENT = "development"
    OPERATION = "operation"
    RETIRED = "retired"


class Tool(Base):
    __tablename__ = "tools"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ToolStatus] = mapped_column(
        str_enum(ToolStatus, "tool_status"), default=ToolStatus.DEVELOPMENT
    )
    origin: Mapped[str | None] = mapped_column(String(300))
    owner_since: Mapped[date | None]
    # SPEC "Time": participation needs membership on every day, unless the tool is open to
    # every municipality (Bibblix was); a non-member participant pays but holds no seat.
    open_to_non_members: Mapped[bool] = mapped_column(Boolean, default=False,
                                                      server_default=false())
    # How its shares are invoiced (SPEC "Invoicing"): the VAT category (S 25 %, E exempt, O
    # outside the scope), the reason for E and O, and the BAS revenue account.
    vat_category: Mapped[str] = mapped_column(String(1), default="S", server_default="S")
    vat_exemption_reason: Mapped[str] = mapped_column(String(300), default="",
                                                      server_default="")
    revenue_account: Mapped[str] = mapped_column(String(10), default="3001",
                                                 server_default="3001")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    participations: Mapped[list[Participation]] = relationship(
        back_populates="tool", order_by="Participation.joined_on"
    )


class Participation(Base):
    """A municipality takes part in a tool from joined_on to left_on (open end allowed)."""

    __tablename__ = "participations"

    id: Mapped[int] = mapped_column(primary_key=True)
    tool_id: Mapped[int] = mapped_column(ForeignKey("tools.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    joined_on: Mapped[date]
    left_on: Mapped[date | None]

    tool: Mapped[Tool] = relationship(back_populates="participations")
    municipality: Mapped[Municipality] = relationship()

    __table_args__ = (
        UniqueConstraint("tool_id", "municipality_id", "joined_on"),
        CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="left_after_joined"),
    )


class UsageFigure(Base):
    """Yearly usage units (licences, cases, pupils) of one participant in one tool."""

    __tablename__ = "usage_figures"

    id: Mapped[int] = mapped_column(primary_key=True)
    tool_id: Mapped[int] = mapped_column(ForeignKey("tools.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    units: Mapped[int] = mapped_column(Integer)

    tool: Mapped[Tool] = relationship()
    municipality: Mapped[Municipality] = relationship()

    __table_args__ = (
        UniqueConstraint("tool_id", "municipality_id", "year"),
        CheckConstraint("units >= 0", name="units_not_negative"),
    )
