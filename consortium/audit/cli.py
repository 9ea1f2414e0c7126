"""`flask --app app audit verify`: link what waits, walk the audit log's hash chain and
re-hash every kept document; exit non-zero on the first break. `audit link` links the
events written since the worker last did."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from consortium import clock, db
from consortium.audit import checkpoints, verification
from consortium.audit.chain import link_pending, verify


@click.group("audit")
def audit_cli() -> None:
    """The audit log."""


@audit_cli.command("verify")
@click.option("--checkpoints", "checkpoints_file", type=click.Path(exists=True, dir_okay=False),
              help="Checkpoints kept elsewhere (JSON, as `audit checkpoints` prints them).")
@with_appcontext
def verify_command(checkpoints_file: str | None) -> None:
    """Check that no audit event and no kept document was changed behind the registry's back,
    and that the chain agrees with the checkpoints given (none shortened or rewritten)."""
    held = None
    if checkpoints_file:
        try:
            held = json.loads(Path(checkpoints_file).read_text(encoding="utf-8"))
            if isinstance(held, dict):
                held = held.get("checkpoints", [])
            assert isinstance(held, list)
        except (ValueError, AssertionError):
            raise click.ClickException(f"{checkpoints_file}: not a JSON list of "
                                       "checkpoints.") from None
    with db.unit_of_work():  # what the worker has not linked yet is walked too
        link_pending()
    started = clock.now()
    report = verify(checkpoints=held)
    with db.unit_of_work():  # the audit page shows this walk as the newest verification
        verification.record(report, full=True, start=0, by="flask audit verify",
                            started=started)
    if report.first_break is not None:
        where = "the head of the chain" if report.first_break == -1 \
            else f"event #{report.first_break}"
        click.echo(f"BROKEN at {where}: {report.reason} "
                   f"({report.events} events read).", err=True)
        sys.exit(1)
    click.echo(f"Audit log: {report.events} events, the hash chain is whole.")
    if held is not None:
        if report.checkpoint_breaks:
            for problem in report.checkpoint_breaks:
                click.echo(f"BROKEN: {problem}", err=True)
            sys.exit(1)
        click.echo(f"Checkpoints: {report.checkpoints} given, the chain agrees with each.")
    if report.document_breaks:
        click.echo(f"Kept documents: {len(report.document_breaks)} of {report.documents} no "
                   f"longer match their SHA-256: {', '.join(report.document_breaks)}", err=True)
        sys.exit(1)
    click.echo(f"Kept documents: {report.documents} re-hashed, every one matches.")


@audit_cli.command("link")
@with_appcontext
@db.committed
def link_command() -> None:
    """Give the events written since the last linking their place in the chain (the worker
    does it about every second)."""
    click.echo(f"Linked {link_pending()} events into the chain.")


@audit_cli.command("checkpoint")
@with_appcontext
@db.committed
def checkpoint_command() -> None:
    """Sign the chain's head now (the worker does it once a day)."""
    made = checkpoints.make()
    if made is None:
        click.echo("The audit log is empty: nothing to sign.")
        return
    click.echo(json.dumps(checkpoints.as_dict(made), ensure_ascii=False))


@audit_cli.command("checkpoints")
@with_appcontext
def list_checkpoints() -> None:
    """Print the signed checkpoints as JSON: keep a copy away from the database."""
    click.echo(json.dumps(checkpoints.listed(), ensure_ascii=False, indent=1))
