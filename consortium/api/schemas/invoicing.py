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
    accounts = f.Nested(Accounts)
