"""audit events linked after they are written: writers append without the head's lock

Revision ID: 34671314bfb1
Revises: 1672d256683b
Create Date: 2026-12-05 12:00:00.000000

Writers insert an event without its place in the chain, sealed with the key (`seal`); the
linker (consortium/audit/chain.py) gives it a position and its hashes once, in order. The append-only guard lets exactly that
one update through: from unlinked to linked, every other column unchanged. The events
written before are already linked in the order of their ids, so their position is their id.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '34671314bfb1'
down_revision: str | Sequence[str] | None = '1672d256683b'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Everything an event says: never changed, not even by the one update that links it
CONTENT = ("id", "occurred_at", "actor_id", "actor_label", "action", "object_type",
           "object_id", "before", "after", "note", "remote_addr", "hash_version", "seal")
JSON_COLUMNS = ("before", "after")  # json has no equality on PostgreSQL: compared as text


def _pg_column(row: str, column: str) -> str:
    return f"{row}.{column}::text" if column in JSON_COLUMNS else f"{row}.{column}"


LINK_ONCE_PG = f"""
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.sha256 IS NULL AND OLD.position IS NULL
       AND NEW.sha256 IS NOT NULL AND NEW.position IS NOT NULL
       AND NEW.previous_sha256 IS NOT NULL
       AND ROW({", ".join(_pg_column("NEW", c) for c in CONTENT)})
           IS NOT DISTINCT FROM ROW({", ".join(_pg_column("OLD", c) for c in CONTENT)}) THEN
        RETURN NEW;  -- the one update that links an event
    END IF;
    RAISE EXCEPTION 'audit_events is append-only';
END
$$;
"""
APPEND_ONLY_PG = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END
$$;
"""
LINK_ONCE_SQLITE = (
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events WHEN "
    "OLD.sha256 IS NOT NULL OR OLD.position IS NOT NULL OR NEW.sha256 IS NULL "
    "OR NEW.position IS NULL OR NEW.previous_sha256 IS NULL OR "
    + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in CONTENT)
    + " BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END")
APPEND_ONLY_SQLITE = ("CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
                      "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END")


def _rename_verification_columns(*, to_positions: bool) -> None:
    """The verifications' anchors count places in the chain, no longer event ids."""
    renames = [("from_event_id", "from_position"), ("through_event_id", "through_position")]
    types = (sa.Integer(), sa.BigInteger())
    old_type, new_type = types if to_positions else types[::-1]
    with op.batch_alter_table('audit_verifications', schema=None) as batch_op:
        for ids, positions in renames:
            old, new = (ids, positions) if to_positions else (positions, ids)
            batch_op.alter_column(old, new_column_name=new, existing_type=old_type,
                                  type_=new_type, existing_nullable=False)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    # Plain ADD COLUMN (no table copy on SQLite, which would drop the append-only triggers)
    op.add_column('audit_events', sa.Column('position', sa.BigInteger(), nullable=True))
    op.add_column('audit_events', sa.Column('seal', sa.String(length=64), nullable=True))
    op.create_index(op.f('ix_audit_events_position'), 'audit_events', ['position'],
                    unique=True)
    if postgres:
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change")
    else:
        op.execute("DROP TRIGGER audit_events_no_update")
    op.execute("UPDATE audit_events SET position = id")
    if postgres:
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change")
        op.execute(LINK_ONCE_PG)
    else:
        op.execute(LINK_ONCE_SQLITE)
    op.add_column('audit_chain', sa.Column('last_position', sa.BigInteger(),
                                           server_default='0', nullable=False))
    op.execute("UPDATE audit_chain SET last_position = "
               "(SELECT COALESCE(MAX(id), 0) FROM audit_events)")
    _rename_verification_columns(to_positions=True)


def downgrade() -> None:
    """Back to linking at the commit. Events still waiting for their place keep none: run
    `flask audit link` before going back."""
    postgres = op.get_bind().dialect.name == "postgresql"
    _rename_verification_columns(to_positions=False)
    # Plain DROP COLUMN on both (SQLite 3.35+), so that no table is copied without its guard
    op.drop_column('audit_chain', 'last_position')
    if postgres:
        op.execute(APPEND_ONLY_PG)
    else:
        op.execute("DROP TRIGGER audit_events_no_update")  # it names the column
        op.execute(APPEND_ONLY_SQLITE)
    op.drop_index(op.f('ix_audit_events_position'), table_name='audit_events')
    op.drop_column('audit_events', 'position')
    op.drop_column('audit_events', 'seal')
