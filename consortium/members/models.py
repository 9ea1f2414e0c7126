"""Municipalities, their population history and their membership periods."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    exists,
    func,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consortium import clock
from consortium.db import Base, UTCDateTime, str_enum


class MembershipStatus(enum.StrEnum):
    APPLICANT = "applicant"
    MEMBER = "member"
    RESIGNED = "resigned"


class Municipality(Base):
    __tablename__ = "municipalities"
    # name in Swedish alphabetical order, for ORDER BY (an SQL expression, set below)
    sort_name: ClassVar[Any]

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(4), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    county: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(2), default="SE")
    org_number: Mapped[str | None] = mapped_column(String(20))
    invoice_reference: Mapped[str | None] = mapped_column(String(200))
    # Where invoices go (SPEC "Invoicing"): the postal address and the Peppol participant id
    # (by default from the organisation number).
    street: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(100))
    peppol_id: Mapped[str | None] = mapped_column(String(40))
    # NULL: in the national list but never a member nor an applicant.
    status: Mapped[MembershipStatus | None] = mapped_column(
        str_enum(MembershipStatus, "membership_status")
    )
    joined_on: Mapped[date | None]
    left_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    population_figures: Mapped[list[PopulationFigure]] = relationship(
        back_populates="municipality", order_by="PopulationFigure.year"
    )
    membership_periods: Mapped[list[MembershipPeriod]] = relationship(
        back_populates="municipality", order_by="MembershipPeriod.joined_on"
    )

    __table_args__ = (
        CheckConstraint("length(code) = 4", name="code_four_digits"),
        CheckConstraint("left_on IS NULL OR joined_on IS NULL OR left_on >= joined_on",
                        name="left_after_joined"),
    )

    def __repr__(self) -> str:
        return f"<Municipality {self.code} {self.name}>"

    def standing(self, on: date | None = None) -> str | None:
        """The membership as it is on `on` (default today): an admission that starts later
        is "admitted" (blivande medlem: no seat, no fee, not counted yet), a resignation
        that takes effect later leaves it a "member" until its day."""
        on = on or clock.today()
        if self.status is MembershipStatus.MEMBER and self.joined_on and self.joined_on > on:
            return ADMITTED
        if self.status is MembershipStatus.RESIGNED and self.left_on and self.left_on >= on:
            return MembershipStatus.MEMBER.value
        return self.status.value if self.status else None


ADMITTED = "admitted"  # a standing, never stored: a member whose membership starts later


def standing_condition(standing: str, on: date) -> Any:
    """The SQL condition for municipalities of a standing on `on` (see Municipality.standing);
    "none": never a member nor an applicant. None for an unknown standing."""
    status, joined_on, left_on = Municipality.status, Municipality.joined_on, Municipality.left_on
    member, resigned = MembershipStatus.MEMBER, MembershipStatus.RESIGNED
    conditions = {
        "none": status.is_(None),
        MembershipStatus.APPLICANT.value: status == MembershipStatus.APPLICANT,
        ADMITTED: and_(status == member, joined_on > on),
        member.value: or_(and_(status == member, or_(joined_on.is_(None), joined_on <= on)),
                          and_(status == resigned, left_on >= on)),
        resigned.value: and_(status == resigned, or_(left_on.is_(None), left_on < on)),
    }
    return conditions.get(standing)


# Swedish alphabetical order: ... X Y Z Å Ä Ö. Byte order (SQLite) and many database
# collations put Ä before Å, or Å among the A:s; "{" sorts right after "z" in ASCII.
_SWEDISH_TAIL = (("å", "{1"), ("Å", "{1"), ("ä", "{2"), ("Ä", "{2"), ("ö", "{3"), ("Ö", "{3"))


def swedish_key(name: str) -> str:
    """Sort key for names in Swedish order, the same as `Municipality.sort_name`."""
    key = name.lower()
    for letter, replacement in _SWEDISH_TAIL:
        key = key.replace(letter, replacement)
    return key


def _swedish_expression(column: Any) -> Any:
    expression = func.lower(column)
    for letter, replacement in _SWEDISH_TAIL:
        expression = func.replace(expression, letter, replacement)
    return expression


Municipality.sort_name = _swedish_expression(Municipality.name)


class PopulationFigure(Base):
    """The population on 31 December of `year`."""

    __tablename__ = "population_figures"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(String(200))
    # The import that wrote the figure as it stands; NULL: entered by hand (or before imports
    # were kept as records).
    import_id: Mapped[int | None] = mapped_column(ForeignKey("population_imports.id"),
                                                  index=True)

    municipality: Mapped[Municipality] = relationship(back_populates="population_figures")
    imported_by: Mapped[PopulationImport | None] = relationship()

    __table_args__ = (
        UniqueConstraint("municipality_id", "year"),
        CheckConstraint("population >= 0", name="population_not_negative"),
    )


class PopulationImport(Base):
    """One import of official figures as it was run: who, when, which file (name and SHA-256
    of its bytes), read as which layout, and the rows it changed. Never edited."""

    __tablename__ = "population_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str | None] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    layout: Mapped[str] = mapped_column(String(20))  # registry, scb, ssb
    title: Mapped[str] = mapped_column(String(200), default="")
    row_count: Mapped[int] = mapped_column(Integer)
    counts: Mapped[dict[str, int]] = mapped_column(JSON)

    rows: Mapped[list[PopulationImportRow]] = relationship(
        back_populates="population_import", order_by="PopulationImportRow.id")


class PopulationImportRow(Base):
    """A change an import made: a new municipality, a new or changed figure, a rename."""

    __tablename__ = "population_import_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("population_imports.id"), index=True)
    line: Mapped[int] = mapped_column(Integer)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    year: Mapped[int | None] = mapped_column(Integer)
    population_before: Mapped[int | None] = mapped_column(Integer)
    population_after: Mapped[int | None] = mapped_column(Integer)
    name_before: Mapped[str | None] = mapped_column(String(100))
    name_after: Mapped[str | None] = mapped_column(String(100))

    population_import: Mapped[PopulationImport] = relationship(back_populates="rows")
    municipality: Mapped[Municipality] = relationship()


class MembershipPeriod(Base):
    """One stretch of membership; a municipality that resigns and rejoins has several."""

    __tablename__ = "membership_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    joined_on: Mapped[date]
    left_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)

    municipality: Mapped[Municipality] = relationship(back_populates="membership_periods")

    __table_args__ = (
        UniqueConstraint("municipality_id", "joined_on"),
        CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="left_after_joined"),
    )


def member_between(start: date, end: date) -> Any:
    """SQL: the `Municipality` of the query is a member on some day of start..end
    (inclusive); with start == end, a member on that day."""
    return exists().where(MembershipPeriod.municipality_id == Municipality.id,
                          MembershipPeriod.joined_on <= end,
                          or_(MembershipPeriod.left_on.is_(None),
                              MembershipPeriod.left_on >= start))
