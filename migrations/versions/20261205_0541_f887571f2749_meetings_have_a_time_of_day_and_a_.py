"""meetings have a time of day and a kallelse

Revision ID: f887571f2749
Revises: de337b5c3501
Create Date: 2026-12-05 05:41:37.700246
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'f887571f2749'
down_revision: str | Sequence[str] | None = 'de337b5c3501'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_at', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('called_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('calls', sa.Integer(), server_default='0', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('calls')
        batch_op.drop_column('called_at')
        batch_op.drop_column('starts_at')

