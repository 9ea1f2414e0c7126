"""Kept documents: PDFs of records that can no longer change, rendered once with their hash.

Revision ID: 3acb2034612c
Revises: 76be786555c7
Create Date: 2026-11-24 07:24:01.319777
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '3acb2034612c'
down_revision: str | Sequence[str] | None = '76be786555c7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('stored_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_documents')),
    sa.UniqueConstraint('kind', 'key', 'lang', name=op.f('uq_stored_documents_kind_key_lang'))
    )


def downgrade() -> None:
    op.drop_table('stored_documents')
