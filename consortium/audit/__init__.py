"""The append-only, hash-chained audit log. Its pages are the web layer's
(consortium/web/audit_log.py): they name the objects of every domain."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """`flask audit verify | checkpoint | checkpoints`, the sweep's daily signed checkpoint of
    the chain's head (order 30) and its walk of the events written since the last
    verification (order 35, every AUDIT_VERIFY_MINUTES)."""
    from consortium import wiring
    from consortium.audit.checkpoints import sign_daily_checkpoint
    from consortium.audit.cli import audit_cli
    from consortium.audit.verification import verify_when_due

    app.cli.add_command(audit_cli)
    wiring.periodic_task(app, sign_daily_checkpoint, order=30)
    wiring.periodic_task(app, verify_when_due, order=35)
