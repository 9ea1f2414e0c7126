"""Long work outside the request: a job row written in the request's transaction (the outbox),
run by `flask --app app worker` through Redis (RQ), with its progress kept on the row."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """`flask worker`, and the sweep's task that prunes finished jobs (order 20). The handlers
    and the other periodic tasks it runs are registered by the domains that own them
    (consortium/wiring.py)."""
    from consortium import wiring
    from consortium.jobs.cli import worker
    from consortium.jobs.service import prune_finished

    app.cli.add_command(worker)
    wiring.periodic_task(app, prune_finished, order=20)
