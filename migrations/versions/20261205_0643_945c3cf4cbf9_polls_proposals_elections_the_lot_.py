"""polls: proposals, elections, the lot, effects, dated board seats

Revision ID: 945c3cf4cbf9
Revises: f887571f2749
Create Date: 2026-12-05 06:43:07.517960
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '945c3cf4cbf9'
down_revision: str | Sequence[str] | None = 'f887571f2749'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MEETING_STATUSES_BEFORE = ('planned', 'held', 'minutes_signed')
MEETING_STATUSES_AFTER = (*MEETING_STATUSES_BEFORE, 'cancelled')
TIE_BREAKS_BEFORE = ('rejected', 'chair')
TIE_BREAKS_AFTER = (*TIE_BREAKS_BEFORE, 'lot')


def _tie_breaks(values: tuple[str, ...]) -> str:
    return "tie_break IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _replace_meeting_status_check(values: tuple[str, ...]) -> None:
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        if op.get_bind().dialect.name != 'sqlite':
            batch_op.drop_constraint(op.f('ck_meetings_meeting_status'), type_='check')
        batch_op.create_check_constraint(
            'meeting_status', "status IN (" + ", ".join(f"'{v}'" for v in values) + ")")


def _replace_tie_break_check(batch_op: object, values: tuple[str, ...]) -> None:
    # As in 4c1d9e7a2b55: SQLite's batch copy carries no CHECK constraint to drop.
    if op.get_bind().dialect.name != 'sqlite':
        batch_op.drop_constraint(op.f('ck_motions_tie_break'), type_='check')  # type: ignore[attr-defined]
    batch_op.create_check_constraint('tie_break', _tie_breaks(values))  # type: ignore[attr-defined]


def upgrade() -> None:
    _replace_meeting_status_check(MEETING_STATUSES_AFTER)
    op.create_table('poll_options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('motion_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.BigInteger(), nullable=True),
    sa.Column('elected', sa.Boolean(), nullable=True),
    sa.CheckConstraint('number >= 1', name=op.f('ck_poll_options_option_number_positive')),
    sa.ForeignKeyConstraint(['motion_id'], ['motions.id'], name=op.f('fk_poll_options_motion_id_motions')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_poll_options_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_options')),
    sa.UniqueConstraint('motion_id', 'municipality_id', name=op.f('uq_poll_options_motion_id_municipality_id')),
    sa.UniqueConstraint('motion_id', 'number', name=op.f('uq_poll_options_motion_id_number'))
    )
    with op.batch_alter_table('poll_options', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poll_options_motion_id'), ['motion_id'], unique=False)

    op.create_table('ballot_marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=150), nullable=False),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_ballot_marks_ballot_id_ballots')),
    sa.ForeignKeyConstraint(['option_id'], ['poll_options.id'], name=op.f('fk_ballot_marks_option_id_poll_options')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_marks')),
    sa.UniqueConstraint('ballot_id', 'option_id', name=op.f('uq_ballot_marks_ballot_id_option_id'))
    )
    with op.batch_alter_table('ballot_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_marks_ballot_id'), ['ballot_id'], unique=False)

    with op.batch_alter_table('board_seats', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valid_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('valid_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('motion_id', sa.Integer(), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_board_seats_council_id_municipality_id'), type_='unique')
        batch_op.create_foreign_key(batch_op.f('fk_board_seats_motion_id_motions'), 'motions', ['motion_id'], ['id'])
        batch_op.create_check_constraint(
            'seat_period_in_order',
            'valid_until IS NULL OR valid_from IS NULL OR valid_until >= valid_from')

    with op.batch_alter_table('fee_schedules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_motion_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('adopted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_fee_schedules_decision_motion_id_motions'), 'motions', ['decision_motion_id'], ['id'])

    with op.batch_alter_table('motion_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('adopted_option', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('vacant', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('lot_seed', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('lot_group', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('decided_by', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('effect_applied', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('effect_note', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('motions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('motion', 'proposals', 'election', name='poll_kind', native_enum=False, create_constraint=True, length=20), server_default='motion', nullable=False))
        batch_op.add_column(sa.Column('positions', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('effect', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('effect_basis', sa.JSON(), nullable=True))
        batch_op.create_check_constraint('election_has_positions',
                                         "(kind = 'election') = (positions IS NOT NULL)")
        batch_op.create_check_constraint('positions_positive',
                                         'positions IS NULL OR positions >= 1')
        _replace_tie_break_check(batch_op, TIE_BREAKS_AFTER)



def downgrade() -> None:
    op.execute("UPDATE meetings SET status = 'planned' WHERE status = 'cancelled'")
    _replace_meeting_status_check(MEETING_STATUSES_BEFORE)
    op.execute("UPDATE motions SET tie_break = 'rejected' WHERE tie_break = 'lot'")
    with op.batch_alter_table('motions', schema=None) as batch_op:
        for check in ('election_has_positions', 'positions_positive', 'poll_kind'):
            batch_op.drop_constraint(op.f(f'ck_motions_{check}'), type_='check')
        _replace_tie_break_check(batch_op, TIE_BREAKS_BEFORE)
        batch_op.drop_column('effect_basis')
        batch_op.drop_column('effect')
        batch_op.drop_column('positions')
        batch_op.drop_column('kind')

    with op.batch_alter_table('motion_results', schema=None) as batch_op:
        batch_op.drop_column('effect_note')
        batch_op.drop_column('effect_applied')
        batch_op.drop_column('decided_by')
        batch_op.drop_column('lot_group')
        batch_op.drop_column('lot_seed')
        batch_op.drop_column('vacant')
        batch_op.drop_column('adopted_option')

    with op.batch_alter_table('fee_schedules', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_fee_schedules_decision_motion_id_motions'), type_='foreignkey')
        batch_op.drop_column('adopted_at')
        batch_op.drop_column('decision_motion_id')

    op.execute("DELETE FROM board_seats WHERE valid_until IS NOT NULL")
    with op.batch_alter_table('board_seats', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_board_seats_seat_period_in_order'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_board_seats_motion_id_motions'), type_='foreignkey')
        batch_op.create_unique_constraint(batch_op.f('uq_board_seats_council_id_municipality_id'), ['council_id', 'municipality_id'])
        batch_op.drop_column('motion_id')
        batch_op.drop_column('valid_until')
        batch_op.drop_column('valid_from')

    with op.batch_alter_table('ballot_marks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_marks_ballot_id'))

    op.drop_table('ballot_marks')
    with op.batch_alter_table('poll_options', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poll_options_motion_id'))

    op.drop_table('poll_options')
