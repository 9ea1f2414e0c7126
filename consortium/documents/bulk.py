"""Every municipality's statement for a year as one ZIP (the CLI shows a progress bar)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from sqlalchemy import select

from consortium import db
from consortium.costs import queries
from consortium.documents.pdfs import statement_pdf
from consortium.members.models import Municipality


def statement_codes(year: int) -> list[str]:
    """Municipalities with something on their statement: a tool line or a membership fee."""
    codes: set[str] = set()
    for item in queries.year_allocations(year):
        if item.view is not None:
            codes.update(line.code for line in item.view.lines)
    fees, _problem = queries.fees_by_code(year)
    codes.update(fees)
    return sorted(codes)


def statements_zip(year: int, progress: Callable[[str], None] | None = None) -> bytes:
    buffer = io.BytesIO()
    municipalities = {m.code: m for m in db.session.scalars(
        select(Municipality).where(Municipality.code.in_(statement_codes(year))))}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for code in sorted(municipalities):
            content, digest = statement_pdf(municipalities[code], year)
            archive.writestr(f"kostnadsunderlag-{year}/{code}-{municipalities[code].name}.pdf",
                             content)
            if progress:
                progress(code)
    return buffer.getvalue()
