"""PDF documents: protocols, results, allocation reports, statements and the annual report."""

from __future__ import annotations

from flask import Flask

from consortium import wiring


def init_app(app: Flask) -> None:
    """The documents' downloads, the statements and invoices ZIP jobs, `flask export`, the
    hash of a kept document for a record's page and the re-hash of `flask audit verify`."""
    from consortium.documents import board_views, bulk, receivers
    from consortium.documents.cli import documents_cli, export_cli
    from consortium.documents.views import bp
    from consortium.signals import (
        kept_document,
        kept_documents_rehash,
        minutes_signed,
        sealing_status,
    )

    del board_views  # its routes join the documents' blueprint
    app.register_blueprint(bp)
    app.cli.add_command(export_cli)
    app.cli.add_command(documents_cli)
    wiring.job_handler(app, bulk.KIND, bulk.statements_zip_job)
    wiring.job_handler(app, bulk.INVOICES_KIND, bulk.invoices_zip_job)
    kept_document.connect(receivers.kept_document_hash)
    kept_documents_rehash.connect(receivers.rehash_kept_documents)
    minutes_signed.connect(receivers.seal_the_protocol)
    sealing_status.connect(receivers.signing_status)
