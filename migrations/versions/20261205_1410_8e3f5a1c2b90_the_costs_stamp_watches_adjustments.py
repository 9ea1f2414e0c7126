"""the costs stamp watches adjustments too

Revision ID: 8e3f5a1c2b90
Revises: c4d81e0f6a27
Create Date: 2026-12-05 14:10:00.000000

A municipality's statement of a year is kept between requests under the costs, participation
and members stamps (consortium/frame/stamps.py); it reads the adjustments billed on it, so
the costs stamp is renewed by every write to them as well.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from consortium.frame import stamps

revision: str = '8e3f5a1c2b90'
down_revision: str | Sequence[str] | None = 'c4d81e0f6a27'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for statement in stamps.watch(op.get_bind().dialect.name, "costs", ("adjustments",)):
        op.execute(statement)


def downgrade() -> None:
    for statement in stamps.unwatch(op.get_bind().dialect.name, "costs", ("adjustments",)):
        op.execute(statement)
