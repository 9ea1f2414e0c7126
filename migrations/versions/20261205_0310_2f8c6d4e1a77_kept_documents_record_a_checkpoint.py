"""kept documents record a checkpoint

Revision ID: 2f8c6d4e1a77
Revises: 7a3e5b1c9d20
Create Date: 2026-12-05 03:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '2f8c6d4e1a77'
down_revision: str | Sequence[str] | None = '7a3e5b1c9d20'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('stored_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audit_checkpoint_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_stored_documents_audit_checkpoint_id_audit_checkpoints'),
            'audit_checkpoints', ['audit_checkpoint_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('stored_documents', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_stored_documents_audit_checkpoint_id_audit_checkpoints'),
            type_='foreignkey')
        batch_op.drop_column('audit_checkpoint_id')
