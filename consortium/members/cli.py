"""`flask import municipalities FILE` and the register's bulk export."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from consortium.errors import Invalid
from consortium.members import importing


@click.group("import", help="Import official figures.")
def import_cli() -> None:
    pass


@import_cli.command("municipalities")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@with_appcontext
def import_municipalities(path: Path, dry_run: bool) -> None:
    """Import FILE.csv (code,name,county,population,population_year): all rows or none."""
    try:
        parsed = importing.parse(importing.decode(path.read_bytes()))
    except importing.BadFile as error:
        raise click.ClickException(f"{path.name}: {error} Nothing was imported.") from None
    if parsed.errors:
        for error in parsed.errors:
            click.echo(f"{path.name}: {error}", err=True)
        raise click.ClickException(
            f"{len(parsed.errors)} bad row(s) in {path.name}; nothing was imported.")
    try:
        result = (importing.plan(parsed) if dry_run
                  else importing.apply(parsed, source=path.name, actor_label="cli"))
    except Invalid as error:
        raise click.ClickException(error.message) from None
    for change in result.changes:
        if change.note:
            click.echo(f"line {change.line}: {change.note} (names are not changed by imports)")
    counts = importing.summary(result)
    verb = "Would import" if dry_run else "Imported"
    click.echo(f"{verb} {len(parsed.rows)} rows from {path.name}: "
               f"{counts['new_municipality']} new municipalities, "
               f"{counts['new_figure']} new figures, {counts['changed_figure']} changed, "
               f"{counts['unchanged']} unchanged.")
