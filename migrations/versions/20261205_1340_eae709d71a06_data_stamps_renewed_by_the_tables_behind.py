"""data stamps: renewed by the database whenever a table behind a kept page changes

Revision ID: eae709d71a06
Revises: 34671314bfb1
Create Date: 2026-12-05 13:40:00.000000

consortium/frame/stamps.py: the finance overview is kept between requests under the stamp
"costs", which triggers renew (a new random value) on every write to the tables the overview
reads. PostgreSQL: one trigger per table and statement; SQLite: one per table and kind of
write, per row.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'eae709d71a06'
down_revision: str | Sequence[str] | None = '34671314bfb1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each stamp and the tables whose writes renew it (what the page kept under it reads)
WATCHED = {
    "costs": ("municipalities", "tools", "budgets", "allocation_lines", "fee_schedules",
              "fee_lines", "closed_years"),
}
SQLITE_WRITES = ("insert", "update", "delete")

RENEW_PG = """
CREATE OR REPLACE FUNCTION data_stamp_renew() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_stamps SET stamp = replace(gen_random_uuid()::text, '-', '')
     WHERE name = TG_ARGV[0];
    RETURN NULL;
END
$$;
"""


def _sqlite_trigger(name: str, table: str, write: str) -> str:
    return f"data_stamp_{name}_{table}_{write}"


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    stamps = op.create_table('data_stamps',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('stamp', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_data_stamps'))
    )
    op.bulk_insert(stamps, [{"name": name, "stamp": secrets.token_hex(16)} for name in WATCHED])
    if postgres:
        op.execute(RENEW_PG)
    for name, tables in WATCHED.items():
        for table in tables:
            if postgres:
                op.execute(f"CREATE TRIGGER data_stamp_{name} AFTER INSERT OR UPDATE OR DELETE "
                           f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
                           f"EXECUTE FUNCTION data_stamp_renew('{name}')")
                continue
            for write in SQLITE_WRITES:
                op.execute(f"CREATE TRIGGER {_sqlite_trigger(name, table, write)} AFTER "
                           f"{write.upper()} ON {table} BEGIN UPDATE data_stamps SET stamp = "
                           f"lower(hex(randomblob(16))) WHERE name = '{name}'; END")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, tables in WATCHED.items():
        for table in tables:
            if postgres:
                op.execute(f"DROP TRIGGER data_stamp_{name} ON {table}")
                continue
            for write in SQLITE_WRITES:
                op.execute(f"DROP TRIGGER {_sqlite_trigger(name, table, write)}")
    if postgres:
        op.execute("DROP FUNCTION data_stamp_renew()")
    op.drop_table('data_stamps')
