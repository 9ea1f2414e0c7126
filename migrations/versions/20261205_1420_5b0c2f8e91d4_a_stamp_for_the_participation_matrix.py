"""a stamp for the participation matrix and the tool pages' lists

Revision ID: 5b0c2f8e91d4
Revises: eae709d71a06
Create Date: 2026-12-05 14:20:00.000000

The participation matrix and a tool page's lists (participants, usage) are kept between
requests under the stamp "participation" (consortium/frame/stamps.py), renewed on every write
to the tables they read.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from consortium.frame import stamps

revision: str = '5b0c2f8e91d4'
down_revision: str | Sequence[str] | None = 'eae709d71a06'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARTICIPATION = ("municipalities", "tools", "participations", "usage_figures")


def upgrade() -> None:
    stamps.add_stamp(op, "participation", PARTICIPATION)


def downgrade() -> None:
    stamps.drop_stamp(op, "participation", PARTICIPATION)
