"""`flask import municipalities FILE` and the register's bulk export."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from consortium import db
from consortium.errors import Invalid
from consortium.members import importing


@click.group("import", help="Import official figures.")
def import_cli() -> None:
    pass


@import_cli.command("municipalities")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--rename", "renames", multiple=True, metavar="CODE",
              help="Take the file's name for this municipality code (kommunkod); repeat it, "
                   "or separate codes with commas. Without it a name that differs from the "
                   "register's is an error.")
@with_appcontext
@db.committed
def import_municipalities(path: Path, dry_run: bool, renames: tuple[str, ...]) -> None:
    """Import FILE: the registry's CSV (code,name,county,population,population_year) or a table
    downloaded from SCB or SSB (CSV or XLSX). All rows or none."""
    data = path.read_bytes()
    try:
        parsed = importing.read(data)
    except importing.BadFile as error:
        raise click.ClickException(f"{path.name}: {error} Nothing was imported.") from None
    if parsed.errors:
        for problem in parsed.errors:
            click.echo(f"{path.name}: {problem}", err=True)
        raise click.ClickException(
            f"{len(parsed.errors)} bad row(s) in {path.name}; nothing was imported.")
    codes = {code.strip() for value in renames for code in value.split(",") if code.strip()}
    result = importing.plan(parsed, codes)
    if result.refused:
        for line in [*result.errors, *result.conflicts]:
            click.echo(f"{path.name}: {line}", err=True)
        if result.conflicts and not result.errors:
            click.echo("If a municipality has changed its name, run again with --rename CODE "
                       "for that row.", err=True)
        raise click.ClickException(
            f"{len(result.errors) + len(result.conflicts)} row(s) of {path.name} cannot be "
            "imported; nothing was imported.")
    unknown = sorted(codes - set(result.renames))
    if unknown:
        raise click.ClickException(f"--rename {', '.join(unknown)}: no row of {path.name} "
                                   "names that code otherwise than the register; nothing "
                                   "was imported.")
    if not dry_run:
        try:
            result = importing.apply(parsed, source=path.name, data=data, renames=codes,
                                     actor_label="cli")
        except Invalid as error:
            raise click.ClickException(error.message) from None
    click.echo(f"{path.name}: read as {importing.LAYOUTS[parsed.layout]}"
               + (" (population on 1 January, kept as 31 December of the year before)"
                  if parsed.layout == "ssb" else "") + ".")
    for change in result.changes:
        if change.note:
            click.echo(f"line {change.line}: {change.note}")
    for code, (old, new) in sorted(result.renames.items()):
        click.echo(f"{code}: {'would be renamed' if dry_run else 'renamed'} "
                   f"from {old} to {new}")
    counts = importing.summary(result)
    verb = "Would import" if dry_run else "Imported"
    skipped = f", {len(parsed.skipped)} lines skipped (totals, no figures)" \
        if parsed.skipped else ""
    click.echo(f"{verb} {len(parsed.rows)} rows from {path.name}: "
               f"{counts['new_municipality']} new municipalities, "
               f"{counts['new_figure']} new figures, {counts['changed_figure']} changed, "
               f"{counts['unchanged']} unchanged{skipped}.")
