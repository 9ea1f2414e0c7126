"""Users, roles, sessions and API tokens, and the access rule of every route."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Sign-in (sessions and bearer tokens), the access rule of every route, the pages
    under /auth, `flask users`, and the worker's job that sends a reset link."""
    from consortium import wiring
    from consortium.auth.access import enforce
    from consortium.auth.cli import users_cli
    from consortium.auth.service import RESET_JOB, reset_job
    from consortium.auth.views import bp, init_login

    wiring.job_handler(app, RESET_JOB, reset_job)
    init_login(app)
    enforce(app)
    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
