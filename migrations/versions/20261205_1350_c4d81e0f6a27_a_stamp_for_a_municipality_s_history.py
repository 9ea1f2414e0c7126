"""a stamp for a municipality's history

Revision ID: c4d81e0f6a27
Revises: 5b0c2f8e91d4
Create Date: 2026-12-05 13:50:00.000000

A municipality page's membership periods and population figures are kept between requests
under the stamp "members" (consortium/frame/stamps.py), renewed on every write to the tables
they read.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from consortium.frame import stamps

revision: str = 'c4d81e0f6a27'
down_revision: str | Sequence[str] | None = '5b0c2f8e91d4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MEMBERS = ("municipalities", "membership_periods", "population_figures", "population_imports")


def upgrade() -> None:
    stamps.add_stamp(op, "members", MEMBERS)


def downgrade() -> None:
    stamps.drop_stamp(op, "members", MEMBERS)
