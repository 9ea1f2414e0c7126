"""keyed audit chain and signed checkpoints

Revision ID: 7a3e5b1c9d20
Revises: 4c1d9e7a2b55
Create Date: 2026-12-05 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7a3e5b1c9d20'
down_revision: str | Sequence[str] | None = '4c1d9e7a2b55'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table copy on SQLite, which would drop the append-only triggers);
    # the events written so far keep their plain SHA-256 (version 1).
    op.add_column('audit_events', sa.Column('hash_version', sa.SmallInteger(),
                                            server_default='1', nullable=False))
    op.create_table(
        'audit_checkpoints',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('public_key', sa.String(length=64), nullable=False),
        sa.Column('signature', sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoints')),
    )
    op.create_index(op.f('ix_audit_checkpoints_sequence'), 'audit_checkpoints', ['sequence'])
    op.create_index(op.f('ix_audit_checkpoints_made_at'), 'audit_checkpoints', ['made_at'])
    if op.get_bind().dialect.name == 'postgresql':
        # The head row is moved by writers only, never deleted or emptied
        op.execute("CREATE FUNCTION audit_chain_guard() RETURNS trigger AS $$ BEGIN "
                   "RAISE EXCEPTION 'the head of the audit chain is not deleted'; END; "
                   "$$ LANGUAGE plpgsql")
        op.execute("CREATE TRIGGER audit_chain_no_delete BEFORE DELETE OR TRUNCATE ON "
                   "audit_chain FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_guard()")
    else:
        op.execute("CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain "
                   "BEGIN SELECT RAISE(ABORT, 'the head of the audit chain is not deleted'); "
                   "END")


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS audit_chain_no_delete" +
               (" ON audit_chain" if op.get_bind().dialect.name == 'postgresql' else ""))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP FUNCTION IF EXISTS audit_chain_guard()")
    op.drop_index(op.f('ix_audit_checkpoints_made_at'), table_name='audit_checkpoints')
    op.drop_index(op.f('ix_audit_checkpoints_sequence'), table_name='audit_checkpoints')
    op.drop_table('audit_checkpoints')
    # Plain DROP COLUMN (SQLite 3.35+): a table copy would drop the append-only triggers
    op.execute("ALTER TABLE audit_events DROP COLUMN hash_version")
