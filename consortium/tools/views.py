"""Web pages of the tools, their participants and usage, and the participation matrix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from consortium import clock, db
from consortium.auth.access import acting_user, admin_only, consortium_finance, readers
from consortium.auth.models import Role
from consortium.errors import DomainError
from consortium.frame import stamps
from consortium.frame.confirm import confirmation
from consortium.frame.exports import table_response
from consortium.frame.forms import show_domain_error
from consortium.members.labels import MEMBERSHIP_LABELS
from consortium.members.models import Municipality
from consortium.tools import queries, service
from consortium.tools.forms import (
    EndParticipationForm,
    ParticipationForm,
    ToolEditForm,
    ToolForm,
    UsageForm,
)
from consortium.tools.labels import TOOL_STATUS_LABELS
from consortium.tools.models import Participation, Tool

bp = Blueprint("tools", __name__, url_prefix="/tools")


def _tool_or_404(slug: str) -> Tool:
    try:
        return service.get_by_slug(slug)
    except DomainError:
        abort(404)


@bp.route("/")
@readers
def index() -> Any:
    return render_template("tools/index.html", rows=queries.tools_with_counts(clock.today()))


@bp.route("/new", methods=["GET", "POST"])
@admin_only
def new() -> Any:
    form = ToolForm()
    if form.validate_on_submit():
        data = {name: form[name].data for name in ("slug", *ToolForm.field_order)}
        try:
            tool = service.create_tool(data, actor=acting_user())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("%(name)s was added.", name=tool.name), "success")
            return redirect(url_for("tools.detail", slug=tool.slug))
    status = 422 if form.is_submitted() and form.errors else 200
    return render_template("tools/form.html", form=form, tool=None), status


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@admin_only
def edit(slug: str) -> Any:
    tool = _tool_or_404(slug)
    form = ToolEditForm(obj=tool)
    if request.method == "GET":
        form.status.data = tool.status.value
    if form.validate_on_submit():
        data = {name: form[name].data for name in ToolEditForm.field_order}
        try:
            service.update_tool(tool, data, actor=acting_user())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("tools.detail", slug=slug))
    status = 422 if form.is_submitted() and form.errors else 200
    return render_template("tools/form.html", form=form, tool=tool), status


def _render_detail(slug: str, participation_form: ParticipationForm | None = None,
                   usage_form: UsageForm | None = None, status: int = 200) -> Any:
    tool = db.session.scalar(select(Tool).where(Tool.slug == slug))
    if tool is None:
        abort(404)
    today = clock.today()
    year = request.args.get("year", today.year, type=int) or today.year
    page = request.args.get("page", 1, type=int) or 1
    usage_page = request.args.get("upage", 1, type=int) or 1
    # The lists are the same for every reader until a table they read changes: kept under
    # the participation stamp (frame/stamps.py); the forms around them are made each time.
    key = (tool.id, year, page, usage_page, today, str(get_locale()))
    kept = TOOL_LISTS.get(stamps.current(stamps.PARTICIPATION), key,
                          lambda: _tool_lists(tool, year, page, usage_page, today))
    participation_form = participation_form or ParticipationForm(formdata=None, joined_on=today)
    usage_form = usage_form or UsageForm(formdata=None, year=year)
    user = acting_user()
    return render_template(
        "tools/detail.html", tool=tool, kept=kept, participation_form=participation_form,
        usage_form=usage_form, end_form=EndParticipationForm(formdata=None, left_on=today),
        can_edit=user is not None and user.role is Role.ADMIN,
    ), status


@dataclass(frozen=True)
class ToolLists:
    participants: Markup
    usage: Markup
    usage_rows: bool  # whether anyone took part in the year (the usage form asks for one)


TOOL_LISTS: stamps.Memo[ToolLists] = stamps.Memo()


def _tool_lists(tool: Tool, year: int, page: int, usage_page: int, today: date) -> ToolLists:
    found = queries.detail(tool, year, page=page, usage_page=usage_page, today=today)
    context = {"d": found, "tool": tool, "current": found.current, "other": found.other}
    return ToolLists(Markup(render_template("tools/_tool_participants.html", **context)),
                     Markup(render_template("tools/_tool_usage.html", **context)),
                     bool(found.usage_rows))


@bp.route("/<slug>")
@readers
def detail(slug: str) -> Any:
    return _render_detail(slug)


@bp.route("/<slug>/participants", methods=["POST"])
@admin_only
def add_participant(slug: str) -> Any:
    tool = _tool_or_404(slug)
    form = ParticipationForm()
    if form.validate_on_submit():
        municipality = db.session.scalar(select(Municipality).where(
            Municipality.code == form.municipality.data))
        assert municipality is not None  # the field accepts only a code in the register
        try:
            service.set_participation(tool, municipality, form.joined_on.data,
                                      form.left_on.data, actor=acting_user())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("%(name)s takes part in %(tool)s from %(date)s.", name=municipality.name,
                    tool=tool.name, date=form.joined_on.data.isoformat()), "success")
            return redirect(url_for("tools.detail", slug=slug) + "#participants")
    return _render_detail(slug, participation_form=form, status=422)


@bp.route("/<slug>/participants/end", methods=["POST"])
@admin_only
def end_participation(slug: str) -> Any:
    """One form for ending any participation: the municipality and its last day (the page
    carries no form per row, so its size does not grow with the number of participants)."""
    tool = _tool_or_404(slug)
    form = EndParticipationForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return redirect(url_for("tools.detail", slug=slug) + "#end-participation")
    participation = db.session.scalar(
        select(Participation).join(Municipality, Municipality.id == Participation.municipality_id)
        .where(Participation.tool_id == tool.id, Municipality.code == form.municipality.data)
        .order_by(Participation.left_on.is_(None).desc(), Participation.joined_on.desc())
        .limit(1))
    if participation is None:
        flash(_("%(code)s does not take part in %(tool)s.", code=form.municipality.data,
                tool=tool.name), "error")
        return redirect(url_for("tools.detail", slug=slug) + "#end-participation")
    asked = confirmation(
        _("End the participation"),
        _("End the participation of %(name)s in %(tool)s on %(date)s?",
          name=participation.municipality.name, tool=tool.name,
          date=form.left_on.data.isoformat()),
        _("End the participation"), url_for("tools.detail", slug=slug) + "#participants",
        warning=_("From the day after, %(name)s has no seat in the förvaltningsråd and no "
                  "share of the costs.", name=participation.municipality.name))
    if asked is not None:
        return asked
    try:
        service.set_participation(tool, participation.municipality, participation.joined_on,
                                  form.left_on.data, actor=acting_user())
    except DomainError as error:
        show_domain_error(None, error)
    else:
        flash(_("The participation was ended."), "success")
    return redirect(url_for("tools.detail", slug=slug) + "#participants")


@bp.route("/<slug>/usage", methods=["POST"])
@consortium_finance
def set_usage(slug: str) -> Any:
    tool = _tool_or_404(slug)
    form = UsageForm()
    if form.validate_on_submit():
        municipality = db.session.scalar(select(Municipality).where(
            Municipality.code == form.municipality.data))
        try:
            service.set_usage(tool, municipality, form.year.data, form.units.data,  # type: ignore[arg-type]
                              actor=acting_user())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Usage saved."), "success")
            return redirect(url_for("tools.detail", slug=slug, year=form.year.data) + "#usage")
    return _render_detail(slug, usage_form=form, status=422)


@bp.route("/matrix")
@readers
def matrix() -> Any:
    filters = queries.MatrixFilters.from_args(request.args)
    page = request.args.get("page", 1, type=int)
    # The same for every reader until a table it reads changes: kept under its stamp
    # (frame/stamps.py); the date is in the filters, so tomorrow is another page.
    key = (tuple(sorted(filters.as_args().items())), page, str(get_locale()))
    content = MATRICES.get(stamps.current(stamps.PARTICIPATION), key,
                           lambda: _matrix_content(filters, page))
    return render_template("tools/matrix.html", content=content)


MATRICES: stamps.Memo[Markup] = stamps.Memo()


def _matrix_content(filters: queries.MatrixFilters, page: int) -> Markup:
    return Markup(render_template("tools/_matrix.html", m=queries.matrix(filters, page=page),
                                  filters=filters))


@bp.route("/matrix.<any(csv, xlsx):fmt>")
@readers
def matrix_export(fmt: str) -> Any:
    filters = queries.MatrixFilters.from_args(request.args)
    found = queries.matrix(filters, per_page=None)
    header = [_("Kommunkod"), _("Municipality"), _("County"), _("Membership"),
              *[tool.name for tool in found.tools]]
    rows = [[m.code, m.name, m.county,
             str(MEMBERSHIP_LABELS.get(m.status.value, m.status.value)) if m.status else "",
             *["x" if cell else "" for cell in cells]] for m, cells in found.rows]
    return table_response(fmt, f"deltagande-{filters.on.isoformat()}", _("Participation"),
                          header, rows)


@bp.route("/export.<any(csv, xlsx):fmt>")
@readers
def export(fmt: str) -> Any:
    rows = queries.tools_with_counts(clock.today())
    header = [_("Identifier"), _("Name"), _("Status"), _("Origin"), _("Owned since"),
              _("Participants today"), _("Participants ever"), _("Description")]
    table = [[t.slug, t.name, str(TOOL_STATUS_LABELS.get(t.status.value, t.status.value)),
              t.origin, t.owner_since, now, ever, t.description] for t, now, ever in rows]
    return table_response(fmt, "verktyg", _("Tools"), header, table)
