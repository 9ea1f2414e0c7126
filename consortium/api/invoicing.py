"""API: the consortium's invoicing settings (SPEC "Invoicing and the ledger")."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from consortium.api import bp
from consortium.api.schemas import invoicing as s
from consortium.api.spec import operation
from consortium.auth.access import admin_only, require_user
from consortium.invoicing import settings
from consortium.invoicing.models import InvoicingSettings

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
