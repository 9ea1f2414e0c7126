"""`flask export statements YEAR`: every statement of a year as one ZIP, with a progress bar;
`flask documents verify FILE.pdf` and `flask documents demo-certificate`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from consortium import db
from consortium.documents import signing
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


@click.group("documents", help="Sealed protocols: check a PDF, make the demo certificate.")
def documents_cli() -> None:
    pass


@documents_cli.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def verify(path: Path) -> None:
    """Say whether FILE.pdf is intact, signed by the configured certificate (or one that
    chains to SIGNING_TRUST_ROOT) and a document this registry keeps; exit 0 only when all
    hold."""
    verdict = signing.verify(path.read_bytes())
    for line in verdict_lines(verdict):
        click.echo(line)
    db.rollback()  # a check reads; nothing to keep
    if not verdict.ok:
        raise SystemExit(1)


def verdict_lines(verdict: signing.Verdict) -> list[str]:
    yes_no = {True: "yes", False: "NO"}
    return [
        f"SHA-256:           {verdict.sha256}",
        f"Signed:            {yes_no[verdict.signed]}",
        f"Intact:            {yes_no[verdict.intact]}",
        f"Signed by:         {verdict.signer or '-'}",
        f"Signed at:         {verdict.signed_at.isoformat() if verdict.signed_at else '-'}",
        f"Our certificate:   {yes_no[verdict.configured]}",
        f"Kept document:     {verdict.kept or 'NO'}",
        "Verdict:           " + ("OK: intact, sealed by this registry and kept by it"
                                  if verdict.ok else "NOT OK: " + "; ".join(verdict.problems)),
    ]


@documents_cli.command("demo-certificate")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Where to write it (default: instance/signing).")
@with_appcontext
def demo_certificate(directory: Path | None) -> None:
    """Make a demo CA and signing certificate (once; existing files are kept)."""
    from flask import current_app

    from consortium.documents.certificates import make_demo_certificate

    directory = directory or Path(current_app.instance_path) / "signing"
    made = make_demo_certificate(directory, current_app.config["CONSORTIUM_NAME"])
    click.echo(f"Demo signing certificate: {made.cert} (key {made.key}); its demo CA: "
               f"{made.root}. Protocols are sealed with it; use a real organisation "
               "certificate in production (README, Sealed protocols).")
