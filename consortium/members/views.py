"""Web pages of the municipality register."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from consortium import clock, db
from consortium.auth.access import acting_user, admin_only, readers, require_user
from consortium.charts import columns
from consortium.errors import DomainError
from consortium.frame import stamps
from consortium.frame.exports import table_response
from consortium.frame.forms import show_domain_error
from consortium.frame.paging import page_count
from consortium.frame.sections import PageSection
from consortium.members import queries, service
from consortium.members.forms import (
    DeleteForm,
    MembershipForm,
    MunicipalityEditForm,
    MunicipalityForm,
    PopulationForm,
)
from consortium.members.labels import MEMBERSHIP_LABELS
from consortium.members.models import Municipality
from consortium.signals import answers, municipality_sections

bp = Blueprint("members", __name__, url_prefix="/municipalities")

def export_header() -> list[str]:
    return [_("Kommunkod"), _("Name"), _("County"), _("Country"), _("Membership"),
            _("Member since"), _("Left on"), _("Organisation number"), _("Invoice reference"),
            _("Population"), _("Population year")]


@bp.route("/")
@readers
def index() -> Any:
    columns = queries.extra_columns()
    filters = queries.Filters.from_args(request.args, queries.sorts(columns))
    today = clock.today()
    # The register is the same for every reader on a day until a table it reads changes:
    # kept under the members stamp and, for the tools in use, the participation stamp.
    key = (tuple(sorted(filters.as_args().items())), filters.page, today, str(get_locale()))
    content = REGISTERS.get(stamps.current(stamps.MEMBERS, stamps.PARTICIPATION), key,
                            lambda: _register(filters, columns, today))
    return render_template("members/index.html", content=content)


REGISTERS: stamps.Memo[Markup] = stamps.Memo()


def _register(filters: queries.Filters, columns: list[queries.RegisterColumn],
              today: date) -> Markup:
    rows, total, counties = queries.register_page(filters, columns)
    return Markup(render_template(
        "members/_register.html", rows=rows, total=total, counties=counties, filters=filters,
        page=filters.page, pages=page_count(total, queries.PAGE_SIZE), columns=columns,
        today=today, statuses=["member", "admitted", "applicant", "resigned"]))


@bp.route("/export.<any(csv, xlsx):fmt>")
@readers
def export(fmt: str) -> Any:
    columns = queries.extra_columns()
    filters = queries.Filters.from_args(request.args, queries.sorts(columns))
    rows = db.session.execute(queries.register_query(filters, columns)).all()
    table = [[m.code, m.name, m.county, m.country,
              str(MEMBERSHIP_LABELS.get(m.status.value, m.status.value)) if m.status else "",
              m.joined_on, m.left_on, m.org_number, m.invoice_reference, population, year,
              *extras] for m, population, year, *extras in rows]
    return table_response(fmt, f"kommuner-{clock.today().isoformat()}", _("Municipalities"),
                          export_header() + [column.label for column in columns], table)


def _municipality_or_404(code: str) -> Municipality:
    try:
        return service.get_by_code(code)
    except DomainError:
        abort(404)


def _render_detail(code: str, population_form: PopulationForm | None = None,
                   status: int = 200) -> Any:
    """The municipality's page; a refused population form is shown on it with its errors."""
    found = queries.detail(code)
    if found is None:
        abort(404)
    municipality = found.municipality
    # Its history is the same for every reader until a table behind it changes: kept under
    # the members stamp (frame/stamps.py); the facts of today and the forms are made each time.
    locale = str(get_locale())
    kept = HISTORIES.get(stamps.current(stamps.MEMBERS), (municipality.id, locale),
                         lambda: _history(municipality, locale))
    user = acting_user()
    sections = sorted((section for section in answers(municipality_sections.send(municipality))
                       if isinstance(section, PageSection)), key=lambda section: section.order)
    return render_template(
        "members/detail.html", detail=found, m=municipality, kept=kept, sections=sections,
        membership_form=MembershipForm(formdata=None, on=clock.today()),
        population_form=population_form or PopulationForm(formdata=None),
        delete_form=DeleteForm(formdata=None),
        can_edit=user is not None and user.role.value == "admin",
        can_delete=municipality.status is None and not service.has_history(municipality),
    ), status


@dataclass(frozen=True)
class History:
    membership: Markup  # the membership periods
    population: Markup  # the population figures, with their chart


HISTORIES: stamps.Memo[History] = stamps.Memo()


def _history(municipality: Municipality, locale: str) -> History:
    periods, figures = queries.history(municipality)
    chart = columns([(str(f.year), f.population) for f in figures],
                    label=_("Population of %(name)s by year", name=municipality.name),
                    locale=locale) if len(figures) > 1 else None
    return History(
        Markup(render_template("members/_membership.html", periods=periods)),
        Markup(render_template("members/_population.html", figures=figures, chart=chart)))


@bp.route("/<code>")
@readers
def detail(code: str) -> Any:
    return _render_detail(code)


@bp.route("/new", methods=["GET", "POST"])
@admin_only
def new() -> Any:
    form = MunicipalityForm()
    if form.validate_on_submit():
        data = {name: form[name].data for name in MunicipalityForm.field_order}
        try:
            municipality = service.create_municipality(data, actor=acting_user())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("%(name)s (%(code)s) was added to the register.", name=municipality.name,
                    code=municipality.code), "success")
            return redirect(url_for("members.detail", code=municipality.code))
    status = 422 if form.is_submitted() and form.errors else 200
    return render_template("members/form.html", form=form, municipality=None), status


@bp.route("/<code>/edit", methods=["GET", "POST"])
@admin_only
def edit(code: str) -> Any:
    municipality = _municipality_or_404(code)
    form = MunicipalityEditForm(obj=municipality)
    if form.validate_on_submit():
        data = {name: form[name].data for name in
                ("name", "county", "org_number", "invoice_reference",
                 *MunicipalityEditForm.invoicing_fields)}
        try:
            service.update_municipality(municipality, data, actor=acting_user())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("members.detail", code=code))
    status = 422 if form.is_submitted() and form.errors else 200
    return render_template("members/form.html", form=form, municipality=municipality), status


@bp.route("/<code>/membership", methods=["POST"])
@admin_only
def membership(code: str) -> Any:
    municipality = _municipality_or_404(code)
    form = MembershipForm()
    if form.validate_on_submit():
        try:
            service.change_membership(municipality, form.action.data or "", form.on.data,
                                      actor=acting_user(), note=form.note.data or None)
        except DomainError as error:
            show_domain_error(None, error)
        else:
            flash(_("The membership change was recorded."), "success")
    else:
        flash(_("Choose a change and give a valid date."), "error")
    return redirect(url_for("members.detail", code=code) + "#membership")


@bp.route("/<code>/population", methods=["POST"])
@admin_only
def population(code: str) -> Any:
    municipality = _municipality_or_404(code)
    form = PopulationForm()
    if form.validate_on_submit():
        try:
            _figure, created = service.set_population(
                municipality, form.year.data, form.population.data,
                source=form.source.data or None, actor=acting_user())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The population for %(year)s was saved.", year=form.year.data), "success")
            return redirect(url_for("members.detail", code=code) + "#population")
    return _render_detail(code, population_form=form, status=422)


@bp.route("/<code>/delete", methods=["POST"])
@admin_only
def delete(code: str) -> Any:
    municipality = _municipality_or_404(code)
    if not DeleteForm().validate_on_submit():
        abort(400)
    try:
        service.delete_municipality(municipality, actor=require_user())
    except DomainError as error:
        show_domain_error(None, error)
        return redirect(url_for("members.detail", code=code))
    flash(_("%(name)s was removed from the register.", name=municipality.name), "success")
    return redirect(url_for("members.index"))
