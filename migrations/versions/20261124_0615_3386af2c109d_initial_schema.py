"""Initial schema: the whole data model of SPEC.md, and the append-only audit log.

Revision ID: 3386af2c109d
Revises:
Create Date: 2026-11-24 06:15:04.769666
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '3386af2c109d'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


APPEND_ONLY_PG = """
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END
$$;
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
"""
APPEND_ONLY_SQLITE = [
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
]


def _make_audit_log_append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_PG)
    else:
        for statement in APPEND_ONLY_SQLITE:
            op.execute(statement)


def _drop_append_only_guard() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER audit_events_no_change ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    else:
        op.execute("DROP TRIGGER audit_events_no_update")
        op.execute("DROP TRIGGER audit_events_no_delete")


def upgrade() -> None:
    op.create_table('fee_schedules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('population_year', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_schedules')),
    sa.UniqueConstraint('year', name=op.f('uq_fee_schedules_year'))
    )
    op.create_table('municipalities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=4), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('county', sa.String(length=100), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('org_number', sa.String(length=20), nullable=True),
    sa.Column('invoice_reference', sa.String(length=200), nullable=True),
    sa.Column('status', sa.Enum('applicant', 'member', 'resigned', name='membership_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=True),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('left_on IS NULL OR joined_on IS NULL OR left_on >= joined_on', name=op.f('ck_municipalities_left_after_joined')),
    sa.CheckConstraint('length(code) = 4', name=op.f('ck_municipalities_code_four_digits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_municipalities')),
    sa.UniqueConstraint('code', name=op.f('uq_municipalities_code'))
    )
    op.create_table('tools',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('development', 'operation', 'retired', name='tool_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('origin', sa.String(length=300), nullable=True),
    sa.Column('owner_since', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tools')),
    sa.UniqueConstraint('slug', name=op.f('uq_tools_slug'))
    )
    op.create_table('councils',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('assembly', 'board', 'tool', name='council_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('tool_id', sa.Integer(), nullable=True),
    sa.Column('chair_municipality_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'tool') = (tool_id IS NOT NULL)", name=op.f('ck_councils_tool_council_has_tool')),
    sa.ForeignKeyConstraint(['chair_municipality_id'], ['municipalities.id'], name=op.f('fk_councils_chair_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['tool_id'], ['tools.id'], name=op.f('fk_councils_tool_id_tools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_councils'))
    )
    with op.batch_alter_table('councils', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_councils_tool_id'), ['tool_id'], unique=False)

    op.create_table('fee_bands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('schedule_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('up_to', sa.Integer(), nullable=True),
    sa.Column('annual', sa.BigInteger(), nullable=False),
    sa.Column('entry', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('annual >= 0 AND entry >= 0', name=op.f('ck_fee_bands_fees_not_negative')),
    sa.ForeignKeyConstraint(['schedule_id'], ['fee_schedules.id'], name=op.f('fk_fee_bands_schedule_id_fee_schedules')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_bands')),
    sa.UniqueConstraint('schedule_id', 'position', name=op.f('uq_fee_bands_schedule_id_position'))
    )
    with op.batch_alter_table('fee_bands', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_bands_schedule_id'), ['schedule_id'], unique=False)

    op.create_table('membership_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint('left_on IS NULL OR left_on >= joined_on', name=op.f('ck_membership_periods_left_after_joined')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_membership_periods_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_periods')),
    sa.UniqueConstraint('municipality_id', 'joined_on', name=op.f('uq_membership_periods_municipality_id_joined_on'))
    )
    with op.batch_alter_table('membership_periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_periods_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('participations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tool_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.CheckConstraint('left_on IS NULL OR left_on >= joined_on', name=op.f('ck_participations_left_after_joined')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_participations_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['tool_id'], ['tools.id'], name=op.f('fk_participations_tool_id_tools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participations')),
    sa.UniqueConstraint('tool_id', 'municipality_id', 'joined_on', name=op.f('uq_participations_tool_id_municipality_id_joined_on'))
    )
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participations_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participations_tool_id'), ['tool_id'], unique=False)

    op.create_table('population_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.CheckConstraint('population >= 0', name=op.f('ck_population_figures_population_not_negative')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_population_figures_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_population_figures')),
    sa.UniqueConstraint('municipality_id', 'year', name=op.f('uq_population_figures_municipality_id_year'))
    )
    with op.batch_alter_table('population_figures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_population_figures_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('usage_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tool_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.CheckConstraint('units >= 0', name=op.f('ck_usage_figures_units_not_negative')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_usage_figures_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['tool_id'], ['tools.id'], name=op.f('fk_usage_figures_tool_id_tools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_usage_figures')),
    sa.UniqueConstraint('tool_id', 'municipality_id', 'year', name=op.f('uq_usage_figures_tool_id_municipality_id_year'))
    )
    with op.batch_alter_table('usage_figures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_usage_figures_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_usage_figures_tool_id'), ['tool_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('admin', 'finance', 'representative', 'observer', name='role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_users_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('object_type', sa.String(length=50), nullable=False),
    sa.Column('object_id', sa.String(length=50), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('remote_addr', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_object_type'), ['object_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_occurred_at'), ['occurred_at'], unique=False)

    op.create_table('board_seats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_board_seats_council_id_councils')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_board_seats_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_seats')),
    sa.UniqueConstraint('council_id', 'municipality_id', name=op.f('uq_board_seats_council_id_municipality_id'))
    )
    with op.batch_alter_table('board_seats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_seats_council_id'), ['council_id'], unique=False)

    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('planned', 'held', 'minutes_signed', name='meeting_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('chair_municipality_id', sa.Integer(), nullable=True),
    sa.Column('minutes_sha256', sa.String(length=64), nullable=True),
    sa.Column('minutes_locked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('number >= 1', name=op.f('ck_meetings_number_positive')),
    sa.ForeignKeyConstraint(['chair_municipality_id'], ['municipalities.id'], name=op.f('fk_meetings_chair_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_meetings_council_id_councils')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings')),
    sa.UniqueConstraint('council_id', 'year', 'number', name=op.f('uq_meetings_council_id_year_number'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_council_id'), ['council_id'], unique=False)

    op.create_table('agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('diary_number', sa.String(length=50), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.Column('adjusted_at_once', sa.Boolean(), nullable=False),
    sa.CheckConstraint('number >= 1', name=op.f('ck_agenda_items_number_positive')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_agenda_items_meeting_id_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items')),
    sa.UniqueConstraint('meeting_id', 'number', name=op.f('uq_agenda_items_meeting_id_number'))
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_items_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('attendances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('person_name', sa.String(length=150), nullable=False),
    sa.Column('capacity', sa.Enum('ordinary', 'deputy', 'other', name='attendance_capacity', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_attendances_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_attendances_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendances'))
    )
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendances_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meeting_officers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('chair', 'secretary', 'adjuster', name='officer_role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('person_name', sa.String(length=150), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('position IN (1, 2)', name=op.f('ck_meeting_officers_position_one_or_two')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_officers_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_officers_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_officers')),
    sa.UniqueConstraint('meeting_id', 'role', 'position', name=op.f('uq_meeting_officers_meeting_id_role_position'))
    )
    with op.batch_alter_table('meeting_officers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_officers_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meeting_signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_signatures_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['officer_id'], ['meeting_officers.id'], name=op.f('fk_meeting_signatures_officer_id_meeting_officers')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_signatures_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_signatures')),
    sa.UniqueConstraint('officer_id', name=op.f('uq_meeting_signatures_officer_id'))
    )
    with op.batch_alter_table('meeting_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_signatures_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('motions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('weighting', sa.Enum('equal', 'population', 'cost_share', name='weighting', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('majority', sa.Enum('simple', 'absolute', 'two_thirds', 'unanimous', name='majority', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('quorum_percent', sa.Integer(), nullable=False),
    sa.Column('tie_break', sa.Enum('rejected', 'chair', name='tie_break', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('secret', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'open', 'closed', name='motion_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('population_year', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("NOT (secret AND tie_break = 'chair')", name=op.f('ck_motions_secret_has_no_chair_tie')),
    sa.CheckConstraint('quorum_percent BETWEEN 0 AND 100', name=op.f('ck_motions_quorum_percent_range')),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_motions_agenda_item_id_agenda_items')),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_motions_council_id_councils')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_motions'))
    )
    with op.batch_alter_table('motions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_motions_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_motions_council_id'), ['council_id'], unique=False)

    op.create_table('ballots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('motion_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.Enum('yes', 'no', 'abstain', name='choice', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('cast_by_id', sa.Integer(), nullable=False),
    sa.Column('cast_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cast_by_id'], ['users.id'], name=op.f('fk_ballots_cast_by_id_users')),
    sa.ForeignKeyConstraint(['motion_id'], ['motions.id'], name=op.f('fk_ballots_motion_id_motions')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_ballots_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballots')),
    sa.UniqueConstraint('motion_id', 'municipality_id', name=op.f('uq_ballots_motion_id_municipality_id'))
    )
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballots_motion_id'), ['motion_id'], unique=False)

    op.create_table('budgets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tool_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('change_reason', sa.Text(), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('key_method', sa.Enum('equal', 'per_capita', 'base_plus_per_capita', 'tiered', 'usage', name='key_method', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('key_population_year', sa.Integer(), nullable=True),
    sa.Column('key_base_share', sa.String(length=20), nullable=True),
    sa.Column('key_bands', sa.JSON(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'adopted', name='budget_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('decision_motion_id', sa.Integer(), nullable=True),
    sa.Column('adopted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('adopted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(version = 1) = (previous_id IS NULL)', name=op.f('ck_budgets_version_chain')),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_budgets_amount_not_negative')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_budgets_version_positive')),
    sa.ForeignKeyConstraint(['adopted_by_id'], ['users.id'], name=op.f('fk_budgets_adopted_by_id_users')),
    sa.ForeignKeyConstraint(['decision_motion_id'], ['motions.id'], name=op.f('fk_budgets_decision_motion_id_motions')),
    sa.ForeignKeyConstraint(['previous_id'], ['budgets.id'], name=op.f('fk_budgets_previous_id_budgets')),
    sa.ForeignKeyConstraint(['tool_id'], ['tools.id'], name=op.f('fk_budgets_tool_id_tools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budgets')),
    sa.UniqueConstraint('previous_id', name=op.f('uq_budgets_previous_id')),
    sa.UniqueConstraint('tool_id', 'year', 'version', name=op.f('uq_budgets_tool_id_year_version'))
    )
    with op.batch_alter_table('budgets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budgets_tool_id'), ['tool_id'], unique=False)

    op.create_table('motion_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('motion_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('adopted', 'rejected', 'no_quorum', name='outcome', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('yes', sa.BigInteger(), nullable=False),
    sa.Column('no', sa.BigInteger(), nullable=False),
    sa.Column('abstain', sa.BigInteger(), nullable=False),
    sa.Column('participating', sa.BigInteger(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('quorum_met', sa.Boolean(), nullable=False),
    sa.Column('decided_by_chair', sa.Boolean(), nullable=False),
    sa.Column('population_year', sa.Integer(), nullable=True),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['motion_id'], ['motions.id'], name=op.f('fk_motion_results_motion_id_motions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_motion_results')),
    sa.UniqueConstraint('motion_id', name=op.f('uq_motion_results_motion_id'))
    )
    op.create_table('motion_seats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('motion_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('weight', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('weight >= 0', name=op.f('ck_motion_seats_weight_not_negative')),
    sa.ForeignKeyConstraint(['motion_id'], ['motions.id'], name=op.f('fk_motion_seats_motion_id_motions')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_motion_seats_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_motion_seats')),
    sa.UniqueConstraint('motion_id', 'municipality_id', name=op.f('uq_motion_seats_motion_id_municipality_id'))
    )
    with op.batch_alter_table('motion_seats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_motion_seats_motion_id'), ['motion_id'], unique=False)

    op.create_table('reservations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('motion_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['motion_id'], ['motions.id'], name=op.f('fk_reservations_motion_id_motions')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_reservations_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], name=op.f('fk_reservations_registered_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reservations')),
    sa.UniqueConstraint('motion_id', 'municipality_id', name=op.f('uq_reservations_motion_id_municipality_id'))
    )
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reservations_motion_id'), ['motion_id'], unique=False)

    op.create_table('secret_tallies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('motion_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.Enum('yes', 'no', 'abstain', name='choice', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('weight', sa.BigInteger(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['motion_id'], ['motions.id'], name=op.f('fk_secret_tallies_motion_id_motions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_secret_tallies')),
    sa.UniqueConstraint('motion_id', 'choice', name=op.f('uq_secret_tallies_motion_id_choice'))
    )
    op.create_table('allocation_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('budget_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('basis', sa.String(length=100), nullable=False),
    sa.Column('share', sa.String(length=60), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['budget_id'], ['budgets.id'], name=op.f('fk_allocation_lines_budget_id_budgets')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_allocation_lines_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation_lines')),
    sa.UniqueConstraint('budget_id', 'municipality_id', name=op.f('uq_allocation_lines_budget_id_municipality_id'))
    )
    with op.batch_alter_table('allocation_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allocation_lines_budget_id'), ['budget_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allocation_lines_municipality_id'), ['municipality_id'], unique=False)


    _make_audit_log_append_only()

def downgrade() -> None:
    _drop_append_only_guard()
    with op.batch_alter_table('allocation_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allocation_lines_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_allocation_lines_budget_id'))

    op.drop_table('allocation_lines')
    op.drop_table('secret_tallies')
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reservations_motion_id'))

    op.drop_table('reservations')
    with op.batch_alter_table('motion_seats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_motion_seats_motion_id'))

    op.drop_table('motion_seats')
    op.drop_table('motion_results')
    with op.batch_alter_table('budgets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budgets_tool_id'))

    op.drop_table('budgets')
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballots_motion_id'))

    op.drop_table('ballots')
    with op.batch_alter_table('motions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_motions_council_id'))
        batch_op.drop_index(batch_op.f('ix_motions_agenda_item_id'))

    op.drop_table('motions')
    with op.batch_alter_table('meeting_signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_signatures_meeting_id'))

    op.drop_table('meeting_signatures')
    with op.batch_alter_table('meeting_officers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_officers_meeting_id'))

    op.drop_table('meeting_officers')
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendances_meeting_id'))

    op.drop_table('attendances')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_items_meeting_id'))

    op.drop_table('agenda_items')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_council_id'))

    op.drop_table('meetings')
    with op.batch_alter_table('board_seats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_seats_council_id'))

    op.drop_table('board_seats')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_audit_events_object_type'))
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))

    op.drop_table('audit_events')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    op.drop_table('users')
    with op.batch_alter_table('usage_figures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_usage_figures_tool_id'))
        batch_op.drop_index(batch_op.f('ix_usage_figures_municipality_id'))

    op.drop_table('usage_figures')
    with op.batch_alter_table('population_figures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_population_figures_municipality_id'))

    op.drop_table('population_figures')
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participations_tool_id'))
        batch_op.drop_index(batch_op.f('ix_participations_municipality_id'))

    op.drop_table('participations')
    with op.batch_alter_table('membership_periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_periods_municipality_id'))

    op.drop_table('membership_periods')
    with op.batch_alter_table('fee_bands', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_bands_schedule_id'))

    op.drop_table('fee_bands')
    with op.batch_alter_table('councils', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_councils_tool_id'))

    op.drop_table('councils')
    op.drop_table('tools')
    op.drop_table('municipalities')
    op.drop_table('fee_schedules')
