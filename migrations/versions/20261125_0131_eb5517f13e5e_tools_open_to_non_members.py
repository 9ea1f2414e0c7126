"""Tools open to non-members (SPEC "Time": participation otherwise needs membership).

Revision ID: eb5517f13e5e
Revises: 48ed5a64d0f5
Create Date: 2026-11-25 01:31:46.599046
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'eb5517f13e5e'
down_revision: str | Sequence[str] | None = '48ed5a64d0f5'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('tools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_to_non_members', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('tools', schema=None) as batch_op:
        batch_op.drop_column('open_to_non_members')
