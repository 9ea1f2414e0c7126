"""Downloads of the documents from the pages where they belong, and the same through the API."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort
from flask_babel import gettext as _

from consortium.auth.access import readers
from consortium.documents import data, renderer
from consortium.documents.service import pdf
from consortium.errors import DomainError
from consortium.governance import service as governance
from consortium.governance.models import Meeting

bp = Blueprint("documents", __name__)


def pdf_response(content: bytes, filename: str, digest: str) -> Response:
    return Response(content, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "X-Content-SHA256": digest, "Cache-Control": "private, no-store"})


def protocol_pdf(meeting: Meeting) -> tuple[bytes, str]:
    def render() -> bytes:
        title = _("Minutes %(council)s %(number)s", council=meeting.council.name,
                  number=f"{meeting.year}:{meeting.number}")
        return renderer.render("protocol", doc=data.frame(title), p=data.protocol_data(meeting))

    return pdf("protocol", str(meeting.id), meeting.minutes_locked_at is not None, render)


def protocol_filename(meeting: Meeting) -> str:
    return f"protokoll-{meeting.council_id}-{meeting.year}-{meeting.number}.pdf"


@bp.route("/meetings/<int:meeting_id>/protocol.pdf")
@readers
def protocol(meeting_id: int) -> Any:
    try:
        meeting = governance.get_meeting(meeting_id)
    except DomainError:
        abort(404)
    content, digest = protocol_pdf(meeting)
    return pdf_response(content, protocol_filename(meeting), digest)


def motion_result_pdf(motion: Any) -> tuple[bytes, str]:
    from consortium.governance.models import MotionStatus

    def render() -> bytes:
        title = _("Result: %(title)s", title=motion.title)
        return renderer.render("motion_result", doc=data.frame(title),
                               r=data.motion_result_data(motion))

    return pdf("result", str(motion.id), motion.status is MotionStatus.CLOSED, render)


def allocation_pdf(tool: Any, budget: Any) -> tuple[bytes, str]:
    from consortium.costs import service as costs
    from consortium.costs.models import BudgetStatus

    def render() -> bytes:
        view = costs.allocation_of(budget)
        title = _("Allocation of %(tool)s %(year)s", tool=tool.name, year=budget.year)
        return renderer.render("allocation", doc=data.frame(title),
                               a=data.allocation_data(view, tool))

    return pdf("allocation", f"{tool.slug}/{budget.year}/{budget.version}",
               budget.status is BudgetStatus.ADOPTED, render)


def statement_pdf(municipality: Any, year: int) -> tuple[bytes, str]:
    from datetime import date

    from consortium.costs import queries

    found = queries.statement(municipality, year)
    final = year < date.today().year and not found.preliminary and not found.problems

    def render() -> bytes:
        title = _("Statement %(name)s %(year)s", name=municipality.name, year=year)
        return renderer.render("statement", doc=data.frame(title),
                               s=data.statement_data(found))

    return pdf("statement", f"{municipality.code}/{year}", final, render)


def annual_report_pdf(year: int) -> tuple[bytes, str]:
    def render() -> bytes:
        title = _("Annual report %(year)s", year=year)
        return renderer.render("annual_report", doc=data.frame(title),
                               r=data.annual_report_data(year))

    return pdf("annual", str(year), False, render)


@bp.route("/motions/<int:motion_id>/result.pdf")
@readers
def motion_result(motion_id: int) -> Any:
    try:
        motion = governance.get_motion(motion_id)
    except DomainError:
        abort(404)
    content, digest = motion_result_pdf(motion)
    return pdf_response(content, f"beslut-{motion.id}.pdf", digest)


@bp.route("/costs/budgets/<slug>/<int:year>/allocation.pdf")
@readers
def allocation(slug: str, year: int) -> Any:
    from flask import request

    from consortium.costs import service as costs
    from consortium.tools import service as tools

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
    from consortium.auth.access import acting_user
    from consortium.costs.statements import may_read_statement
    from consortium.members import service as members

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
    from consortium.auth.access import acting_user
    from consortium.auth.models import Role
    from consortium.documents.bulk import statements_zip as build

    user = acting_user()
    if user is None or user.role not in (Role.ADMIN, Role.FINANCE, Role.OBSERVER) \
            or user.municipality_id is not None:
        abort(403)
    return Response(build(year), mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="kostnadsunderlag-{year}.zip"'})
