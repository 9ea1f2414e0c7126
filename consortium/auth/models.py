"""Users, their role and municipality, and API tokens."""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consortium import clock
from consortium.db import Base, UTCDateTime, str_enum

if TYPE_CHECKING:  # named for types only: the ORM finds the class by its name
    from consortium.members.models import Municipality


class Role(enum.StrEnum):
    ADMIN = "admin"
    FINANCE = "finance"
    REPRESENTATIVE = "representative"
    OBSERVER = "observer"


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(150), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language of the e-mail the registry sends (the one last chosen in the browser)
    lang: Mapped[str] = mapped_column(String(5), default="sv", server_default="sv")
    # The secret part of the user's calendar address (/calendar/<token>.ics); None: no feed
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Raised by logout, deactivation and a password change: every session made before ends
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    municipality: Mapped[Municipality | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles


class ApiToken(Base):
    """A Bearer token for the API. Only the SHA-256 of the token is kept: tokens are long
    random strings, so a fast hash suffices and lets us look the token up directly."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
