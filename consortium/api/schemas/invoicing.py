"""Schemas of the invoicing API."""

from __future__ import annotations

from marshmallow import Schema, validate
from marshmallow import fields as f


def _text(length: int) -> f.String:
    return f.String(validate=validate.Length(max=length))


class Address(Schema):
    street = _text(200)
    postcode = _text(20)
    city = _text(100)


class Accounts(Schema):
    receivable = _text(10)
    vat_output = _text(10)
    bank = _text(10)
    fees_revenue = _text(10)


class InvoicingSettings(Schema):
    legal_name = _text(200)
    org_number = _text(20)
    vat_number = _text(20)
    f_skatt = f.Boolean()
    address = f.Nested(Address)
    bankgiro = _text(20)
    plusgiro = _text(20)
    iban = _text(40)
    bic = _text(11)
    peppol_id = _text(40)
    payment_terms_days = f.Integer(strict=True, validate=validate.Range(0, 365))
    fee_vat_category = f.String(validate=validate.OneOf(("S", "E", "O")))
    fee_vat_exemption_reason = _text(300)
    accounts = f.Nested(Accounts)


class IssuedOut(Schema):
    issued = f.List(f.String(), metadata={"description": "Numbers issued by this call"})
    existing = f.List(f.String(), metadata={"description": "Numbers that stood already"})


class InvoiceLineOut(Schema):
    text = f.String()
    amount = f.String(metadata={"example": "976383.41"})
    vat_category = f.String(metadata={"enum": ["S", "E", "O"]})
    vat_rate = f.Integer(allow_none=True)


class PaymentOut(Schema):
    paid_on = f.Date()
    amount = f.String()
    reference = f.String()


class InvoiceOut(Schema):
    number = f.String(metadata={"example": "2027-0001"})
    kind = f.String(metadata={"enum": ["invoice", "credit_note"]})
    municipality = f.String(metadata={"description": "kommunkod"})
    year = f.Integer()
    issue_date = f.Date()
    due_date = f.Date(allow_none=True)
    ocr = f.String()
    buyer_reference = f.String()
    currency = f.String()
    lines = f.List(f.Nested(InvoiceLineOut))
    net = f.String()
    vat = f.String()
    payable = f.String()
    paid = f.String()
    status = f.String(metadata={"enum": ["issued", "partly_paid", "paid", "credited"]})
    credits = f.String(allow_none=True, metadata={
        "description": "A credit note: the number of the invoice it credits"})
    credited_by = f.String(allow_none=True)
    reason = f.String(allow_none=True)
    sha256 = f.String(metadata={"description": "SHA-256 of the UBL document"})
    payments = f.List(f.Nested(PaymentOut))


class InvoiceQuery(Schema):
    year = f.Integer(validate=validate.Range(1900, 2100))
    municipality = f.String(validate=validate.Regexp(r"^\d{4}$"))


class CreditIn(Schema):
    reason = f.String(required=True, validate=validate.Length(min=1, max=500))


class PaymentIn(Schema):
    paid_on = f.Date(required=True)
    amount = f.Raw(required=True, metadata={"type": "string", "example": "1250.00"})
    reference = f.String(load_default="", validate=validate.Length(max=100))
