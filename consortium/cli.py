"""`flask db …`: Alembic, the only way the schema is made."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import with_appcontext

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
FILE_TEMPLATE = (
    "%%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s"
)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("file_template", FILE_TEMPLATE)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _config() -> Config:
    return alembic_config(current_app.config["DATABASE_URL"])


@click.group("db", help="Database migrations (Alembic).")
def db_cli() -> None:
    pass


@db_cli.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def upgrade(revision: str) -> None:
    """Upgrade the database to REVISION (default: head)."""
    command.upgrade(_config(), revision)


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
@with_appcontext
def downgrade(revision: str) -> None:
    """Downgrade the database to REVISION (default: one step back; 'base' empties it)."""
    command.downgrade(_config(), revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the revision changes.")
@click.option("--autogenerate/--empty", default=True,
              help="Compare the models with the database and write the difference.")
@with_appcontext
def revision(message: str, autogenerate: bool) -> None:
    """Write a new, dated migration file into migrations/versions."""
    command.revision(_config(), message=message, autogenerate=autogenerate)


@db_cli.command("current")
@with_appcontext
def current() -> None:
    """Show the database's revision."""
    command.current(_config())


@db_cli.command("history")
@with_appcontext
def history() -> None:
    """List the migrations."""
    command.history(_config())


@db_cli.command("check")
@with_appcontext
def check() -> None:
    """Fail when the models and the migrated database differ."""
    command.check(_config())
