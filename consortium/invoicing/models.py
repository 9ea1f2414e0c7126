"""The consortium's own invoicing settings: who issues the invoices, how they are paid, and
the ledger's accounts (SPEC "Invoicing and the ledger")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from consortium import clock
from consortium.db import Base, UTCDateTime


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
