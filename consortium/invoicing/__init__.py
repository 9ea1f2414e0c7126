"""Invoicing (fakturering) of a closed year's statements, and the ledger (SPEC "Invoicing and
the ledger"): the consortium's settings, issuing with a gap-free series, Peppol BIS Billing 3.0
documents (ubl.py), credits and payments (records.py) and the SIE 4 ledger (ledger.py)."""

from __future__ import annotations

from flask import Flask

from consortium import wiring


def init_app(app: Flask) -> None:
    """The invoicing pages, and the job that writes issued e-invoices to INVOICE_OUTBOX_DIR."""
    from consortium.invoicing import outbox
    from consortium.invoicing.views import bp

    app.register_blueprint(bp)
    wiring.job_handler(app, outbox.KIND, outbox.write_job)
