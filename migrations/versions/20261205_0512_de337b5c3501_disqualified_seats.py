"""disqualified seats

Revision ID: de337b5c3501
Revises: 6099195aff7e
Create Date: 2026-12-05 05:12:04.031588
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'de337b5c3501'
down_revision: str | Sequence[str] | None = '6099195aff7e'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('disqualifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('motion_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_disqualifications_created_by_id_users')),
    sa.ForeignKeyConstraint(['motion_id'], ['motions.id'], name=op.f('fk_disqualifications_motion_id_motions')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_disqualifications_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disqualifications')),
    sa.UniqueConstraint('motion_id', 'municipality_id', name=op.f('uq_disqualifications_motion_id_municipality_id'))
    )
    with op.batch_alter_table('disqualifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disqualifications_motion_id'), ['motion_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('disqualifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disqualifications_motion_id'))

    op.drop_table('disqualifications')
