"""`flask seed-demo`: load the demo into an empty database."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from consortium import db
from consortium.demo.seed import DEMO_PASSWORD, DEMO_USERS, seed


@click.command("seed-demo")
@with_appcontext
@db.committed
def seed_demo() -> None:
    """Load the demo (real municipalities, Sambruk's tools, demo users). Runs once."""
    if not seed():
        click.echo("The database already holds data; the demo was not loaded again.")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, role, code, _name in DEMO_USERS:
        click.echo(f"  {role:<15} {email}" + (f"  ({code})" if code else ""))
