"""Submitting, running and finding jobs.

The job row is the outbox: it is written in the transaction of the request that asks for the
work, and handed to Redis only after that commit. A row that never reached Redis (Redis down,
a crash between commit and hand-over) is handed over again when the worker starts
(`requeue`). A job runs at most once: the worker claims its row from "queued" to "running"
in one UPDATE, and a second delivery finds nothing to claim."""

from __future__ import annotations

import logging
import threading
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from flask import Flask, has_app_context
from flask_babel import force_locale, get_locale
from sqlalchemy import CursorResult, select, update

from consortium import clock, db, wiring
from consortium.jobs.models import Job, JobStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Result:
    content: bytes
    name: str
    mimetype: str


Progress = Callable[[int, int], None]  # (done, total)
Handler = Callable[[dict[str, Any], Progress], Result]

def sweep(lane: str | None = None) -> dict[str, Any]:
    """Run every periodic task once (in the current app context); a task that fails is
    logged and the others still run."""
    done: dict[str, Any] = {}
    for task in wiring.current().periodic:  # in their stated order
        if lane is not None and task.lane != lane:
            continue
        try:
            done[task.name] = task.function()
        except Exception:
            db.session.rollback()
            log.exception("periodic task %s failed", task.name)
            done[task.name] = "failed"
    return done


def sweep_forever(app: Flask, stop: threading.Event, lane: str) -> None:
    """A sweeper thread of the worker (and of the web process in the thread mode): one per
    lane, so that sending notices never waits behind other work."""
    while not stop.is_set():
        with app.app_context():
            try:
                sweep(lane)
            finally:
                db.session.remove()
        stop.wait(min(float(app.config[task.every]) for task in wiring.of(app).periodic
                      if task.lane == lane))


def start_sweeper(app: Flask) -> threading.Event:
    stop = threading.Event()
    for lane in sorted({task.lane for task in wiring.of(app).periodic}):
        threading.Thread(target=sweep_forever, args=(app, stop, lane), daemon=True,
                         name=f"sweeper-{lane}").start()
    return stop


def prune_finished() -> int:
    """Finished jobs (and the results they keep) go after JOBS_KEEP_HOURS; kept documents
    stay where they are kept. Returns how many were removed."""
    from datetime import timedelta

    from sqlalchemy import delete

    keep = timedelta(hours=db.app_config()["JOBS_KEEP_HOURS"])
    with db.unit_of_work():
        removed = db.session.execute(delete(Job).where(
            Job.status.in_([JobStatus.DONE, JobStatus.FAILED]),
            Job.finished_at < clock.now() - keep))
    return cast(CursorResult[Any], removed).rowcount


class OneAtATime(Exception):
    """The user already has a job of this kind being made (for other parameters)."""

    def __init__(self, job: Job) -> None:
        super().__init__(job.id)
        self.job = job


def submit(kind: str, params: dict[str, Any], *, user_id: int | None = None,
           lang: str | None = None, one_per_user: bool = False) -> Job:
    """Write the job row into the current transaction; `start` it after the commit. With
    `one_per_user`, a user has at most one job of the kind queued or running: the same one
    asked for again is that job; another raises OneAtATime."""
    if one_per_user and user_id is not None:
        waiting = db.session.scalar(select(Job).where(
            Job.kind == kind, Job.created_by_id == user_id,
            Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]))
            .order_by(Job.created_at).limit(1))
        if waiting is not None:
            if waiting.params == params:
                return waiting
            raise OneAtATime(waiting)
    job = Job(id=str(uuid.uuid4()), kind=kind, params=params, created_by_id=user_id,
              lang=lang or str(get_locale() or "sv"), status=JobStatus.QUEUED)
    db.session.add(job)
    db.session.flush()
    return job


def start(job_id: str) -> None:
    """Hand a committed job to whoever runs jobs in this configuration (outside any app, as in
    a script, the row waits for the worker, which hands over every waiting job on start)."""
    if not has_app_context():
        return
    app = db.the_app()
    mode = app.config["JOBS_MODE"]
    if mode == "inline":
        perform(job_id)
    elif mode == "thread":
        threading.Thread(target=_perform_in, args=(app, job_id), daemon=True,
                         name=f"job-{job_id}").start()
    else:
        try:
            queue(app).enqueue_call("consortium.jobs.service.perform", args=(job_id,),
                                    job_id=job_id, result_ttl=3600, failure_ttl=86400)
        except Exception:  # Redis down: the row waits; the worker hands it over on start
            log.warning("Redis does not answer: job %s waits for the worker", job_id,
                        exc_info=True)


def queue(app: Flask) -> Any:
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=2)
    return Queue(app.config["JOBS_QUEUE"], connection=connection)


def requeue() -> int:
    """Hand every job still queued to Redis again (a job runs at most once whatever)."""
    waiting = list(db.session.scalars(select(Job.id).where(Job.status == JobStatus.QUEUED)
                                      .order_by(Job.created_at)))
    db.session.rollback()
    for job_id in waiting:
        start(job_id)
    return len(waiting)


def _perform_in(app: Flask, job_id: str) -> None:
    with app.app_context():
        try:
            perform(job_id)
        finally:
            db.session.remove()


def _claim(job_id: str) -> bool:
    claimed = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, started_at=clock.now()))
    db.session.commit()
    return cast(CursorResult[Any], claimed).rowcount == 1


def perform(job_id: str) -> None:
    """Run a job (what the worker calls): claim it, run its handler with progress, keep the
    result or the error."""
    if not _claim(job_id):
        return
    job = db.session.get(Job, job_id, populate_existing=True)
    assert job is not None
    db.session.commit()  # hold no transaction (on SQLite: no write lock) while the work runs

    def progress(done: int, total: int) -> None:
        job.done, job.total = done, total
        db.session.commit()

    try:
        with force_locale(job.lang):
            result = wiring.current().job_handlers[job.kind](dict(job.params), progress)
    except Exception:
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, job.kind)
        job.status, job.finished_at = JobStatus.FAILED, clock.now()
        job.error = traceback.format_exc(limit=3)[-2000:]
        db.session.commit()
        return
    job.status, job.finished_at = JobStatus.DONE, clock.now()
    job.result, job.result_name, job.result_type = result.content, result.name, result.mimetype
    db.session.commit()


def redis_answers(app: Flask) -> bool:
    return redis_answers_at(app.config["REDIS_URL"])


def redis_answers_at(url: str) -> bool:
    from redis import Redis

    try:
        return bool(Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except Exception:
        return False
