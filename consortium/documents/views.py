"""Downloads of the documents from the pages where they belong."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, request

from consortium.auth.access import acting_user, readers
from consortium.auth.models import Role
from consortium.costs import service as costs
from consortium.costs.statements import may_read_statement
from consortium.documents.bulk import statements_zip as build
from consortium.documents.pdfs import (
    allocation_pdf,
    annual_report_pdf,
    motion_result_pdf,
    pdf_response,
    protocol_filename,
    protocol_pdf,
    statement_pdf,
)
from consortium.errors import DomainError
from consortium.governance import meetings, motions
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


@bp.route("/costs/statements/<int:year>.zip")
@readers
def statements_zip(year: int) -> Any:
    user = acting_user()
    if user is None or user.role not in (Role.ADMIN, Role.FINANCE, Role.OBSERVER) \
            or user.municipality_id is not None:
        abort(403)
    return Response(build(year), mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="kostnadsunderlag-{year}.zip"'})
