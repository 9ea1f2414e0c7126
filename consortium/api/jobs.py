"""API: long work. A year's statements as one ZIP are made by the worker: POST starts the job
(202; a closed year's kept ZIP is answered at once), GET follows its progress."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, jsonify, url_for

from consortium import db
from consortium.api import bp
from consortium.api.schemas import jobs as s
from consortium.api.spec import operation
from consortium.auth.access import acting_user, readers
from consortium.auth.models import Role
from consortium.documents.bulk import KIND, filename, kept_zip
from consortium.errors import Conflict
from consortium.jobs import service as jobs
from consortium.jobs.models import Job, JobStatus

TAGS = ["Documents"]


def job_json(job: Job) -> dict[str, Any]:
    done = job.status is JobStatus.DONE
    return s.JobOut().dump({
        "id": job.id, "kind": job.kind, "status": job.status.value, "done": job.done,
        "total": job.total, "created_at": job.created_at, "finished_at": job.finished_at,
        "result_url": url_for("api.job_result", job_id=job.id) if done else None})


def _zip(content: bytes, name: str) -> Response:
    return Response(content, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "private, no-store"})


@bp.post("/years/<int:year>/statements.zip")
@readers
@operation("Make every statement of the year as one ZIP: 202 with the job to follow (a closed "
           "year's kept ZIP is answered at once, 200)", tags=TAGS, response=s.JobOut,
           status=202, content_type="application/json")
def make_statements_zip(year: int) -> Any:
    user = acting_user()
    if user is None or user.role not in (Role.ADMIN, Role.FINANCE, Role.OBSERVER) \
            or user.municipality_id is not None:
        abort(403)
    found = kept_zip(year)
    if found is not None:
        return _zip(found.content, filename(year))
    try:
        job = jobs.submit(KIND, {"year": year}, user_id=user.id, one_per_user=True)
    except jobs.OneAtATime as busy:
        raise Conflict(f"Your ZIP of {busy.job.params.get('year')} is still being made "
                       f"(job {busy.job.id}); ask for the next when it is ready.") from None
    db.after_commit(lambda: jobs.start(job.id))
    response = jsonify(job_json(job))
    response.status_code = 202
    response.headers["Location"] = url_for("api.get_job", job_id=job.id)
    return response


def _own(job_id: str) -> Job:
    job = db.session.get(Job, job_id)
    user = acting_user()
    if job is None or user is None:
        abort(404)
    if job.created_by_id != user.id and user.role is not Role.ADMIN:
        abort(403)
    return job


@bp.get("/jobs/<job_id>")
@readers
@operation("A job's progress", tags=TAGS, response=s.JobOut)
def get_job(job_id: str) -> Any:
    return jsonify(job_json(_own(job_id)))


@bp.get("/jobs/<job_id>/result")
@readers
@operation("A finished job's result (the ZIP)", tags=TAGS, content_type="application/zip")
def job_result(job_id: str) -> Any:
    job = _own(job_id)
    if job.status is not JobStatus.DONE or job.result is None:
        abort(404)
    return _zip(job.result, job.result_name or "result.zip")
