"""`flask --app app worker`: runs the jobs handed over through Redis."""

from __future__ import annotations

import logging

import click
from flask.cli import with_appcontext

from consortium import db
from consortium.jobs.service import queue, requeue, start_sweeper, sweep


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker(burst: bool) -> None:
    """Run long work (statement ZIPs, notices) from Redis at REDIS_URL, and every few seconds
    close motions whose time has come, send reminders, hand notices over and link the audit
    events written since the last round into the chain (every AUDIT_LINK_SECONDS)."""
    from rq import SimpleWorker

    app = db.the_app()
    app.config["JOBS_MODE"] = "rq"
    # The registry's own messages (a notice written to the log when no MAIL_SERVER is set, a
    # delivery that failed) go to the worker's output beside RQ's.
    own = logging.getLogger("consortium")
    if not own.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        own.addHandler(handler)
        own.setLevel(logging.INFO)
    jobs = queue(app)
    click.echo(f"Worker on {app.config['REDIS_URL']}, queue {jobs.name}; "
               f"{requeue()} waiting jobs handed over again.")
    if burst:
        sweep()
    else:
        start_sweeper(app)
    # SimpleWorker runs each job in this process, inside this app context: no fork of the
    # database connections, and one place for the application's configuration.
    SimpleWorker([jobs], connection=jobs.connection).work(burst=burst)
