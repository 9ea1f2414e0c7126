"""invoices credit notes and payments

Revision ID: 6099195aff7e
Revises: 5b9d2e8f4c61
Create Date: 2026-12-05 04:00:15.745901
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '6099195aff7e'
down_revision: str | Sequence[str] | None = '5b9d2e8f4c61'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('invoice_series',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.Column('locked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_invoice_series'))
    )
    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.Enum('invoice', 'credit_note', name='invoice_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('ocr', sa.String(length=30), nullable=False),
    sa.Column('buyer_reference', sa.String(length=200), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('net', sa.BigInteger(), nullable=False),
    sa.Column('vat', sa.BigInteger(), nullable=False),
    sa.Column('payable', sa.BigInteger(), nullable=False),
    sa.Column('credits_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('seller', sa.JSON(), nullable=False),
    sa.Column('buyer', sa.JSON(), nullable=False),
    sa.Column('xml', sa.LargeBinary(), nullable=False),
    sa.Column('xml_sha256', sa.String(length=64), nullable=False),
    sa.Column('outbox_written_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('net + vat = payable', name=op.f('ck_invoices_payable_is_net_and_vat')),
    sa.CheckConstraint('payable >= 0', name=op.f('ck_invoices_payable_not_negative')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_invoices_actor_id_users')),
    sa.ForeignKeyConstraint(['credits_id'], ['invoices.id'], name=op.f('fk_invoices_credits_id_invoices')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_invoices_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('credits_id', name=op.f('uq_invoices_credits_id')),
    sa.UniqueConstraint('number', name=op.f('uq_invoices_number')),
    sa.UniqueConstraint('year', 'sequence', name=op.f('uq_invoices_year_sequence'))
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoices_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_year'), ['year'], unique=False)

    op.create_table('invoice_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('vat_category', sa.String(length=1), nullable=False),
    sa.Column('vat_rate', sa.Integer(), nullable=True),
    sa.Column('exemption_reason', sa.String(length=300), nullable=False),
    sa.Column('account', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_lines_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_lines')),
    sa.UniqueConstraint('invoice_id', 'position', name=op.f('uq_invoice_lines_invoice_id_position'))
    )
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_lines_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payments_amount_positive')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_payments_actor_id_users')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_payments_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_invoice_id'), ['invoice_id'], unique=False)

    with op.batch_alter_table('invoicing_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fee_vat_exemption_reason', sa.String(length=300), server_default='', nullable=False))

    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('street', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('postcode', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('city', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('peppol_id', sa.String(length=40), nullable=True))

    with op.batch_alter_table('tools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vat_category', sa.String(length=1), server_default='S', nullable=False))
        batch_op.add_column(sa.Column('vat_exemption_reason', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('revenue_account', sa.String(length=10), server_default='3001', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('tools', schema=None) as batch_op:
        batch_op.drop_column('revenue_account')
        batch_op.drop_column('vat_exemption_reason')
        batch_op.drop_column('vat_category')

    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.drop_column('peppol_id')
        batch_op.drop_column('city')
        batch_op.drop_column('postcode')
        batch_op.drop_column('street')

    with op.batch_alter_table('invoicing_settings', schema=None) as batch_op:
        batch_op.drop_column('fee_vat_exemption_reason')

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_invoice_id'))

    op.drop_table('payments')
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_lines_invoice_id'))

    op.drop_table('invoice_lines')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoices_year'))
        batch_op.drop_index(batch_op.f('ix_invoices_municipality_id'))

    op.drop_table('invoices')
    op.drop_table('invoice_series')
