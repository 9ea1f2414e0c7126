"""Stored allocations of drafts and fee lines (SPEC "Time": derived figures stored when
their inputs change). After upgrading a database that has drafts or fee schedules, run
`flask costs refresh` once to store their figures.

Revision ID: 21e89322b93a
Revises: ea2ea502b621
Create Date: 2026-11-25 04:15:00.303006
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '21e89322b93a'
down_revision: str | Sequence[str] | None = 'ea2ea502b621'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('fee_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('band', sa.Integer(), nullable=False),
    sa.Column('annual', sa.BigInteger(), nullable=False),
    sa.Column('entry', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_fee_lines_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_lines')),
    sa.UniqueConstraint('year', 'municipality_id', name=op.f('uq_fee_lines_year_municipality_id'))
    )
    with op.batch_alter_table('fee_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_lines_municipality_id'), ['municipality_id'], unique=False)

    with op.batch_alter_table('budgets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('computed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('allocation_problem', sa.JSON(), nullable=True))

    with op.batch_alter_table('fee_schedules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('computed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('problem', sa.JSON(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('fee_schedules', schema=None) as batch_op:
        batch_op.drop_column('problem')
        batch_op.drop_column('computed_at')

    with op.batch_alter_table('budgets', schema=None) as batch_op:
        batch_op.drop_column('allocation_problem')
        batch_op.drop_column('computed_at')

    with op.batch_alter_table('fee_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_lines_municipality_id'))

    op.drop_table('fee_lines')
