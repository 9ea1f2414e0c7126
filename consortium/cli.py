"""`flask db …`: Alembic, the only way the schema is made."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import with_appcontext

if TYPE_CHECKING:  # Alembic is imported by the commands that use it, not at start-up
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
FILE_TEMPLATE = (
    "%%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s"
)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

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
    from alembic import command

    command.upgrade(_config(), revision)


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
@with_appcontext
def downgrade(revision: str) -> None:
    """Downgrade the database to REVISION (default: one step back; 'base' empties it)."""
    from alembic import command

    command.downgrade(_config(), revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the revision changes.")
@click.option("--autogenerate/--empty", default=True,
              help="Compare the models with the database and write the difference.")
@with_appcontext
def revision(message: str, autogenerate: bool) -> None:
    """Write a new, dated migration file into migrations/versions."""
    from alembic import command

    command.revision(_config(), message=message, autogenerate=autogenerate)


@db_cli.command("current")
@with_appcontext
def current() -> None:
    """Show the database's revision."""
    from alembic import command

    command.current(_config())


@db_cli.command("history")
@with_appcontext
def history() -> None:
    """List the migrations."""
    from alembic import command

    command.history(_config())


@db_cli.command("check")
@with_appcontext
def check() -> None:
    """Fail when the models and the migrated database differ."""
    from alembic import command

    command.check(_config())
