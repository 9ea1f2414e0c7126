"""The identifiers an invoice carries, checked as the banks and tax agencies check them:
organisation numbers (Luhn), VAT numbers (SE + the ten digits + 01; NO + nine digits + MVA),
bankgiro and plusgiro numbers (Luhn), IBAN and BIC, Peppol participant ids (0007: Sweden's
organisation number, 0192: Norway's), and the OCR payment reference of an invoice number (its
digits and a Luhn check digit). Pure: no Flask, no database; python-stdnum does the checking.

Each `…_error` returns None when the value is right, else why not (in English: the forms and
the API translate where they show it)."""

from __future__ import annotations

import re

from stdnum import bic, iban, luhn
from stdnum.exceptions import ValidationError
from stdnum.no import mva as no_vat
from stdnum.no import orgnr as no_orgnr
from stdnum.se import orgnr as se_orgnr
from stdnum.se import vat as se_vat

_DIGITS = re.compile(r"\D")


def digits(text: str) -> str:
    return _DIGITS.sub("", text or "")


def org_number_error(text: str, country: str = "SE") -> str | None:
    try:
        (no_orgnr if country == "NO" else se_orgnr).validate(text)
    except ValidationError:
        return ("Not an organisation number: nine digits (Norway)" if country == "NO"
                else "Not an organisation number: ten digits with a valid check digit")
    return None


def org_number(text: str, country: str = "SE") -> str:
    """The compact form (digits only) of a valid organisation number."""
    return (no_orgnr if country == "NO" else se_orgnr).compact(text)


def org_number_shown(number: str, country: str = "SE") -> str:
    """An organisation number as people write it: 556677-8899 in Sweden, the nine digits in
    Norway."""
    number = digits(number)
    return f"{number[:6]}-{number[6:]}" if country == "SE" and len(number) == 10 else number


def vat_number_error(text: str, country: str = "SE") -> str | None:
    try:
        if country == "NO":
            no_vat.validate(text)
        else:
            if not re.fullmatch(r"SE\d{10}01", re.sub(r"[\s-]", "", text or "").upper()):
                raise ValidationError
            se_vat.validate(text)
    except ValidationError:
        return ("Not a VAT number: NO, the nine digits and MVA" if country == "NO"
                else "Not a VAT number: SE, the ten digits of the organisation number and 01")
    return None


def vat_number_for(org: str, country: str = "SE") -> str:
    """The VAT number that goes with an organisation number."""
    return f"NO{digits(org)}MVA" if country == "NO" else f"SE{digits(org)}01"


def _giro_error(text: str, lengths: range, name: str) -> str | None:
    number = digits(text)
    if len(number) not in lengths or not luhn.is_valid(number):
        return f"Not a {name} number: {lengths.start}-{lengths.stop - 1} digits with a check digit"
    return None


def bankgiro_error(text: str) -> str | None:
    return _giro_error(text, range(7, 9), "bankgiro")


def plusgiro_error(text: str) -> str | None:
    return _giro_error(text, range(2, 9), "plusgiro")


def iban_error(text: str) -> str | None:
    try:
        iban.validate(text)
    except ValidationError:
        return "Not an IBAN"
    return None


def bic_error(text: str) -> str | None:
    try:
        bic.validate(text)
    except ValidationError:
        return "Not a BIC: 8 or 11 letters and digits"
    return None


def peppol_id_for(org: str, country: str = "SE") -> str:
    """The default Peppol participant id: the organisation number under its scheme."""
    return f"{'0192' if country == 'NO' else '0007'}:{digits(org)}"


def peppol_id_error(text: str, country: str = "SE") -> str | None:
    scheme, _sep, number = (text or "").partition(":")
    wanted = "0192" if country == "NO" else "0007"
    if scheme != wanted or org_number_error(number, country) is not None:
        return f"Not a Peppol id: {wanted}: and the organisation number"
    return None


def ocr(invoice_number: str) -> str:
    """The OCR payment reference of an invoice number (2027-0001 → 202700015): its digits and
    a Luhn check digit, as Swedish banks check it."""
    number = digits(invoice_number)
    if not number:
        raise ValueError("An invoice number has digits.")
    return number + luhn.calc_check_digit(number)
