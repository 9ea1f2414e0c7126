"""data stamps: renewed by the database whenever a table behind a kept page changes

Revision ID: eae709d71a06
Revises: 34671314bfb1
Create Date: 2026-12-05 13:40:00.000000

consortium/frame/stamps.py: the finance overview is kept between requests under the stamp
"costs", which triggers renew (a new random value) on every write to the tables the overview
reads (stamps.watch: PostgreSQL one trigger per table and statement; SQLite one per table and
kind of write, per row).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# frozen DDL helpers: a later stamp adds its own migration, these functions stay as they are
from consortium.frame import stamps

revision: str = 'eae709d71a06'
down_revision: str | Sequence[str] | None = '34671314bfb1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables whose writes renew the stamp (what the page kept under it reads)
COSTS = ("municipalities", "tools", "budgets", "allocation_lines", "fee_schedules", "fee_lines",
         "closed_years")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table('data_stamps',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('stamp', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_data_stamps'))
    )
    if dialect == "postgresql":
        op.execute(stamps.RENEW_PG)
    stamps.add_stamp(op, "costs", COSTS)


def downgrade() -> None:
    stamps.drop_stamp(op, "costs", COSTS)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION data_stamp_renew()")
    op.drop_table('data_stamps')
