"""audit verifications: the page reads, the worker walks

Revision ID: 1672d256683b
Revises: 7efa865eaa3d
Create Date: 2026-12-05 07:41:10.578415
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '1672d256683b'
down_revision: str | Sequence[str] | None = '7efa865eaa3d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_verifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('full', sa.Boolean(), nullable=False),
    sa.Column('from_event_id', sa.Integer(), nullable=False),
    sa.Column('through_event_id', sa.Integer(), nullable=False),
    sa.Column('through_sha256', sa.String(length=64), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('whole', sa.Boolean(), nullable=False),
    sa.Column('first_break', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_verifications'))
    )
    with op.batch_alter_table('audit_verifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_verifications_finished_at'), ['finished_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_verifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_verifications_finished_at'))

    op.drop_table('audit_verifications')
