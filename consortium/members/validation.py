"""Checks of municipality data shared by forms, the API and the CSV import."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.no import orgnr as no_orgnr
from stdnum.se import orgnr as se_orgnr

CODE_RE = re.compile(r"^\d{4}$")
MIN_YEAR, MAX_YEAR = 1900, 2100
MAX_POPULATION = 100_000_000  # no municipality comes near; keeps figures in a 32-bit column


def code_error(code: str) -> str | None:
    if not CODE_RE.match(code or ""):
        return _("The municipality code (kommunkod) must be exactly four digits, e.g. 0180.")
    return None


def normalise_org_number(value: str, country: str) -> str:
    """Return the organisation number in its standard form, or raise ValueError."""
    module = no_orgnr if country == "NO" else se_orgnr
    try:
        return module.format(module.validate(value))
    except stdnum_errors.ValidationError:
        raise ValueError(_("The organisation number is not valid "
                           "(check the digits and the check digit).")) from None


def normalise_peppol_id(value: str, country: str) -> str:
    """A municipality's Peppol participant id: the scheme of its country's organisation
    numbers (0007 Sweden, 0192 Norway), a colon and a valid organisation number; digits only
    after the colon. Raises ValueError otherwise."""
    scheme, _sep, number = value.strip().partition(":")
    wanted = "0192" if country == "NO" else "0007"
    module = no_orgnr if country == "NO" else se_orgnr
    try:
        if scheme == wanted:
            return f"{wanted}:{module.compact(module.validate(number))}"
    except stdnum_errors.ValidationError:
        pass
    raise ValueError(_("A Peppol id is %(scheme)s: and the organisation number, e.g. "
                       "%(scheme)s:%(example)s.", scheme=wanted,
                       example="974760673" if country == "NO" else "2120000142"))


def year_error(year: int) -> str | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return _("The year must be between %(low)s and %(high)s.", low=MIN_YEAR, high=MAX_YEAR)
    return None


def population_error(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return _("The population must be a whole number.")
    if value < 0:
        return _("The population cannot be negative.")
    if value > MAX_POPULATION:
        return _("The population cannot exceed %(max)s.", max=MAX_POPULATION)
    return None
