"""The import on the web: upload, check (every error named by its line, names that differ
with a rename box each), confirm; and the kept imports, which the municipality page and the
audit log link to. Nothing is kept between upload and confirmation: the file travels back in
the form and is read again."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from consortium import db
from consortium.auth.access import acting_user, admin_only, readers
from consortium.auth.models import User
from consortium.frame.paging import page_count
from consortium.members import importing
from consortium.members.forms import ImportConfirmForm, ImportUploadForm
from consortium.members.models import PopulationImport
from consortium.members.views import bp

PAGE_SIZE = 50


def _refused(form: ImportUploadForm, filename: str, lines: list[Any]) -> Any:
    errors = [(getattr(line, "line", ""), getattr(line, "message", str(line))) for line in lines]
    return render_template("members/import.html", form=form, errors=errors,
                           filename=filename), 422


def _preview(data: bytes, filename: str, parsed: importing.ParsedFile,
             result: importing.ImportPlan, renames: list[str], status: int = 200) -> Any:
    confirm = ImportConfirmForm(formdata=None, filename=filename,
                                content=base64.b64encode(data).decode("ascii"))
    return render_template("members/import_preview.html", plan=result, parsed=parsed,
                           confirm=confirm, filename=filename, renames=renames,
                           summary=importing.summary(result)), status


@bp.route("/import", methods=["GET", "POST"])
@admin_only
def import_file() -> Any:
    """Step 1: upload and check the file; show every error or a preview of the changes."""
    form = ImportUploadForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("members/import.html", form=form, errors=None), status
    upload = form.file.data
    filename = (upload.filename or "upload.csv")[:200]
    data = upload.read()
    try:
        parsed = importing.read(data)
    except importing.BadFile as error:
        form.file.errors = [str(error)]
        return render_template("members/import.html", form=form, errors=None), 422
    if parsed.errors:
        return _refused(form, filename, parsed.errors)
    result = importing.plan(parsed)
    if result.errors:
        return _refused(form, filename, [*result.errors, *result.conflicts])
    return _preview(data, filename, parsed, result, [])


@bp.route("/import/confirm", methods=["POST"])
@admin_only
def import_confirm() -> Any:
    """Step 2: the file is read and checked again, with the rows to rename, and written."""
    form = ImportConfirmForm()
    try:
        data = base64.b64decode(form.content.data or "", validate=True)
    except (binascii.Error, ValueError):
        abort(400)
    filename = (form.filename.data or "upload.csv")[:200]
    upload_form = ImportUploadForm(formdata=None)
    try:
        parsed = importing.read(data)
    except importing.BadFile as error:
        return _refused(upload_form, filename, [error])
    if parsed.errors:
        return _refused(upload_form, filename, parsed.errors)
    unrenamed = importing.plan(parsed)  # renames only ever clear name conflicts
    form.rename.choices = [(c.code, c.code) for c in unrenamed.conflicts]
    if not form.validate_on_submit():
        abort(400)
    renames = list(form.rename.data or [])
    if unrenamed.errors:
        return _refused(upload_form, filename, unrenamed.errors)
    if {c.code for c in unrenamed.conflicts} - set(renames):
        flash(_("Nothing was imported: tick “Rename” for every row whose name differs from "
                "the register's, or correct the file."), "error")
        return _preview(data, filename, parsed, unrenamed, renames, 422)
    result = importing.apply(parsed, source=filename, data=data, renames=renames,
                             actor=acting_user())
    counts = importing.summary(result)
    flash(_("Imported %(rows)s rows: %(new)s new municipalities, %(added)s new figures, "
            "%(changed)s changed figures, %(renamed)s renamed.", rows=len(parsed.rows),
            new=counts["new_municipality"], added=counts["new_figure"],
            changed=counts["changed_figure"], renamed=counts["renamed"]), "success")
    return redirect(url_for("members.import_detail", import_id=result.kept_id))


@bp.route("/imports")
@readers
def imports() -> Any:
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows = db.session.execute(
        select(PopulationImport, func.coalesce(func.nullif(User.name, ""), User.email)
               .label("who"), func.count().over().label("total"))
        .outerjoin(User, User.id == PopulationImport.actor_id)
        .order_by(PopulationImport.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    total = rows[0].total if rows else 0
    return render_template("members/imports.html", rows=rows, page=page,
                           pages=page_count(total, PAGE_SIZE))


@bp.route("/imports/<int:import_id>")
@readers
def import_detail(import_id: int) -> Any:
    kept = importing.kept_import(import_id)
    if kept is None:
        abort(404)
    return render_template("members/import_detail.html", kept=kept,
                           who=importing.imported_by(kept) or "—")
