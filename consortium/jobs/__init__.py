"""Long work outside the request: a job row written in the request's transaction (the outbox),
run by `flask --app app worker` through Redis (RQ), with its progress kept on the row."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """`flask worker`. The handlers and periodic tasks it runs are registered by the domains
    that own them (consortium/wiring.py)."""
    from consortium.jobs.cli import worker

    app.cli.add_command(worker)
