"""The consortium's own invoicing settings: who issues the invoices, how they are paid, and
the ledger's accounts (SPEC "Invoicing and the ledger")."""

from __future__ import annotations

import enum
from datetime import date, datetime
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
from consortium.db import Base, UTCDateTime, str_enum
from consortium.members.models import Municipality


class InvoicingSettings(Base):
    """One row (id 1): empty until the office fills it in."""

    __tablename__ = "invoicing_settings"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    legal_name: Mapped[str] = mapped_column(String(200), default="")
    org_number: Mapped[str] = mapped_column(String(20), default="")
    vat_number: Mapped[str] = mapped_column(String(20), default="")
    f_skatt: Mapped[bool] = mapped_column(Boolean, default=False)
    street: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(20), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    bankgiro: Mapped[str] = mapped_column(String(20), default="")
    plusgiro: Mapped[str] = mapped_column(String(20), default="")
    iban: Mapped[str] = mapped_column(String(40), default="")
    bic: Mapped[str] = mapped_column(String(11), default="")
    peppol_id: Mapped[str] = mapped_column(String(40), default="")
    payment_terms_days: Mapped[int] = mapped_column(Integer, default=30)
    fee_vat_category: Mapped[str] = mapped_column(String(1), default="O")
    account_receivable: Mapped[str] = mapped_column(String(10), default="1510")
    account_vat_output: Mapped[str] = mapped_column(String(10), default="2611")
    account_bank: Mapped[str] = mapped_column(String(10), default="1930")
    account_fees_revenue: Mapped[str] = mapped_column(String(10), default="3010")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    fee_vat_exemption_reason: Mapped[str] = mapped_column(String(300), default="",
                                                          server_default="")


class InvoiceKind(enum.StrEnum):
    INVOICE = "invoice"  # UBL Invoice, type 380
    CREDIT_NOTE = "credit_note"  # UBL CreditNote, type 381


class InvoiceSeries(Base):
    """The gap-free series of a year's numbers: its row is the lock that issuing holds, and
    `last` the last number taken."""

    __tablename__ = "invoice_series"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Invoice(Base):
    """An issued invoice or credit note: never changed once issued. The parties are kept as
    they were on the day of issue (`seller`, `buyer`) and the Peppol UBL document with its
    SHA-256; the PDF is rendered from these, so both show the same figures."""

    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # "2027-0001"
    kind: Mapped[InvoiceKind] = mapped_column(str_enum(InvoiceKind, "invoice_kind"))
    year: Mapped[int] = mapped_column(Integer, index=True)  # the year invoiced
    sequence: Mapped[int] = mapped_column(Integer)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    issue_date: Mapped[date]
    due_date: Mapped[date | None]
    ocr: Mapped[str] = mapped_column(String(30))
    buyer_reference: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    net: Mapped[int] = mapped_column(BigInteger)  # öre, without VAT
    vat: Mapped[int] = mapped_column(BigInteger)
    payable: Mapped[int] = mapped_column(BigInteger)
    # A credit note that credits an invoice whole names it (one credit note per invoice).
    credits_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), unique=True)
    reason: Mapped[str | None] = mapped_column(Text)
    seller: Mapped[dict[str, Any]] = mapped_column(JSON)
    buyer: Mapped[dict[str, Any]] = mapped_column(JSON)
    xml: Mapped[bytes] = mapped_column(LargeBinary)
    xml_sha256: Mapped[str] = mapped_column(String(64))
    outbox_written_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    municipality: Mapped[Municipality] = relationship()
    lines: Mapped[list[InvoiceLine]] = relationship(order_by="InvoiceLine.position")
    credits: Mapped[Invoice | None] = relationship(remote_side=[id])

    __table_args__ = (
        UniqueConstraint("year", "sequence"),
        CheckConstraint("payable >= 0", name="payable_not_negative"),
        CheckConstraint("net + vat = payable", name="payable_is_net_and_vat"),
    )


class InvoiceLine(Base):
    """A line as issued: its text, its amount in öre (negative for a credit on an invoice),
    its VAT category and rate, and the revenue account it is booked to."""

    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(300))
    amount: Mapped[int] = mapped_column(BigInteger)
    vat_category: Mapped[str] = mapped_column(String(1))
    vat_rate: Mapped[int | None] = mapped_column(Integer)  # percent; None for category O
    exemption_reason: Mapped[str] = mapped_column(String(300), default="")
    account: Mapped[str] = mapped_column(String(10))

    __table_args__ = (UniqueConstraint("invoice_id", "position"),)


class Payment(Base):
    """A payment received on an invoice (never edited)."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    paid_on: Mapped[date]
    amount: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)
