"""Closed years and the adjustments a later budget version makes (SPEC "Time").

Revision ID: ea2ea502b621
Revises: eb5517f13e5e
Create Date: 2026-11-25 01:39:11.519116
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'ea2ea502b621'
down_revision: str | Sequence[str] | None = 'eb5517f13e5e'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('closed_years',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_closed_years_closed_by_id_users')),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_closed_years'))
    )
    op.create_table('adjustments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('budget_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['budget_id'], ['budgets.id'], name=op.f('fk_adjustments_budget_id_budgets')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_adjustments_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adjustments')),
    sa.UniqueConstraint('budget_id', 'municipality_id', name=op.f('uq_adjustments_budget_id_municipality_id'))
    )
    with op.batch_alter_table('adjustments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adjustments_budget_id'), ['budget_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_adjustments_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_adjustments_year'), ['year'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('adjustments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adjustments_year'))
        batch_op.drop_index(batch_op.f('ix_adjustments_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_adjustments_budget_id'))

    op.drop_table('adjustments')
    op.drop_table('closed_years')
