"""Long work runs outside the request: the job row is written with the request, the worker
(RQ on a real Redis) runs it once, its progress and result are kept; a closed year's ZIP is
kept and served again without new work."""

from __future__ import annotations

import io
import uuid
import zipfile

import pytest
from sqlalchemy import func, select

from consortium import db
from consortium.documents.models import StoredDocument
from consortium.jobs import service as jobs
from consortium.jobs.models import Job, JobStatus
from tests.conftest import REDIS_URL, redis_or_skip
from tests.costs.test_closing import closed_2026  # noqa: F401  (the fixture)
from tests.costs.test_costs_api import BUDGET, SAMBRUK_FEES, setup  # noqa: F401


def job_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Job))


@pytest.fixture
def open_2026(client, setup):  # noqa: F811
    assert client.put("/api/v1/tools/provisum/budgets/2026", json=BUDGET,
                      headers=setup["finance"]).status_code == 201
    return setup


def test_the_api_starts_a_job_and_follows_it(client, open_2026):
    started = client.post("/api/v1/years/2026/statements.zip", headers=open_2026["finance"])
    assert started.status_code == 202
    assert started.headers["Location"] == f"/api/v1/jobs/{started.json['id']}"
    followed = client.get(started.headers["Location"], headers=open_2026["finance"]).json
    assert followed["status"] == "done" and followed["done"] == followed["total"] == 3
    result = client.get(followed["result_url"], headers=open_2026["finance"])
    assert result.mimetype == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(result.data)).namelist() == [
        "kostnadsunderlag-2026/0180-Stockholm.pdf", "kostnadsunderlag-2026/0483-Katrineholm.pdf",
        "kostnadsunderlag-2026/1860-Laxå.pdf"]
    # someone else's job is not theirs to read; representatives take no ZIP
    other = client.get(started.headers["Location"], headers=open_2026["observer"])
    assert other.status_code == 403
    assert client.post("/api/v1/years/2026/statements.zip",
                       headers=open_2026["admin"]).status_code == 202


def test_a_closed_year_issues_its_statements_and_keeps_the_zip(client, closed_2026):  # noqa: F811
    """Closing hands the issuing of every statement to the worker; the ZIP is then kept and
    a second request is answered from it without new work."""
    kept = db.session.scalar(select(StoredDocument).where(  # the API answers in English
        StoredDocument.kind == "statements_zip", StoredDocument.key == "2026",
        StoredDocument.lang == "en"))
    assert kept is not None
    statements = db.session.scalar(select(func.count()).select_from(StoredDocument).where(
        StoredDocument.kind == "statement"))
    assert statements == 3 * 2  # each statement issued and kept at closing, sv and en
    before = job_count()
    again = client.post("/api/v1/years/2026/statements.zip", headers=closed_2026["finance"])
    assert again.status_code == 200 and again.data == kept.content
    assert job_count() == before


def test_a_failed_job_says_so_and_loses_nothing(app, client, open_2026):
    with app.test_request_context():
        job = jobs.submit("no_such_kind", {}, lang="en")
        db.session.commit()
        jobs.perform(job.id)
        failed = db.session.get(Job, job.id)
        assert failed.status is JobStatus.FAILED and "KeyError" in failed.error


@pytest.fixture
def redis_queue(app):
    """A real Redis and a queue of this test's own; skipped where no Redis answers."""
    connection = redis_or_skip()
    name = f"test-{uuid.uuid4().hex[:8]}"
    saved = {key: app.config[key] for key in ("JOBS_MODE", "JOBS_QUEUE", "REDIS_URL")}
    app.config.update(JOBS_MODE="rq", JOBS_QUEUE=name, REDIS_URL=REDIS_URL)
    yield name
    app.config.update(saved)
    for key in connection.scan_iter(f"rq:*{name}*"):
        connection.delete(key)


def run_worker(app) -> None:
    """The worker's loop (`flask --app app worker --burst`), in this process and app."""
    from rq import SimpleWorker

    with app.app_context():
        queue = jobs.queue(app)
        SimpleWorker([queue], connection=queue.connection).work(burst=True)


def test_the_worker_on_redis_runs_a_job_once(app, client, open_2026, redis_queue):
    started = client.post("/api/v1/years/2026/statements.zip", headers=open_2026["finance"])
    assert started.status_code == 202 and started.json["status"] == "queued"
    job_id = started.json["id"]
    with app.app_context():
        jobs.start(job_id)  # delivered twice: it still runs once
    run_worker(app)
    done = client.get(f"/api/v1/jobs/{job_id}", headers=open_2026["finance"]).json
    assert done["status"] == "done" and done["done"] == 3


def test_a_job_waits_while_redis_is_down_and_runs_when_the_worker_starts(
        app, client, open_2026, redis_queue):
    app.config["REDIS_URL"] = "redis://127.0.0.1:9/0"  # nothing answers there
    started = client.post("/api/v1/years/2026/statements.zip", headers=open_2026["finance"])
    assert started.status_code == 202 and started.json["status"] == "queued"
    app.config["REDIS_URL"] = REDIS_URL
    with app.app_context():
        assert jobs.requeue() >= 1  # what the worker does when it starts
    run_worker(app)
    done = client.get(f"/api/v1/jobs/{started.json['id']}", headers=open_2026["finance"]).json
    assert done["status"] == "done"


def test_one_zip_at_a_time_per_user(app, client, open_2026, redis_queue):
    """Issue 22, item 11: six ZIPs asked for by one observer queued six jobs. A user has one
    ZIP being made at a time: the same one asked again is that job, another waits its turn."""
    finance = open_2026["finance"]
    first = client.post("/api/v1/years/2026/statements.zip", headers=finance)
    assert first.status_code == 202
    again = client.post("/api/v1/years/2026/statements.zip", headers=finance)
    assert again.status_code == 202 and again.json["id"] == first.json["id"]
    other_year = client.post("/api/v1/years/2025/statements.zip", headers=finance)
    assert other_year.status_code == 409
    assert "still being made" in other_year.json["error"]["message"]
    assert job_count() == 1
    run_worker(app)
    after = client.post("/api/v1/years/2025/statements.zip", headers=finance)
    assert after.status_code == 202  # the first is done: the next may start


def test_finished_jobs_are_pruned_after_their_time(app, client, open_2026):
    from datetime import timedelta

    import time_machine

    from consortium import clock

    started = client.post("/api/v1/years/2026/statements.zip", headers=open_2026["finance"])
    assert started.status_code == 202  # inline here: done at once
    assert db.session.get(Job, started.json["id"]).status is JobStatus.DONE
    with app.app_context():
        assert jobs.prune_finished() == 0  # kept for a day
    with time_machine.travel(clock.now() + timedelta(hours=25), tick=False), \
            app.app_context():
        assert jobs.prune_finished() == 1
    assert db.session.get(Job, started.json["id"], populate_existing=True) is None
