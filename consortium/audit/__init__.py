"""The append-only, hash-chained audit log. Its pages are the web layer's
(consortium/web/audit_log.py): they name the objects of every domain."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """`flask audit verify | link | checkpoint | checkpoints`; in the worker, the linker on a
    lane of its own (every AUDIT_LINK_SECONDS, so that writers never wait for the chain), the
    sweep's daily signed checkpoint of the chain's head (order 30) and its walk of the events
    linked since the last verification (order 35, every AUDIT_VERIFY_MINUTES)."""
    from consortium import wiring
    from consortium.audit.chain import link_written_events
    from consortium.audit.checkpoints import sign_daily_checkpoint
    from consortium.audit.cli import audit_cli
    from consortium.audit.verification import verify_when_due

    app.cli.add_command(audit_cli)
    wiring.periodic_task(app, link_written_events, order=1, lane="chain",
                         every="AUDIT_LINK_SECONDS")
    wiring.periodic_task(app, sign_daily_checkpoint, order=30)
    wiring.periodic_task(app, verify_when_due, order=35)
