"""invoicing settings

Revision ID: 5b9d2e8f4c61
Revises: 2f8c6d4e1a77
Create Date: 2026-12-05 03:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5b9d2e8f4c61'
down_revision: str | Sequence[str] | None = '2f8c6d4e1a77'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'invoicing_settings',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('legal_name', sa.String(length=200), nullable=False),
        sa.Column('org_number', sa.String(length=20), nullable=False),
        sa.Column('vat_number', sa.String(length=20), nullable=False),
        sa.Column('f_skatt', sa.Boolean(), nullable=False),
        sa.Column('street', sa.String(length=200), nullable=False),
        sa.Column('postcode', sa.String(length=20), nullable=False),
        sa.Column('city', sa.String(length=100), nullable=False),
        sa.Column('bankgiro', sa.String(length=20), nullable=False),
        sa.Column('plusgiro', sa.String(length=20), nullable=False),
        sa.Column('iban', sa.String(length=40), nullable=False),
        sa.Column('bic', sa.String(length=11), nullable=False),
        sa.Column('peppol_id', sa.String(length=40), nullable=False),
        sa.Column('payment_terms_days', sa.Integer(), nullable=False),
        sa.Column('fee_vat_category', sa.String(length=1), nullable=False),
        sa.Column('account_receivable', sa.String(length=10), nullable=False),
        sa.Column('account_vat_output', sa.String(length=10), nullable=False),
        sa.Column('account_bank', sa.String(length=10), nullable=False),
        sa.Column('account_fees_revenue', sa.String(length=10), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invoicing_settings')),
    )


def downgrade() -> None:
    op.drop_table('invoicing_settings')
