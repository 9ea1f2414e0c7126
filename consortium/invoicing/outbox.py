"""Issued e-invoices written once to INVOICE_OUTBOX_DIR, the folder an access point's
connector collects from: by the worker, after the issue is committed. A file is created
exclusively and never overwritten; an invoice written once is marked and not written again."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from consortium import clock, db
from consortium.db import app_config
from consortium.invoicing.models import Invoice
from consortium.jobs import service as jobs
from consortium.jobs.service import Result

KIND = "invoice_outbox"


def directory() -> Path | None:
    folder = app_config().get("INVOICE_OUTBOX_DIR")
    return Path(folder) if folder else None


def submit(user_id: int | None) -> None:
    """Ask the worker to write what is issued in this transaction (when an outbox is set)."""
    if directory() is None:
        return
    job = jobs.submit(KIND, {}, user_id=user_id)
    db.after_commit(lambda: jobs.start(job.id))


def write_waiting(progress: Callable[[int, int], None] | None = None) -> list[str]:
    """Write every issued document not written yet; returns the file names written."""
    folder = directory()
    if folder is None:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    waiting = list(db.session.scalars(select(Invoice).where(
        Invoice.outbox_written_at.is_(None)).order_by(Invoice.id).with_for_update()))
    written = []
    for done, invoice in enumerate(waiting, start=1):
        path = folder / f"{invoice.number}.xml"
        try:
            with open(path, "xb") as handle:
                handle.write(invoice.xml)
                handle.flush()
                os.fsync(handle.fileno())
        except FileExistsError:
            if path.read_bytes() != invoice.xml:
                raise RuntimeError(f"{path} exists with other content: not overwritten") \
                    from None
        invoice.outbox_written_at = clock.now()
        written.append(path.name)
        if progress:
            progress(done, len(waiting))
    db.session.flush()
    return written


def write_job(params: dict[str, object], progress: Callable[[int, int], None]) -> Result:
    del params
    written = write_waiting(progress)
    return Result("\n".join(written).encode(), "outbox.txt", "text/plain")
