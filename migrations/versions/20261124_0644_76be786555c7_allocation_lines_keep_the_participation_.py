"""Allocation lines keep the participation fraction f(m) of the municipality.

Revision ID: 76be786555c7
Revises: 38ff3906dc18
Create Date: 2026-11-24 06:44:20.549572
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '76be786555c7'
down_revision: str | Sequence[str] | None = '38ff3906dc18'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('allocation_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fraction', sa.String(length=40), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table('allocation_lines', schema=None) as batch_op:
        batch_op.drop_column('fraction')

