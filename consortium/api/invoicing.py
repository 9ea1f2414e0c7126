"""API: the invoicing settings, issuing, the invoices and credit notes with their UBL and PDF,
payments and the SIE ledger (SPEC "Invoicing and the ledger")."""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, url_for
from sqlalchemy import select

from consortium import db
from consortium.api import bp
from consortium.api.schemas import invoicing as s
from consortium.api.spec import answer, operation
from consortium.auth.access import (
    acting_user,
    admin_only,
    consortium_finance,
    readers,
    require_user,
    roles,
)
from consortium.auth.models import Role
from consortium.costs.statements import may_read_statement
from consortium.documents import pdfs
from consortium.errors import Invalid
from consortium.invoicing import issuing, records, settings
from consortium.invoicing.models import InvoicingSettings, Payment
from consortium.invoicing.views import sie_response, xml_response
from consortium.members.models import Municipality
from consortium.money import MoneyError, parse_api, to_api

TAGS = ["Invoicing"]


def settings_json(found: InvoicingSettings) -> dict[str, Any]:
    return s.InvoicingSettings().dump({
        "legal_name": found.legal_name, "org_number": found.org_number,
        "vat_number": found.vat_number, "f_skatt": found.f_skatt,
        "address": {"street": found.street, "postcode": found.postcode, "city": found.city},
        "bankgiro": found.bankgiro, "plusgiro": found.plusgiro, "iban": found.iban,
        "bic": found.bic, "peppol_id": found.peppol_id,
        "payment_terms_days": found.payment_terms_days,
        "fee_vat_category": found.fee_vat_category,
        "fee_vat_exemption_reason": found.fee_vat_exemption_reason,
        "accounts": {"receivable": found.account_receivable,
                     "vat_output": found.account_vat_output, "bank": found.account_bank,
                     "fees_revenue": found.account_fees_revenue}})


@bp.get("/settings/invoicing")
@admin_only
@operation("The consortium's invoicing settings", tags=TAGS, response=s.InvoicingSettings)
def get_invoicing_settings() -> Any:
    return jsonify(settings_json(settings.current()))


@bp.put("/settings/invoicing")
@admin_only
@operation("Change the invoicing settings (each identifier is checked; the VAT number and "
           "Peppol id default from the organisation number)", tags=TAGS,
           body=s.InvoicingSettings, response=s.InvoicingSettings)
def put_invoicing_settings(data: dict[str, Any]) -> Any:
    flat = {key: value for key, value in data.items() if key not in ("address", "accounts")}
    flat |= data.get("address", {})
    flat |= {f"account_{key}": value for key, value in data.get("accounts", {}).items()}
    return jsonify(settings_json(settings.update(flat, actor=require_user())))


def invoice_json(row: records.InvoiceRow, payments: list[Payment] | None = None
                 ) -> dict[str, Any]:
    invoice = row.invoice
    return s.InvoiceOut().dump({
        "number": invoice.number, "kind": invoice.kind.value,
        "municipality": invoice.buyer["code"], "year": invoice.year,
        "issue_date": invoice.issue_date, "due_date": invoice.due_date, "ocr": invoice.ocr,
        "buyer_reference": invoice.buyer_reference, "currency": invoice.currency,
        "lines": [{"text": line.text, "amount": to_api(line.amount),
                   "vat_category": line.vat_category, "vat_rate": line.vat_rate}
                  for line in invoice.lines],
        "net": to_api(invoice.net), "vat": to_api(invoice.vat),
        "payable": to_api(invoice.payable), "paid": to_api(row.paid), "status": row.status,
        "credits": row.credits, "credited_by": row.credited_by, "reason": invoice.reason,
        "sha256": invoice.xml_sha256,
        "payments": [{"paid_on": p.paid_on, "amount": to_api(p.amount),
                      "reference": p.reference} for p in payments or []]})


def _readable(number: str) -> records.InvoiceRow:
    """The invoice if the user may read it: a municipality's users read their own only."""
    row = records.one(number)
    if not may_read_statement(acting_user(), row.invoice.municipality):
        abort(403)
    return row


@bp.post("/years/<int:year>/invoices")
@consortium_finance
@operation("Issue the closed year's invoices and credit notes (nothing twice)", tags=TAGS,
           response=s.IssuedOut, status=201, extra_status=[200, 409, 422])
def issue_invoices(year: int) -> Any:
    done = issuing.issue(year, actor=require_user())
    return answer({"issued": [i.number for i in done.issued],
                   "existing": [i.number for i in done.existing]},
                  201 if done.issued else 200)


@bp.get("/invoices")
@readers
@operation("Invoices and credit notes (a municipality's users see their own)", tags=TAGS,
           query=s.InvoiceQuery, response=s.InvoiceOut, many=True)
def list_invoices(args: dict[str, Any]) -> Any:
    user = require_user()
    municipality_id = None
    if args.get("municipality"):
        # a filter: an unknown code selects nothing
        municipality_id = db.session.scalar(select(Municipality.id).where(
            Municipality.code == args["municipality"])) or -1
    if user.municipality_id is not None:
        if municipality_id not in (None, user.municipality_id):
            abort(403)
        municipality_id = user.municipality_id
    found = records.rows(year=args.get("year"), municipality_id=municipality_id,
                         with_lines=True)
    return jsonify([invoice_json(row) for row in found])


@bp.get("/invoices/<number>")
@readers
@operation("One invoice or credit note, with its payments", tags=TAGS, response=s.InvoiceOut)
def get_invoice(number: str) -> Any:
    row = _readable(number)
    return jsonify(invoice_json(row, records.payments_of(row.invoice)))


@bp.get("/invoices/<number>.xml")
@readers
@operation("The Peppol BIS Billing 3.0 document (UBL 2.1)", tags=TAGS,
           content_type="application/xml")
def invoice_xml(number: str) -> Any:
    return xml_response(_readable(number).invoice)


@bp.get("/invoices/<number>.pdf")
@readers
@operation("The invoice or credit note as PDF (in the reader's language)", tags=TAGS,
           content_type="application/pdf")
def invoice_pdf(number: str) -> Any:
    row = _readable(number)
    content, digest = pdfs.invoice_pdf(row)
    return pdfs.pdf_response(content, pdfs.invoice_filename(row), digest)


@bp.post("/invoices/<number>/credit")
@consortium_finance
@operation("Credit an invoice whole with a credit note that references it", tags=TAGS,
           body=s.CreditIn, response=s.InvoiceOut, status=201, extra_status=[409])
def credit_invoice(number: str, data: dict[str, Any]) -> Any:
    note = issuing.credit(records.one(number).invoice, data["reason"], actor=require_user())
    return answer(invoice_json(records.one(note.number)), 201,
                  url_for("api.get_invoice", number=note.number))


@bp.post("/invoices/<number>/payments")
@consortium_finance
@operation("Record a payment received on an invoice", tags=TAGS, body=s.PaymentIn,
           response=s.InvoiceOut, status=201, extra_status=[409])
def record_payment(number: str, data: dict[str, Any]) -> Any:
    try:
        amount = parse_api(data["amount"])
    except MoneyError as error:
        raise Invalid(str(error), {"amount": str(error)}) from None
    records.record_payment(number, data["paid_on"], amount, data.get("reference", ""),
                           actor=require_user())
    row = records.one(number)
    return answer(invoice_json(row, records.payments_of(row.invoice)), 201)


@bp.get("/years/<int:year>/ledger.sie")
@roles(Role.ADMIN, Role.FINANCE, Role.OBSERVER)
@operation("The year's invoices, credit notes and payments as SIE 4 (code page 437)",
           tags=TAGS, content_type="text/plain")
def ledger_sie(year: int) -> Any:
    if require_user().municipality_id is not None:
        abort(403)
    return sie_response(year)
