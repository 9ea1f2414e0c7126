"""Municipalities, membership, population figures and their imports."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The register's pages (/municipalities, its imports) and `flask import`."""
    from consortium.members import import_views, views
    from consortium.members.cli import import_cli

    assert import_views.bp is views.bp  # the import pages are the register's
    app.register_blueprint(views.bp)
    app.cli.add_command(import_cli)
