"""Every municipality's statement for a year as one ZIP: long work, run by the worker (a job)
or by `flask export statements`. The ZIP of a closed year is kept: asked for again, it is
served from what is kept."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from flask_babel import force_locale, get_locale
from sqlalchemy import select

from consortium import db
from consortium.config import LANGUAGES
from consortium.costs import queries, years
from consortium.documents.models import StoredDocument
from consortium.documents.pdfs import statement_pdf
from consortium.documents.service import keep, kept
from consortium.jobs.service import Result
from consortium.members.models import Municipality

KIND = "statements_zip"


def statement_codes(year: int) -> list[str]:
    """Municipalities with something on their statement: a tool line or a membership fee."""
    codes: set[str] = set()
    for item in queries.year_allocations(year):
        if item.view is not None:
            codes.update(line.code for line in item.view.lines)
    fees, _problem = queries.fees_by_code(year)
    codes.update(fees)
    return sorted(codes)


def filename(year: int) -> str:
    return f"kostnadsunderlag-{year}.zip"


def kept_zip(year: int) -> StoredDocument | None:
    """The kept ZIP of a closed year in the reader's language, if it was made."""
    return kept(KIND, str(year)) if years.closed(year) is not None else None


def statements_zip(year: int, progress: Callable[[int, int], None] | None = None) -> bytes:
    """The ZIP of the year's statements; `progress(done, total)` after each one. A closed
    year's ZIP is kept (and its statements, each as it is issued)."""
    found = kept_zip(year)
    if found is not None:
        return found.content
    municipalities = {m.code: m for m in db.session.scalars(
        select(Municipality).where(db.any_of(Municipality.code, statement_codes(year))))}
    buffer = io.BytesIO()
    total = len(municipalities)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, code in enumerate(sorted(municipalities), start=1):
            content, _digest = statement_pdf(municipalities[code], year)
            archive.writestr(f"kostnadsunderlag-{year}/{code}-{municipalities[code].name}.pdf",
                             content)
            if progress:
                progress(done, total)
    content = buffer.getvalue()
    if years.closed(year) is not None:  # kept once; the job or command commits it
        keep(KIND, str(year), str(get_locale()), content)
    return content


def statements_zip_job(params: dict[str, object], progress: Callable[[int, int], None]
                       ) -> Result:
    """The year's ZIP in the job's language; when a year is closed (`every_language`), its
    statements and ZIP are issued and kept in every language the installation speaks, so no
    reader meets a first render (the job runs in the consortium's language, then the
    others)."""
    year = int(str(params["year"]))
    if not params.get("every_language"):
        return Result(statements_zip(year, progress), filename(year), "application/zip")
    own = str(get_locale())
    languages = [own, *(lang for lang in LANGUAGES if lang != own)]
    contents = {}
    for index, lang in enumerate(languages):
        def part(done: int, total: int, index: int = index) -> None:
            progress(index * total + done, total * len(languages))

        with force_locale(lang):
            contents[lang] = statements_zip(year, part)
    return Result(contents[own], filename(year), "application/zip")


INVOICES_KIND = "invoices_zip"


def invoices_filename(year: int) -> str:
    return f"fakturor-{year}.zip"


def invoices_zip(year: int, progress: Callable[[int, int], None] | None = None) -> bytes:
    """Every invoice and credit note of the year: its e-invoice (UBL, as issued) and its PDF
    in the reader's language (each PDF kept as it is rendered)."""
    from consortium.documents.pdfs import invoice_pdf
    from consortium.invoicing import records

    found = records.rows(year=year, with_lines=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, row in enumerate(sorted(found, key=lambda r: r.invoice.sequence), start=1):
            invoice = row.invoice
            stem = f"fakturor-{year}/{invoice.number}-{invoice.buyer['code']}"
            archive.writestr(f"{stem}.xml", invoice.xml)
            archive.writestr(f"{stem}.pdf", invoice_pdf(row)[0])
            if progress:
                progress(done, len(found))
    return buffer.getvalue()


def invoices_zip_job(params: dict[str, object], progress: Callable[[int, int], None]
                     ) -> Result:
    year = int(str(params["year"]))
    return Result(invoices_zip(year, progress), invoices_filename(year), "application/zip")
