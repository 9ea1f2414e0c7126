"""the audit log as a hash chain

Revision ID: e86b461efab7
Revises: ae9feacb164b
Create Date: 2026-11-27 08:55:20.860505
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC

import sqlalchemy as sa
from alembic import op

from consortium.db import UTCDateTime

revision: str = 'e86b461efab7'
down_revision: str | Sequence[str] | None = 'ae9feacb164b'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Version 1 of the chain's canonical form, as consortium/audit/chain.py has it (kept here so
# that this migration hashes the old events the same way whatever the code becomes).
GENESIS = "0" * 64


def _canonical(content: dict) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _digest(previous: str, content: dict) -> str:
    return hashlib.sha256((previous + "\n" + _canonical(content)).encode()).hexdigest()


def _hash_existing_events() -> str:
    bind = op.get_bind()
    events = sa.table(
        "audit_events", sa.column("id", sa.Integer), sa.column("occurred_at", UTCDateTime()),
        sa.column("actor_id", sa.Integer), sa.column("actor_label", sa.String),
        sa.column("action", sa.String), sa.column("object_type", sa.String),
        sa.column("object_id", sa.String), sa.column("before", sa.JSON),
        sa.column("after", sa.JSON), sa.column("note", sa.Text),
        sa.column("remote_addr", sa.String), sa.column("previous_sha256", sa.String),
        sa.column("sha256", sa.String))
    previous = GENESIS
    rows = bind.execute(sa.select(events).order_by(events.c.id)).mappings().all()
    for row in rows:
        content = {"occurred_at": row["occurred_at"].astimezone(UTC).isoformat(
                       timespec="microseconds"),
                   "actor_id": row["actor_id"], "actor_label": row["actor_label"],
                   "action": row["action"], "object_type": row["object_type"],
                   "object_id": row["object_id"], "before": row["before"],
                   "after": row["after"], "note": row["note"],
                   "remote_addr": row["remote_addr"]}
        sha = _digest(previous, content)
        bind.execute(events.update().where(events.c.id == row["id"])
                     .values(previous_sha256=previous, sha256=sha))
        previous = sha
    return previous


def upgrade() -> None:
    op.create_table('audit_chain',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_sha256', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain'))
    )
    # Plain ADD COLUMN (no table copy on SQLite, which would drop the append-only triggers)
    op.add_column('audit_events', sa.Column('previous_sha256', sa.String(length=64),
                                            nullable=True))
    op.add_column('audit_events', sa.Column('sha256', sa.String(length=64), nullable=True))
    op.create_index(op.f('ix_audit_events_sha256'), 'audit_events', ['sha256'], unique=True)
    # Hash the events written before the chain: the append-only guard steps aside for this
    # one UPDATE of the new columns only, inside the migration's transaction.
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change")
    else:
        op.execute("DROP TRIGGER audit_events_no_update")
    head = _hash_existing_events()
    if postgres:
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change")
    else:
        op.execute("CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
                   "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END")
    op.execute(sa.text("INSERT INTO audit_chain (id, last_sha256) VALUES (1, :head)")
               .bindparams(head=head))


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.drop_index(op.f('ix_audit_events_sha256'), table_name='audit_events')
    if postgres:
        op.drop_column('audit_events', 'sha256')
        op.drop_column('audit_events', 'previous_sha256')
    else:
        # SQLite copies the table to drop a column: the guard goes and comes back
        op.execute("DROP TRIGGER audit_events_no_update")
        op.execute("DROP TRIGGER audit_events_no_delete")
        with op.batch_alter_table('audit_events', schema=None) as batch_op:
            batch_op.drop_column('sha256')
            batch_op.drop_column('previous_sha256')
        op.execute("CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
                   "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END")
        op.execute("CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
                   "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END")
    op.drop_table('audit_chain')
