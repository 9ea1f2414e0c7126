"""Membership status may be empty: a municipality of the national list that never applied.

Revision ID: 38ff3906dc18
Revises: 3386af2c109d
Create Date: 2026-11-24 06:22:40.242334
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '38ff3906dc18'
down_revision: str | Sequence[str] | None = '3386af2c109d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.alter_column('status',
               existing_type=sa.VARCHAR(length=20),
               nullable=True)


def downgrade() -> None:
    # Older schema has no 'not a member'; the closest it can hold is 'applicant'.
    op.execute("UPDATE municipalities SET status = 'applicant' WHERE status IS NULL")
    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.alter_column('status',
               existing_type=sa.VARCHAR(length=20),
               nullable=False)

