"""The consortium's invoicing settings through the API: identifiers checked, defaults from the
organisation number, a refusal names every field and writes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from consortium import db
from consortium.auth.models import Role
from consortium.invoicing.models import InvoicingSettings
from tests.conftest import bearer

GOOD = {"legal_name": "Sambruk ekonomisk förening", "org_number": "212000-0142",
        "f_skatt": True, "address": {"street": "Box 1", "postcode": "111 11",
                                     "city": "Stockholm"},
        "bankgiro": "5050-1055", "payment_terms_days": 30, "fee_vat_category": "O",
        "fee_vat_exemption_reason": "Not subject to VAT"}


def test_the_office_sets_the_invoicing_settings_and_gets_the_defaults(client, api_token):
    admin = bearer(api_token(Role.ADMIN))
    empty = client.get("/api/v1/settings/invoicing", headers=admin).json
    assert empty["legal_name"] == "" and empty["accounts"]["receivable"] == "1510"
    saved = client.put("/api/v1/settings/invoicing", headers=admin, json=GOOD)
    assert saved.status_code == 200, saved.json
    assert saved.json["org_number"] == "2120000142"
    assert saved.json["vat_number"] == "SE212000014201"
    assert saved.json["peppol_id"] == "0007:2120000142"
    assert saved.json["accounts"] == {"receivable": "1510", "vat_output": "2611",
                                      "bank": "1930", "fees_revenue": "3010"}
    assert client.get("/api/v1/settings/invoicing", headers=admin).json == saved.json


def test_bad_identifiers_are_named_and_nothing_is_written(client, api_token):
    admin = bearer(api_token(Role.ADMIN))
    bad = client.put("/api/v1/settings/invoicing", headers=admin, json={
        **GOOD, "org_number": "212000-0143", "bankgiro": "5050-1056", "iban": "SE45 1",
        "peppol_id": "0192:2120000142", "accounts": {"bank": "19300"}})
    assert bad.status_code == 422
    fields = bad.json["error"]["fields"]
    assert set(fields) >= {"org_number", "bankgiro", "iban", "bic", "account_bank"}
    assert db.session.scalar(select(func.count()).select_from(InvoicingSettings)) == 0
    no_way_to_be_paid = client.put("/api/v1/settings/invoicing", headers=admin,
                                   json={**GOOD, "bankgiro": ""})
    assert no_way_to_be_paid.status_code == 422
    assert "bankgiro" in no_way_to_be_paid.json["error"]["fields"]


def test_only_the_office_reads_and_changes_them(client, api_token):
    finance = bearer(api_token(Role.FINANCE))
    assert client.get("/api/v1/settings/invoicing", headers=finance).status_code == 403
    assert client.put("/api/v1/settings/invoicing", headers=finance,
                      json=GOOD).status_code == 403
