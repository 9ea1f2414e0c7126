"""`flask costs refresh`: store again every draft allocation and every open year's fees."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from consortium import db
from consortium.costs.derived import recompute_everything


@click.group("costs", help="Cost sharing.")
def costs_cli() -> None:
    pass


@costs_cli.command("refresh")
@with_appcontext
@db.committed
def refresh() -> None:
    """Recompute the stored allocation of every draft budget and the fees of every open year
    (they are kept up to date on every change; this is for a database upgraded from before
    they were stored)."""
    drafts, schedules = recompute_everything()
    click.echo(f"Stored the allocations of {drafts} draft budgets and the fees of "
               f"{schedules} years.")
