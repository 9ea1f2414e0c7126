"""Web pages of cost sharing: budgets with preview and adoption, the finance overview,
membership fees and statements."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from consortium import clock, db
from consortium.auth.access import (
    acting_user,
    consortium_finance,
    may_change_consortium_figures,
    readers,
)
from consortium.auth.forms import EmptyForm
from consortium.auth.models import Role
from consortium.charts import bars
from consortium.costs import closing as closing_rules
from consortium.costs import fee_schedules, inputs, keys, queries, service, years
from consortium.costs.allocation import as_decimal
from consortium.costs.forms import AdoptForm, BudgetForm, FeeForm, parse_fee_bands
from consortium.costs.labels import KEY_LABELS
from consortium.costs.models import BudgetStatus
from consortium.costs.statements import may_read_statement
from consortium.errors import DomainError, Invalid
from consortium.frame import stamps
from consortium.frame.confirm import confirmation
from consortium.frame.documents import kept_hash
from consortium.frame.exports import kronor, table_response
from consortium.frame.forms import show_domain_error
from consortium.members import service as members
from consortium.members.models import Municipality
from consortium.money import sek_formatter, to_api
from consortium.tools import service as tools
from consortium.tools.models import Tool

bp = Blueprint("costs", __name__, url_prefix="/costs")


def _may_write() -> bool:
    return may_change_consortium_figures(acting_user())


def _year() -> int:
    year = request.args.get("year", type=int)
    return year if year and 1900 <= year <= 2100 else clock.today().year


@bp.route("/")
@readers
def index() -> Any:
    year = _year()
    all_tools = list(db.session.scalars(select(Tool).order_by(Tool.name)))
    budgets = {b.tool_id: b for b in queries.latest_budgets(year)}
    user = acting_user()
    assert user is not None
    closing = years.closed(year)
    may_close = _may_close()
    return render_template("costs/index.html", year=year, tools=all_tools, budgets=budgets,
                           key_labels=KEY_LABELS, may_write=_may_write(),
                           fees=fee_schedules.fee_schedule(year), own=user.municipality,
                           closing=closing, may_close=may_close,
                           close_reasons=closing_rules.reasons_not_to_close(year)
                           if may_close and closing is None else [],
                           close_form=EmptyForm(formdata=None),
                           zip_kept=closing is not None
                           and kept_hash("statements_zip", str(year)) is not None)


def _may_close() -> bool:
    """Closing changes consortium-wide figures: the office and consortium-wide finance."""
    return may_change_consortium_figures(acting_user())


@bp.post("/<int:year>/close")
@consortium_finance
def close_year(year: int) -> Any:
    if not EmptyForm().validate_on_submit():
        abort(400)
    asked = confirmation(
        _("Close the year"), _("Close %(year)s?", year=year), _("Close the year"),
        url_for("costs.index", year=year) + "#closing",
        warning=_("The statements of %(year)s are then issued and kept as they are; nothing "
                  "that feeds the year can change its figures any more.", year=year))
    if asked is not None:
        return asked
    try:
        closing_rules.close_year(year, actor=acting_user())
    except DomainError as error:
        show_domain_error(None, error)
    else:
        flash(_("%(year)s is closed. Its statements are final.", year=year), "success")
    return redirect(url_for("costs.index", year=year) + "#closing")


@bp.route("/<int:year>")
@readers
def overview(year: int) -> Any:
    county = request.args.get("county", "").strip()
    tool = request.args.get("tool", "").strip()
    page = request.args.get("page", 1, type=int)
    user = acting_user()
    reads_every_statement = user is not None and (
        user.role in (Role.ADMIN, Role.OBSERVER) or (
            user.role is Role.FINANCE and user.municipality_id is None))
    own_id = user.municipality_id if user is not None else None
    locale = str(get_locale())
    # The page's content is the same for every reader with the same links, until one of the
    # tables it reads changes: kept under the "costs" stamp (frame/stamps.py).
    key = (year, county, tool, page, locale, reads_every_statement,
           None if reads_every_statement else own_id)
    content = OVERVIEWS.get(stamps.current(stamps.COSTS), key, lambda: _overview_content(
        year, county, tool, page, locale, reads_every_statement, own_id))
    return render_template("costs/overview.html", year=year, content=content)


OVERVIEWS: stamps.Memo[Markup] = stamps.Memo()


def _overview_content(year: int, county: str, tool: str, page: int, locale: str,
                      reads_every_statement: bool, own_id: int | None) -> Markup:
    found = queries.overview(year, county=county, tool_slug=tool, page=page)
    counties = list(db.session.scalars(
        select(Municipality.county).distinct().order_by(Municipality.county)))
    all_tools = list(db.session.scalars(select(Tool).order_by(Tool.name)))
    # Each row's amounts as the reader writes them, formatted here in one pass: a page of a
    # hundred rows has eight hundred of them.
    sek, new = sek_formatter(locale), _("new")
    texts = [{"amounts": [sek(a) if a is not None else "" for a in row.amounts],
              "fee": sek(row.fee) if row.fee is not None else "", "total": sek(row.total),
              "previous": sek(row.previous_total) if row.previous_total is not None else "—",
              "change": sek(row.change) if row.change is not None else new}
             for row in found.rows]
    return Markup(render_template(
        "costs/_overview.html", o=found, year=year, county=county,
        rows=list(zip(found.rows, texts, strict=True)), tool=tool, counties=counties,
        all_tools=all_tools, reads_every_statement=reads_every_statement, own_id=own_id))


@bp.route("/<int:year>.<any(csv, xlsx):fmt>")
@readers
def overview_export(year: int, fmt: str) -> Any:
    found = queries.overview(year, county=request.args.get("county", "").strip(),
                             tool_slug=request.args.get("tool", "").strip(), per_page=None)
    header = [_("Kommunkod"), _("Municipality"), _("County"),
              *[f"{t.tool.name} (kr)" for t in found.tools], _("Membership fee (kr)"),
              _("Total (kr)"), _("Total %(year)s (kr)", year=year - 1), _("Change (kr)")]
    rows = [[row.municipality.code, row.municipality.name, row.municipality.county,
             *[kronor(a) for a in row.amounts], kronor(row.fee), kronor(row.total),
             kronor(row.previous_total), kronor(row.change)]
            for row in found.rows]
    return table_response(fmt, f"kostnadsfordelning-{year}", _("Cost sharing %(year)s",
                                                               year=year), header, rows)


POPULATION_KEYS = {"per_capita", "base_plus_per_capita", "tiered"}


def _budget_page(tool: Tool, year: int, form: BudgetForm, preview: Any = None,
                 status: int = 200) -> Any:
    versions = service.versions(tool, year)
    budget = versions[-1] if versions else None
    wanted = request.args.get("version", type=int)
    if wanted is not None:
        budget = next((v for v in versions if v.version == wanted), None)
        if budget is None:
            abort(404)
    view, problem = None, None
    if budget is not None:
        try:
            view = service.allocation_of(budget)
        except Invalid as error:
            problem = error.message
    last_year = service.amounts_of(tool, year - 1)
    shown = preview or view
    chart = None
    if shown is not None and shown.lines:
        largest = sorted(shown.lines, key=lambda line: -line.amount)[:12]
        chart = bars([(line.name, line.amount / 100) for line in largest],
                     label=_("The largest shares of %(tool)s %(year)s", tool=tool.name,
                             year=year), locale=str(get_locale()))
    method = form.method.data or (budget.key_method.value if budget is not None else None)
    coverage = None
    # Checked when a key is tried (preview or save), not on reading the page: a read never
    # reads the population figures behind a budget.
    if method in POPULATION_KEYS and request.method == "POST":
        wanted = form.population_year.data or year - 2
        missing, common = inputs.population_coverage(tool.id, year, wanted)
        if missing:
            coverage = {"wanted": wanted, "missing": missing, "common": common}
    return render_template(
        "costs/budget.html", tool=tool, year=year, budget=budget, versions=versions,
        coverage=coverage,
        view=view, problem=problem, preview=preview, form=form, last_year=last_year,
        key_labels=KEY_LABELS, may_write=_may_write(), adopt_form=AdoptForm(formdata=None),
        chart=chart, as_decimal=as_decimal,
        is_current=budget is None or budget is versions[-1],
        kept_hash=kept_hash("allocation", f"{tool.slug}/{year}/{budget.version}")
        if budget is not None else None), status


def _tool_or_404(slug: str) -> Tool:
    try:
        return tools.get_by_slug(slug)
    except DomainError:
        abort(404)


@bp.route("/budgets/<slug>/<int:year>", methods=["GET"])
@readers
def budget(slug: str, year: int) -> Any:
    tool = _tool_or_404(slug)
    current = service.current(tool, year)
    form = BudgetForm(formdata=None)
    if current is not None:
        key = keys.key_of(current)
        form.amount.data = current.amount
        form.method.data = key.method.value
        form.population_year.data = key.population_year
        if key.base_share is not None:
            form.base_share.data = keys.key_json(key)["base_share"]
        form.bands.data = "\n".join(
            f"{band['up_to'] if band['up_to'] is not None else ''};{band['weight']}"
            for band in keys.key_json(key).get("bands", []))
    return _budget_page(tool, year, form)


@bp.route("/budgets/<slug>/<int:year>", methods=["POST"])
@consortium_finance
def save_budget(slug: str, year: int) -> Any:
    tool = _tool_or_404(slug)
    form = BudgetForm()
    offered = request.form.get("use_population_year", type=int)
    if offered is not None:  # "Use 2016": the offered year, shown as a preview
        field = form.population_year
        field.data, field.raw_data, field.process_errors = offered, [str(offered)], []
        form.preview.data, form.save.data = True, False
    if not form.validate_on_submit():
        return _budget_page(tool, year, form, status=422)
    amount = form.amount.data
    assert amount is not None  # the field is required
    try:
        key = keys.key_from_data(form.key_data())
        if form.preview.data:
            return _budget_page(tool, year, form, preview=service.preview(
                tool, year, amount, key))
        current = service.current(tool, year)
        if current is not None and current.status is BudgetStatus.ADOPTED:
            service.revise(tool, year, amount, key, form.reason.data or "",
                           actor=acting_user())
        else:
            service.set_budget(tool, year, amount, key, actor=acting_user())
    except DomainError as error:
        show_domain_error(form, error, aliases={"key.method": "method",
                                                "key.population_year": "population_year",
                                                "key.base_share": "base_share",
                                                "key.bands": "bands", "key": "method"})
        return _budget_page(tool, year, form, status=422)
    flash(_("The budget was saved as a draft."), "success")
    return redirect(url_for("costs.budget", slug=slug, year=year))


@bp.route("/budgets/<slug>/<int:year>/adopt", methods=["POST"])
@consortium_finance
def adopt(slug: str, year: int) -> Any:
    tool = _tool_or_404(slug)
    if not AdoptForm().validate_on_submit():
        abort(400)
    asked = confirmation(
        _("Adopt the budget"),
        _("Adopt the budget of %(tool)s for %(year)s?", tool=tool.name, year=year),
        _("Adopt the budget"), url_for("costs.budget", slug=slug, year=year),
        warning=_("The budget and its allocation are then locked: a later change is a new "
                  "version with a reason, and a closed year shows it as an adjustment."))
    if asked is not None:
        return asked
    try:
        service.adopt(service.get_current(tool, year), actor=acting_user())
    except DomainError as error:
        show_domain_error(None, error)
    else:
        flash(_("The budget was adopted. It and its allocation are now locked."), "success")
    return redirect(url_for("costs.budget", slug=slug, year=year))


@bp.route("/budgets/<slug>/<int:year>/allocation.<any(csv, xlsx):fmt>")
@readers
def allocation_export(slug: str, year: int, fmt: str) -> Any:
    tool = _tool_or_404(slug)
    try:
        view = service.allocation_of(service.get_current(tool, year))
    except DomainError as error:
        abort(404 if error.status == 404 else 422, error.message)
    header = [_("Kommunkod"), _("Municipality"), _("Basis"), _("Fraction of the year"),
              _("Share"), _("Amount (kr)")]
    rows = [[line.code, line.name, line.basis, Decimal(as_decimal(line.fraction, 10)),
             Decimal(as_decimal(line.share, 10)), kronor(line.amount)] for line in view.lines]
    return table_response(fmt, f"fordelning-{slug}-{year}", f"{tool.name} {year}", header,
                          rows)


@bp.route("/fees/<int:year>", methods=["GET", "POST"])
@readers
def fees(year: int) -> Any:
    schedule = fee_schedules.fee_schedule(year)
    form = FeeForm(formdata=None)
    if request.method == "POST":
        if not _may_write():
            abort(403)
        form = FeeForm()
        if form.validate_on_submit():
            try:
                fee_schedules.set_fee_schedule(year, form.population_year.data,
                                         parse_fee_bands(form.bands.data or ""),
                                         actor=acting_user())
            except DomainError as error:
                show_domain_error(form, error)
            else:
                flash(_("The fee schedule for %(year)s was saved.", year=year), "success")
                return redirect(url_for("costs.fees", year=year))
    elif schedule is not None:
        form.population_year.data = schedule.population_year
        form.bands.data = "\n".join(
            f"{b.up_to if b.up_to is not None else ''};{to_api(b.annual)};{to_api(b.entry)}"
            for b in schedule.bands)
    lines, problem = [], None
    if schedule is not None:
        try:
            lines = fee_schedules.fees_for(schedule)
        except Invalid as error:
            problem = error.message
    status = 422 if form.errors else 200
    return render_template("costs/fees.html", year=year, schedule=schedule, lines=lines,
                           problem=problem, form=form, may_write=_may_write(),
                           population_year=fee_schedules.fee_population_year(schedule)
                           if schedule else year - 2), status


@bp.route("/statements/<code>/<int:year>")
@readers
def statement(code: str, year: int) -> Any:
    municipality = _statement_municipality(code)
    # The same for every reader of it until a table it reads changes: kept under the stamps
    # of those tables (frame/stamps.py); the kept PDF's hash is read each time.
    locale = str(get_locale())
    kept = STATEMENTS.get(
        stamps.current(stamps.COSTS, stamps.PARTICIPATION, stamps.MEMBERS),
        (municipality.id, year, locale), lambda: _statement_content(municipality, year))
    return render_template("costs/statement.html", kept=kept, year=year, m=municipality,
                           kept_hash=kept_hash("statement", f"{code}/{year}")
                           if kept.has_lines else None)


@dataclass(frozen=True)
class KeptStatement:
    body: Markup  # whether it is final, its problems and its lines (or that there are none)
    has_lines: bool


STATEMENTS: stamps.Memo[KeptStatement] = stamps.Memo()


def _statement_content(municipality: Municipality, year: int) -> KeptStatement:
    found = queries.statement(municipality, year)
    return KeptStatement(Markup(render_template(
        "costs/_statement.html", s=found, year=year, m=municipality, key_labels=KEY_LABELS,
        as_decimal=as_decimal)), bool(found.lines or found.fee or found.fee_missing
                                      or found.adjustments))


def _statement_municipality(code: str) -> Municipality:
    try:
        municipality = members.get_by_code(code)
    except DomainError:
        abort(404)
    if not may_read_statement(acting_user(), municipality):
        abort(403)
    return municipality


@bp.route("/statements/<code>/<int:year>.<any(csv, xlsx):fmt>")
@readers
def statement_export(code: str, year: int, fmt: str) -> Any:
    municipality = _statement_municipality(code)
    found = queries.statement(municipality, year)
    status_labels = {"adopted": _("adopted"), "draft": _("draft"),
                     "not_decided": _("not yet decided"), "adjustment": _("adjustment")}
    header = [_("Item"), _("Allocation key"), _("Basis"), _("Share"), _("Status"),
              _("Amount (kr)")]
    rows: list[list[Any]] = [
        [item.tool.name, str(KEY_LABELS[item.budget.key_method.value]) if item.budget else "",
         item.line.basis if item.line else "",
         Decimal(as_decimal(item.line.share, 10)) if item.line else None,
         status_labels.get(item.status, item.status), kronor(item.amount)]
        for item in found.lines]
    if found.fee is not None:
        rows.append([_("Membership fee"), "", "", None, "", kronor(found.fee.amount)])
    elif found.fee_missing:
        rows.append([_("Membership fee"), "", "", None, status_labels["not_decided"], None])
    rows.extend([f"{item.tool.name} {item.origin_year}", "", "", None,
                 status_labels["adjustment"], kronor(item.amount)]
                for item in found.adjustments)
    rows.append([_("Total"), "", "", None, "", kronor(found.total)])
    return table_response(fmt, f"kostnadsunderlag-{code}-{year}",
                          f"{municipality.name} {year}", header, rows)
