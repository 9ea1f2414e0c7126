"""`flask export statements YEAR`: every statement of a year as one ZIP, with a progress bar."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from consortium import db
from consortium.documents.bulk import statement_codes, statements_zip


@click.group("export", help="Bulk exports.")
def export_cli() -> None:
    pass


@export_cli.command("statements")
@click.argument("year", type=int)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the ZIP (default: statements-YEAR.zip).")
@with_appcontext
@db.committed
def statements(year: int, out: Path | None) -> None:
    """Write every municipality's statement (kostnadsunderlag) of YEAR as PDFs in one ZIP."""
    out = out or Path(f"statements-{year}.zip")
    total = len(statement_codes(year))
    if total == 0:
        raise click.ClickException(f"No municipality has anything to pay for {year}.")
    with click.progressbar(length=total, label=f"Statements {year}") as bar:
        content = statements_zip(year, progress=lambda done, _total: bar.update(done - bar.pos))
    out.write_bytes(content)
    click.echo(f"Wrote {total} statements to {out} ({len(content) // 1024} KiB).")
