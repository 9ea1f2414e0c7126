"""Each document as (PDF bytes, SHA-256): gathered as plain data, rendered, and kept once
its record can no longer change. Used by the download pages, the API and the bulk ZIP."""

from __future__ import annotations

import logging
from typing import Any

from flask import Response
from flask_babel import gettext as _

from consortium.costs import queries, years
from consortium.costs import service as costs
from consortium.costs.models import BudgetStatus
from consortium.documents import data, renderer, signing
from consortium.documents.service import pdf
from consortium.governance.models import Meeting, MotionStatus

log = logging.getLogger(__name__)


def pdf_response(content: bytes, filename: str, digest: str) -> Response:
    return Response(content, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "X-Content-SHA256": digest, "Cache-Control": "private, no-store"})


def protocol_pdf(meeting: Meeting) -> tuple[bytes, str]:
    """The protocol; once the minutes are signed, the kept one: PDF/A-2b with the page of
    confirmations, sealed with the consortium's signature (SPEC "Sealed protocols"). Without
    a configured certificate the PDF/A is kept unsigned (the meeting page and /healthz say
    so)."""
    sealed = meeting.minutes_locked_at is not None

    def render() -> bytes:
        title = _("Minutes %(council)s %(number)s", council=meeting.council.name,
                  number=f"{meeting.year}:{meeting.number}")
        content = renderer.render("protocol", pdf_variant="pdf/a-2b" if sealed else None,
                                  doc=data.frame(title), p=data.protocol_data(meeting))
        if not sealed:
            return content
        try:
            return signing.seal(content, reason=_("Adjusted minutes (justerat protokoll)"),
                                location=meeting.place or meeting.council.name)
        except signing.NotConfigured as error:
            log.warning("protocol %s kept unsigned: %s", meeting.id, error)
            return content

    return pdf("protocol", str(meeting.id), sealed, render)


def protocol_filename(meeting: Meeting) -> str:
    return f"protokoll-{meeting.council_id}-{meeting.year}-{meeting.number}.pdf"


def roll_pdf(meeting: Meeting) -> tuple[bytes, str]:
    """The voting register: not kept, since a fixed register takes dated changes."""
    def render() -> bytes:
        title = _("Voting register %(council)s %(number)s", council=meeting.council.name,
                  number=f"{meeting.year}:{meeting.number}")
        return renderer.render("roll", doc=data.frame(title), p=data.roll_data(meeting))

    return pdf("roll", str(meeting.id), False, render)


def motion_result_pdf(motion: Any) -> tuple[bytes, str]:
    def render() -> bytes:
        title = _("Result: %(title)s", title=motion.title)
        return renderer.render("motion_result", doc=data.frame(title),
                               r=data.motion_result_data(motion))

    return pdf("result", str(motion.id), motion.status is MotionStatus.CLOSED, render)


def allocation_pdf(tool: Any, budget: Any) -> tuple[bytes, str]:
    def render() -> bytes:
        view = costs.allocation_of(budget)
        title = _("Allocation of %(tool)s %(year)s", tool=tool.name, year=budget.year)
        return renderer.render("allocation", doc=data.frame(title),
                               a=data.allocation_data(view, tool))

    return pdf("allocation", f"{tool.slug}/{budget.year}/{budget.version}",
               budget.status is BudgetStatus.ADOPTED, render)


def statement_pdf(municipality: Any, year: int) -> tuple[bytes, str]:
    """Kept once the year is closed; a kept copy is found before anything is computed."""
    final = years.closed(year) is not None

    def render() -> bytes:
        found = queries.statement(municipality, year)
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


def invoice_pdf(row: Any) -> tuple[bytes, str]:
    """An issued invoice or credit note: kept in each language once rendered (it never
    changes)."""
    invoice = row.invoice

    def render() -> bytes:
        title = (_("Credit note %(number)s", number=invoice.number)
                 if invoice.kind.value == "credit_note"
                 else _("Invoice %(number)s", number=invoice.number))
        return renderer.render("invoice", doc=data.frame(title), i=data.invoice_data(row))

    return pdf("invoice", invoice.number, True, render)


def invoice_filename(row: Any) -> str:
    prefix = "kreditfaktura" if row.invoice.kind.value == "credit_note" else "faktura"
    return f"{prefix}-{row.invoice.number}.pdf"
