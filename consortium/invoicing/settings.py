"""Reading and changing the invoicing settings: each identifier checked as the banks and the
tax agencies check it (identifiers.py); a refused change names every field and writes
nothing."""

from __future__ import annotations

from typing import Any

from consortium import db
from consortium.audit.service import record, snapshot
from consortium.auth.models import User
from consortium.db import app_config
from consortium.errors import Invalid
from consortium.invoicing import identifiers as ids
from consortium.invoicing.models import InvoicingSettings

FIELDS = ("legal_name", "org_number", "vat_number", "f_skatt", "street", "postcode", "city",
          "bankgiro", "plusgiro", "iban", "bic", "peppol_id", "payment_terms_days",
          "fee_vat_category", "fee_vat_exemption_reason", "account_receivable",
          "account_vat_output", "account_bank", "account_fees_revenue")
VAT_CATEGORIES = ("S", "E", "O")  # standard 25 %, exempt, outside the scope


def current() -> InvoicingSettings:
    """The settings as they stand (an empty row until the office fills them in)."""
    return db.session.get(InvoicingSettings, 1) or InvoicingSettings(id=1, **{
        name: column.default.arg for name, column in InvoicingSettings.__table__.c.items()
        if column.default is not None and not callable(column.default.arg)})


def update(data: dict[str, Any], *, actor: User | None = None,
           actor_label: str | None = None) -> InvoicingSettings:
    country = app_config()["COUNTRY"]
    values = {key: data[key] for key in FIELDS if key in data}
    for key, value in values.items():
        if isinstance(value, str):
            values[key] = value.strip()
    errors: dict[str, str] = {}
    merged = {key: getattr(current(), key) for key in FIELDS} | values
    if not merged["legal_name"]:
        errors["legal_name"] = "Give the consortium's legal name."
    if problem := ids.org_number_error(merged["org_number"], country):
        errors["org_number"] = problem
    elif not merged["vat_number"]:
        values["vat_number"] = merged["vat_number"] = ids.vat_number_for(
            merged["org_number"], country)
    if merged["vat_number"] and (problem := ids.vat_number_error(merged["vat_number"], country)):
        errors["vat_number"] = problem
    elif merged["vat_number"] and not errors.get("org_number") and \
            ids.digits(merged["vat_number"])[:len(ids.digits(merged["org_number"]))] != \
            ids.digits(merged["org_number"]):
        errors["vat_number"] = "The VAT number must hold the organisation number."
    checks = {"bankgiro": ids.bankgiro_error, "plusgiro": ids.plusgiro_error,
              "iban": ids.iban_error, "bic": ids.bic_error}
    for key, check in checks.items():
        if merged[key] and (problem := check(merged[key])):
            errors[key] = problem
    if not (merged["bankgiro"] or merged["plusgiro"] or merged["iban"]):
        errors["bankgiro"] = "Give a bankgiro, a plusgiro or an IBAN to be paid to."
    if merged["iban"] and not merged["bic"]:
        errors["bic"] = "An IBAN needs its BIC."
    if not errors.get("org_number"):
        if not merged["peppol_id"]:
            values["peppol_id"] = ids.peppol_id_for(merged["org_number"], country)
        elif problem := ids.peppol_id_error(merged["peppol_id"], country):
            errors["peppol_id"] = problem
    if not 0 <= int(merged["payment_terms_days"]) <= 365:
        errors["payment_terms_days"] = "From 0 to 365 days."
    if merged["fee_vat_category"] not in VAT_CATEGORIES:
        errors["fee_vat_category"] = "S (25 %), E (exempt) or O (outside the scope of VAT)."
    elif merged["fee_vat_category"] in ("E", "O") and not merged["fee_vat_exemption_reason"]:
        errors["fee_vat_exemption_reason"] = ("Give the reason the fee is exempt or outside "
                                              "the scope of VAT.")
    for key in ("account_receivable", "account_vat_output", "account_bank",
                "account_fees_revenue"):
        if not str(merged[key]).isdigit() or len(str(merged[key])) != 4:
            errors[key] = "An account of the BAS chart: four digits."
    if errors:
        raise Invalid("The invoicing settings could not be saved.", errors)
    found = db.session.get(InvoicingSettings, 1)
    before = snapshot(found, *FIELDS) if found is not None else None
    if found is None:
        found = current()
        db.session.add(found)
    for key, value in values.items():
        setattr(found, key, value)
    if "org_number" in values:
        found.org_number = ids.org_number(values["org_number"], country)
    db.session.flush()
    record("invoicing.settings", "invoicing_settings", 1, before=before,
           after=snapshot(found, *FIELDS), actor=actor, actor_label=actor_label)
    return found
