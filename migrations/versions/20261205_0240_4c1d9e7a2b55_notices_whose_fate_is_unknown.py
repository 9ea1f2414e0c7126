"""notices whose fate is unknown

Revision ID: 4c1d9e7a2b55
Revises: 9155d0b877f1
Create Date: 2026-12-05 02:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '4c1d9e7a2b55'
down_revision: str | Sequence[str] | None = '9155d0b877f1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ('queued', 'sending', 'sent', 'failed')
AFTER = (*BEFORE, 'unknown')


def _statuses(values: tuple[str, ...]) -> str:
    return "status IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _replace_check(batch_op: object, values: tuple[str, ...]) -> None:
    # SQLite's batch mode copies the table without its (unreflected) CHECK constraints, so
    # only PostgreSQL has one to drop; both get the new one.
    if op.get_bind().dialect.name != 'sqlite':
        batch_op.drop_constraint(op.f('ck_notices_notice_status'), type_='check')  # type: ignore[attr-defined]
    batch_op.create_check_constraint('notice_status', _statuses(values))  # type: ignore[attr-defined]


def upgrade() -> None:
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data_at', sa.DateTime(timezone=True), nullable=True))
        _replace_check(batch_op, AFTER)


def downgrade() -> None:
    op.execute("UPDATE notices SET status = 'failed' WHERE status = 'unknown'")
    with op.batch_alter_table('notices', schema=None) as batch_op:
        _replace_check(batch_op, BEFORE)
        batch_op.drop_column('data_at')
