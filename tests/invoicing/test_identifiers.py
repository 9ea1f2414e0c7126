"""The identifiers of an invoice, checked with tables of right and wrong values."""

from __future__ import annotations

import pytest

from consortium.invoicing import identifiers as ids


@pytest.mark.parametrize(("number", "ocr"), [
    # worked by hand: every second digit from the right doubled (digits of 10+ summed)
    ("2027-0001", "202700019"), ("2027-0002", "202700027"), ("2027-0123", "202701231"),
    ("2030-9999", "203099999"),
])
def test_ocr_is_the_digits_and_a_luhn_check_digit(number, ocr):
    assert ids.ocr(number) == ocr
    assert ids.luhn.is_valid(ocr)


@pytest.mark.parametrize(("text", "country", "ok"), [
    ("212000-0142", "SE", True),   # a Swedish public body's number (Luhn holds)
    ("2120000142", "SE", True),
    ("212000-0143", "SE", False),  # a wrong check digit
    ("21200001", "SE", False),
    ("974760673", "NO", True),     # Norway: nine digits, mod 11
    ("974760674", "NO", False),
])
def test_organisation_numbers(text, country, ok):
    assert (ids.org_number_error(text, country) is None) is ok


@pytest.mark.parametrize(("text", "country", "ok"), [
    ("SE212000014201", "SE", True), ("SE 2120000142 01", "SE", True),
    ("SE212000014202", "SE", False), ("212000014201", "SE", False),
    ("SE212000014301", "SE", False), ("NO974760673MVA", "NO", True),
    ("NO974760673", "NO", False),
])
def test_vat_numbers(text, country, ok):
    assert (ids.vat_number_error(text, country) is None) is ok


def test_the_vat_number_and_peppol_id_that_go_with_an_organisation_number():
    assert ids.vat_number_for("212000-0142") == "SE212000014201"
    assert ids.vat_number_for("974760673", "NO") == "NO974760673MVA"
    assert ids.peppol_id_for("212000-0142") == "0007:2120000142"
    assert ids.peppol_id_for("974760673", "NO") == "0192:974760673"
    assert ids.peppol_id_error("0007:2120000142") is None
    assert ids.peppol_id_error("0192:2120000142") is not None  # Norway's scheme in Sweden
    assert ids.peppol_id_error("0007:2120000143") is not None


@pytest.mark.parametrize(("check", "text", "ok"), [
    (ids.bankgiro_error, "5050-1055", True), (ids.bankgiro_error, "5050-1056", False),
    (ids.bankgiro_error, "123", False), (ids.plusgiro_error, "12 34 56-6", True),
    (ids.plusgiro_error, "12 34 56-7", False),
    (ids.iban_error, "SE45 5000 0000 0583 9825 7466", True),
    (ids.iban_error, "SE45 5000 0000 0583 9825 7467", False),
    (ids.bic_error, "ESSESESS", True), (ids.bic_error, "ESSE", False),
])
def test_giro_numbers_iban_and_bic(check, text, ok):
    assert (check(text) is None) is ok
