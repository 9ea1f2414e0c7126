"""A closed 2026 ready to invoice: Provisum shared by Stockholm (a member, who also pays the
membership fee), Laxå and Katrineholm (from 1 July), with the consortium's settings and each
municipality's invoicing data filled in through the API."""

from __future__ import annotations

from typing import Any

import pytest
from stdnum import luhn

from tests.costs.test_closing import closed_2026  # noqa: F401  (the fixture)
from tests.costs.test_costs_api import setup  # noqa: F401  (the fixture)

SETTINGS = {"legal_name": "Sambruk ekonomisk förening", "org_number": "769600-0004",
            "f_skatt": True, "address": {"street": "Drottninggatan 1", "postcode": "111 51",
                                         "city": "Stockholm"},
            "bankgiro": "5050-1055", "payment_terms_days": 30, "fee_vat_category": "E",
            "fee_vat_exemption_reason": "Medlemsavgift, undantagen från skatteplikt"}


def org_number(code: str) -> str:
    """A made-up organisation number with a valid check digit (212000 + the code)."""
    digits = "212000" + code[1:]
    return digits + luhn.calc_check_digit(digits)


def fill_in(client: Any, admin: dict[str, str], codes: tuple[str, ...] = ("0180", "0483",
                                                                         "1860")) -> None:
    assert client.put("/api/v1/settings/invoicing", headers=admin,
                      json=SETTINGS).status_code == 200
    for code in codes:
        patched = client.patch(f"/api/v1/municipalities/{code}", headers=admin, json={
            "org_number": org_number(code), "invoice_reference": f"Ref {code}",
            "address": {"street": "Kommunhuset", "postcode": "123 45", "city": "Ort"}})
        assert patched.status_code == 200, patched.json


@pytest.fixture
def ready(client, closed_2026):  # noqa: F811
    fill_in(client, closed_2026["admin"])
    return closed_2026
