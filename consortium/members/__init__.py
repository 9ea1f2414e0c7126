"""Municipalities, membership, population figures and their imports."""

from __future__ import annotations

from flask import Flask

from consortium import wiring


def init_app(app: Flask) -> None:
    """The register's pages (/municipalities, its imports), `flask import`, and the
    directory by which the base finds a municipality by code or name."""
    from consortium.members import import_views, views
    from consortium.members.cli import import_cli
    from consortium.members.fields import Directory
    from consortium.rules import MUNICIPALITY_DIRECTORY

    wiring.provide(app, MUNICIPALITY_DIRECTORY, Directory())

    del import_views  # its routes are the register's own (views.bp)
    app.register_blueprint(views.bp)
    app.cli.add_command(import_cli)
