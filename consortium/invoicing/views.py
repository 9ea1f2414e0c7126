"""Web pages of invoicing: the settings, a year's invoices with what stops them, one invoice
with its payments and its credit, the UBL document and the SIE ledger. The PDF and the ZIP
of a year are the documents' own (documents/views.py)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from consortium import clock, db
from consortium.auth.access import (
    acting_user,
    admin_only,
    consortium_finance,
    may_change_consortium_figures,
    readers,
    roles,
)
from consortium.auth.forms import EmptyForm
from consortium.auth.models import Role, User
from consortium.costs import years
from consortium.costs.models import ClosedYear
from consortium.costs.statements import may_read_statement
from consortium.errors import DomainError, Invalid
from consortium.frame.confirm import confirmation
from consortium.frame.forms import show_domain_error
from consortium.invoicing import issuing, ledger, records
from consortium.invoicing import settings as invoicing_settings
from consortium.invoicing.forms import CreditForm, InvoicingSettingsForm, PaymentForm
from consortium.invoicing.models import Invoice, InvoiceKind
from consortium.money import MoneyError, parse_form

bp = Blueprint("invoicing", __name__)



def xml_response(invoice: Invoice) -> Response:
    """The issued UBL document as it was issued (its bytes and SHA-256 never change)."""
    return Response(invoice.xml, mimetype="application/xml", headers={
        "Content-Disposition": f'attachment; filename="{invoice.number}.xml"',
        "X-Content-SHA256": invoice.xml_sha256, "Cache-Control": "private, no-store"})


def sie_response(year: int) -> Response:
    return Response(ledger.sie(year), content_type="text/plain; charset=cp437", headers={
        "Content-Disposition": f'attachment; filename="fakturor-{year}.se"',
        "Cache-Control": "private, no-store"})


def _consortium_wide(user: User | None) -> bool:
    return user is not None and user.municipality_id is None


def readable_invoice(number: str) -> records.InvoiceRow:
    """The invoice for a page or a download: 404 when there is none, 403 for a municipality's
    user and another municipality's invoice."""
    try:
        row = records.one(number)
    except DomainError:
        abort(404)
    if not may_read_statement(acting_user(), row.invoice.municipality):
        abort(403)
    return row


@bp.route("/invoicing/settings", methods=["GET", "POST"])
@admin_only
def settings() -> Any:
    current = invoicing_settings.current()
    form = InvoicingSettingsForm(obj=current)
    if form.validate_on_submit():
        try:
            invoicing_settings.update({name: form[name].data for name in invoicing_settings.FIELDS},
                                      actor=acting_user())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The invoicing settings were saved."), "success")
            return redirect(url_for("invoicing.settings"))
    status = 422 if form.is_submitted() and form.errors else 200
    return render_template("invoicing/settings.html", form=form), status


@bp.route("/invoices")
@readers
def index() -> Any:
    user = acting_user()
    closed = list(db.session.scalars(select(ClosedYear.year).order_by(ClosedYear.year.desc())))
    year = request.args.get("year", type=int)
    if year is None or not 1900 <= year <= 2100:
        year = closed[0] if closed else clock.today().year
    wide = _consortium_wide(user)
    rows = records.rows(year=year, municipality_id=None if wide else
                        (user.municipality_id if user else None))
    may_issue = may_change_consortium_figures(user)
    is_closed = years.closed(year) is not None
    return render_template(
        "invoicing/index.html", year=year, closed_years=closed, rows=rows, wide=wide,
        is_closed=is_closed, may_issue=may_issue,
        pending=issuing.pending(year) if may_issue and is_closed else None,
        issue_form=EmptyForm(formdata=None), today=clock.today(),
        may_ledger=wide and user is not None and user.role in (Role.ADMIN, Role.FINANCE,
                                                                Role.OBSERVER))


@bp.post("/invoices/<int:year>/issue")
@consortium_finance
def issue(year: int) -> Any:
    if not EmptyForm().validate_on_submit():
        abort(400)
    asked = confirmation(
        _("Issue invoices"), _("Issue the invoices of %(year)s?", year=year),
        _("Issue invoices"), url_for("invoicing.index", year=year),
        warning=_("Each municipality gets an invoice (or a credit note) with the next number. "
                  "An issued invoice never changes: it can only be credited."))
    if asked is not None:
        return asked
    try:
        done = issuing.issue(year, actor=acting_user())
    except DomainError as error:
        show_domain_error(None, error)
    else:
        if done.issued:
            flash(_("%(count)s invoices and credit notes were issued (%(first)s–%(last)s).",
                    count=len(done.issued), first=done.issued[0].number,
                    last=done.issued[-1].number), "success")
        else:
            flash(_("Nothing new to invoice: every municipality's invoice for %(year)s is "
                    "issued.", year=year), "info")
    return redirect(url_for("invoicing.index", year=year))


@bp.route("/invoices/<number>")
@readers
def detail(number: str) -> Any:
    row = readable_invoice(number)
    may_write = may_change_consortium_figures(acting_user())
    return render_template(
        "invoicing/detail.html", row=row, invoice=row.invoice,
        payments=records.payments_of(row.invoice), may_write=may_write,
        credit_form=CreditForm(formdata=None), payment_form=PaymentForm(
            formdata=None, data={"paid_on": clock.today()}),
        InvoiceKind=InvoiceKind, today=clock.today())


@bp.post("/invoices/<number>/credit")
@consortium_finance
def credit(number: str) -> Any:
    row = readable_invoice(number)
    form = CreditForm()
    if form.validate_on_submit():
        try:
            note = issuing.credit(row.invoice, form.reason.data, actor=acting_user())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Invoice %(number)s was credited by %(credit)s. A new invoice for the "
                    "municipality can now be issued.", number=number, credit=note.number),
                  "success")
            return redirect(url_for("invoicing.detail", number=note.number))
    return _detail_again(row, credit_form=form)


@bp.post("/invoices/<number>/payments")
@consortium_finance
def payment(number: str) -> Any:
    row = readable_invoice(number)
    form = PaymentForm()
    if form.validate_on_submit():
        try:
            amount = parse_form(form.amount.data)
        except MoneyError as error:
            show_domain_error(form, Invalid(str(error), {"amount": str(error)}))
        else:
            try:
                records.record_payment(number, form.paid_on.data, amount,
                                       form.reference.data or "", actor=acting_user())
            except DomainError as error:
                show_domain_error(form, error)
            else:
                flash(_("The payment was recorded."), "success")
                return redirect(url_for("invoicing.detail", number=number))
    return _detail_again(row, payment_form=form)


def _detail_again(row: records.InvoiceRow, **forms: Any) -> Any:
    return render_template(
        "invoicing/detail.html", row=row, invoice=row.invoice,
        payments=records.payments_of(row.invoice), may_write=True,
        credit_form=forms.get("credit_form", CreditForm(formdata=None)),
        payment_form=forms.get("payment_form", PaymentForm(formdata=None)),
        InvoiceKind=InvoiceKind, today=clock.today()), 422


@bp.route("/invoices/<number>.xml")
@readers
def xml(number: str) -> Any:
    return xml_response(readable_invoice(number).invoice)


@bp.route("/invoices/<int:year>/ledger.sie")
@roles(Role.ADMIN, Role.FINANCE, Role.OBSERVER)
def sie(year: int) -> Any:
    if not _consortium_wide(acting_user()):
        abort(403)
    return sie_response(year)
