"""`flask users …`: create users and API tokens from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from consortium import db
from consortium.auth import service
from consortium.auth.models import Role


@click.group("users", help="Users and API tokens.")
def users_cli() -> None:
    pass


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--municipality", "municipality_code", default=None,
              help="Kommunkod of the user's municipality (representatives, finance).")
@click.option("--name", default="")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Asked for when not given.")
@with_appcontext
@db.committed
def create(email: str, role: str, municipality_code: str | None, name: str,
           password: str) -> None:
    """Create a user."""
    try:
        user = service.create_user(email=email, role=role, password=password, name=name,
                                   municipality_code=municipality_code, actor_label="cli")
    except service.AuthError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {user.role.value} {user.email}.")


@users_cli.command("token")
@click.argument("email")
@click.option("--label", default="cli", help="What the token is for.")
@with_appcontext
@db.committed
def token(email: str, label: str) -> None:
    """Print a new API token for EMAIL on the last line (it is shown only once)."""
    user = service.find_user(email)
    if user is None:
        raise click.ClickException(f"No user has the e-mail {email}.")
    if not user.active:
        raise click.ClickException(f"The user {email} is deactivated.")
    click.echo(f"New API token for {user.email} (keep it; it is not shown again):")
    click.echo(service.issue_token(user, label=label, actor_label="cli"))
