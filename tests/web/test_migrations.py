"""Alembic builds the schema: up from empty, down to empty, and it matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from consortium import db
from consortium.db import Base
from tests.conftest import migrate


def test_upgrade_from_empty_to_head_and_back_down(scratch_database_url):
    engine = db.make_engine(scratch_database_url)
    migrate(scratch_database_url, "head")
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    migrate(scratch_database_url, "base", down=True)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate(scratch_database_url, "head")
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_models_match_the_migrations(app):
    connection = db.session.connection()
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    assert compare_metadata(context, Base.metadata) == []


def test_constraints_follow_the_naming_convention(app):
    inspector = inspect(db.session.connection())
    for table in Base.metadata.tables:
        for fk in inspector.get_foreign_keys(table):
            assert fk["name"] is None or fk["name"].startswith(f"fk_{table}_")
        for unique in inspector.get_unique_constraints(table):
            assert unique["name"].startswith(f"uq_{table}_")
        assert inspector.get_pk_constraint(table)["name"] in (None, f"pk_{table}")
