"""an index of the audit events waiting for their place in the chain

Revision ID: a9d2e6b3f417
Revises: 8e3f5a1c2b90
Create Date: 2026-12-05 14:20:00.000000

The audit page counts the events that wait for the linker and reads the oldest one's time;
without this partial index both walked the whole table (an index of all events by time,
filtered for the few unlinked ones). It holds only the unlinked events: a few at a time.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a9d2e6b3f417'
down_revision: str | Sequence[str] | None = '8e3f5a1c2b90'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_audit_events_unlinked', 'audit_events', ['occurred_at'], unique=False,
                    postgresql_where=sa.text('position IS NULL'),
                    sqlite_where=sa.text('position IS NULL'))


def downgrade() -> None:
    op.drop_index('ix_audit_events_unlinked', table_name='audit_events',
                  postgresql_where=sa.text('position IS NULL'),
                  sqlite_where=sa.text('position IS NULL'))
