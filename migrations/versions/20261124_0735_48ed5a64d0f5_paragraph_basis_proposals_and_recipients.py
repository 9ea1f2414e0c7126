"""Paragraphs keep their beslutsunderlag, yrkanden and who the decision is sent to.

Revision ID: 48ed5a64d0f5
Revises: 3acb2034612c
Create Date: 2026-11-24 07:35:35.170833
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '48ed5a64d0f5'
down_revision: str | Sequence[str] | None = '3acb2034612c'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('basis', sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column('proposals', sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column('sent_to', sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_column('sent_to')
        batch_op.drop_column('proposals')
        batch_op.drop_column('basis')

