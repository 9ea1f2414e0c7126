"""public councils: the notice board

Revision ID: 7efa865eaa3d
Revises: 945c3cf4cbf9
Create Date: 2026-12-05 07:19:37.775171
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7efa865eaa3d'
down_revision: str | Sequence[str] | None = '945c3cf4cbf9'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('councils', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public', sa.Boolean(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('councils', schema=None) as batch_op:
        batch_op.drop_column('public')

