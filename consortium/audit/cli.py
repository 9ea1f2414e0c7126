"""`flask --app app audit verify`: walk the audit log's hash chain and re-hash every kept
document; exit non-zero on the first break."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from consortium.audit.chain import verify


@click.group("audit")
def audit_cli() -> None:
    """The audit log."""


@audit_cli.command("verify")
@with_appcontext
def verify_command() -> None:
    """Check that no audit event and no kept document was changed behind the registry's back."""
    report = verify()
    if report.first_break is not None:
        where = "the head of the chain" if report.first_break == -1 \
            else f"event #{report.first_break}"
        click.echo(f"BROKEN at {where}: {report.reason} "
                   f"({report.events} events read).", err=True)
        sys.exit(1)
    click.echo(f"Audit log: {report.events} events, the hash chain is whole.")
    if report.document_breaks:
        click.echo(f"Kept documents: {len(report.document_breaks)} of {report.documents} no "
                   f"longer match their SHA-256: {', '.join(report.document_breaks)}", err=True)
        sys.exit(1)
    click.echo(f"Kept documents: {report.documents} re-hashed, every one matches.")
