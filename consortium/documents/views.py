"""Downloads of the documents from the pages where they belong."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from consortium import db
from consortium.auth.access import acting_user, readers
from consortium.auth.forms import EmptyForm
from consortium.auth.models import Role
from consortium.costs import service as costs
from consortium.costs.statements import may_read_statement
from consortium.documents import pdfs
from consortium.documents.bulk import INVOICES_KIND, KIND, filename, kept_zip
from consortium.documents.pdfs import (
    allocation_pdf,
    annual_report_pdf,
    invoice_filename,
    motion_result_pdf,
    pdf_response,
    protocol_filename,
    protocol_pdf,
    roll_pdf,
    statement_pdf,
)
from consortium.errors import DomainError
from consortium.governance import meetings, motions
from consortium.invoicing.views import readable_invoice
from consortium.jobs import service as jobs
from consortium.jobs.models import Job, JobStatus
from consortium.members import service as members
from consortium.tools import service as tools

bp = Blueprint("documents", __name__)


@bp.route("/meetings/<int:meeting_id>/protocol.pdf")
@readers
def protocol(meeting_id: int) -> Any:
    try:
        meeting = meetings.get_meeting(meeting_id)
    except DomainError:
        abort(404)
    content, digest = protocol_pdf(meeting)
    return pdf_response(content, protocol_filename(meeting), digest)


@bp.route("/meetings/<int:meeting_id>/roll.pdf")
@readers
def roll(meeting_id: int) -> Any:
    try:
        meeting = meetings.get_meeting(meeting_id)
    except DomainError:
        abort(404)
    content, digest = roll_pdf(meeting)
    return pdf_response(content, f"rostlangd-{meeting.council_id}-{meeting.year}-"
                                 f"{meeting.number}.pdf", digest)


@bp.route("/motions/<int:motion_id>/result.pdf")
@readers
def motion_result(motion_id: int) -> Any:
    try:
        motion = motions.get_motion(motion_id)
    except DomainError:
        abort(404)
    content, digest = motion_result_pdf(motion)
    return pdf_response(content, f"beslut-{motion.id}.pdf", digest)


@bp.route("/costs/budgets/<slug>/<int:year>/allocation.pdf")
@readers
def allocation(slug: str, year: int) -> Any:
    try:
        tool = tools.get_by_slug(slug)
        budget = costs.get_current(tool, year)
        wanted = request.args.get("version", type=int)
        if wanted is not None:
            budget = next(v for v in costs.versions(tool, year) if v.version == wanted)
        content, digest = allocation_pdf(tool, budget)
    except (DomainError, StopIteration):
        abort(404)
    return pdf_response(content, f"fordelning-{slug}-{year}.pdf", digest)


@bp.route("/costs/statements/<code>/<int:year>.pdf")
@readers
def statement(code: str, year: int) -> Any:
    try:
        municipality = members.get_by_code(code)
    except DomainError:
        abort(404)
    if not may_read_statement(acting_user(), municipality):
        abort(403)
    content, digest = statement_pdf(municipality, year)
    return pdf_response(content, f"kostnadsunderlag-{code}-{year}.pdf", digest)


@bp.route("/reports/<int:year>/annual.pdf")
@readers
def annual_report(year: int) -> Any:
    content, digest = annual_report_pdf(year)
    return pdf_response(content, f"arsrapport-{year}.pdf", digest)


def _may_take_every_statement() -> bool:
    """Every municipality's statements: the office, consortium-wide finance and auditors."""
    user = acting_user()
    return user is not None and user.role in (Role.ADMIN, Role.FINANCE, Role.OBSERVER) \
        and user.municipality_id is None


@bp.route("/costs/statements/<int:year>.zip")
@readers
def statements_zip(year: int) -> Any:
    """The kept ZIP of a closed year; otherwise the way to have it made."""
    if not _may_take_every_statement():
        abort(403)
    found = kept_zip(year)
    if found is None:
        flash(_("The ZIP of %(year)s has not been made yet: make it with the button.",
                year=year), "info")
        return redirect(url_for("costs.index", year=year) + "#statements")
    return zip_response(found.content, filename(year))


def zip_response(content: bytes, name: str) -> Response:
    return Response(content, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "private, no-store"})


@bp.post("/costs/statements/<int:year>/zip")
@readers
def make_statements_zip(year: int) -> Any:
    """Start the job that makes the ZIP (a closed year's kept ZIP is served at once)."""
    _may_start_a_zip()
    if kept_zip(year) is not None:
        return redirect(url_for("documents.statements_zip", year=year))
    return _start_zip(KIND, year)


@bp.post("/invoices/<int:year>/zip")
@readers
def invoices_zip(year: int) -> Any:
    """Start the job that makes the ZIP of the year's invoices (PDF and e-invoice each)."""
    _may_start_a_zip()
    return _start_zip(INVOICES_KIND, year)


def _may_start_a_zip() -> None:
    if not _may_take_every_statement():
        abort(403)
    if not EmptyForm().validate_on_submit():
        abort(400)


def _start_zip(kind: str, year: int) -> Any:
    """The job that makes a year's ZIP, started after the commit; its progress page. A user
    has one ZIP being made at a time."""
    user = acting_user()
    try:
        job = jobs.submit(kind, {"year": year}, user_id=user.id if user else None,
                          one_per_user=True)
    except jobs.OneAtATime as busy:
        flash(_("The ZIP you asked for first is still being made; ask for the next when it "
                "is ready."), "info")
        return redirect(url_for("documents.job", job_id=busy.job.id))
    db.after_commit(lambda: jobs.start(job.id))
    return redirect(url_for("documents.job", job_id=job.id))


@bp.route("/invoices/<number>.pdf")
@readers
def invoice_pdf(number: str) -> Any:
    """An invoice or credit note as PDF: a municipality's users read their own."""
    row = readable_invoice(number)
    content, digest = pdfs.invoice_pdf(row)
    return pdf_response(content, invoice_filename(row), digest)


def _own_job(job_id: str) -> Job:
    job = db.session.get(Job, job_id)
    user = acting_user()
    if job is None or user is None:
        abort(404)
    if job.created_by_id != user.id and user.role is not Role.ADMIN:
        abort(403)
    return job


@bp.route("/jobs/<job_id>")
@readers
def job(job_id: str) -> Any:
    """The progress of a job started from a page, and its result when it is done."""
    found = _own_job(job_id)
    year = found.params.get("year") if found.kind in (KIND, INVOICES_KIND) else None
    title = (_("Every invoice of %(year)s (ZIP)", year=year) if found.kind == INVOICES_KIND
             else _("Every statement of %(year)s (ZIP)", year=year))
    return render_template("jobs/job.html", job=found, year=year, title=title)


@bp.route("/jobs/<job_id>/result")
@readers
def job_result(job_id: str) -> Any:
    found = _own_job(job_id)
    if found.status is not JobStatus.DONE or found.result is None:
        abort(404)
    return zip_response(found.result, found.result_name or "result.zip")
