"""Allocation keys: read from API and form data, stored on a budget and read back, and
written out as JSON. A key typed as a decimal comes back as that decimal."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from flask_babel import gettext as _

from consortium.costs.allocation import AllocationError, Band, Key, Method, check_key
from consortium.costs.models import Budget, KeyMethod
from consortium.errors import Invalid
from consortium.members.validation import year_error


def key_from_data(data: dict[str, Any]) -> Key:
    """A key from API or form data: {method, population_year?, base_share?, bands?}."""
    errors: dict[str, str] = {}
    try:
        method = Method(str(data.get("method")))
    except ValueError:
        raise Invalid(_("Unknown allocation key."), {"key.method": _(
            "Must be one of equal, per_capita, base_plus_per_capita, tiered, usage.")}) from None
    population_year = data.get("population_year")
    if population_year is not None and (message := year_error(population_year)):
        errors["key.population_year"] = message
    base_share = None
    if method is Method.BASE_PLUS_PER_CAPITA:
        raw = data.get("base_share")
        base_share = plain_fraction(raw) if raw is not None and str(raw).strip() else None
        if base_share is None or not 0 <= base_share <= 1:
            errors["key.base_share"] = _("Give the base share as a decimal between 0 and 1, "
                                         "e.g. 0.3.")
    bands: list[Band] = []
    if method is Method.TIERED:
        raw_bands = data.get("bands") or []
        for index, band in enumerate(raw_bands):
            try:
                up_to = band.get("up_to")
                if up_to is not None and (isinstance(up_to, bool) or not isinstance(up_to, int)
                                          or up_to < 0):
                    raise ValueError
                weight = plain_fraction(band.get("weight"))
                if weight is None or weight < 0:
                    raise ValueError
                bands.append(Band(up_to, weight))
            except (ValueError, ZeroDivisionError, AttributeError, TypeError):
                errors[f"key.bands.{index}"] = _("Each band needs up_to (a whole number, or "
                                                 "null for the last) and a weight such as "
                                                 "\"2\".")
        if not raw_bands:
            errors["key.bands"] = _("A tiered key needs at least one band.")
    if errors:
        raise Invalid(_("The allocation key is not valid."), errors)
    key = Key(method, population_year, base_share, tuple(bands))
    try:
        check_key(key)
    except AllocationError as error:
        raise Invalid(str(error), {"key.bands" if method is Method.TIERED else "key": str(error)}
                      ) from None
    return key


def key_of(budget: Budget) -> Key:
    return Key(
        Method(budget.key_method.value), budget.key_population_year,
        Fraction(budget.key_base_share) if budget.key_base_share is not None else None,
        tuple(Band(b["up_to"], Fraction(b["weight"])) for b in budget.key_bands or []))


def key_json(key: Key) -> dict[str, Any]:
    data: dict[str, Any] = {"method": key.method.value}
    if key.population_year is not None:
        data["population_year"] = key.population_year
    if key.base_share is not None:
        data["base_share"] = decimal_text(key.base_share)
    if key.bands:
        data["bands"] = [{"up_to": b.up_to, "weight": decimal_text(b.weight)} for b in key.bands]
    return data


# A decimal ("0.3", "12.5") or a fraction ("1/3") of sensible size: no exponent, so that
# "1e-999999" is refused here rather than making a number too long to print.
_PLAIN = re.compile(r"^\s*(\d{1,15}(\.\d{1,12})?|\d{1,15}/[1-9]\d{0,14})\s*$")


def plain_fraction(raw: object) -> Fraction | None:
    """The value of a weight or share as typed, or None when it is not a plain number."""
    text = str(raw)
    return Fraction(text.strip()) if _PLAIN.match(text) else None


def decimal_text(value: Fraction) -> str:
    """A fraction typed as a decimal comes back as that decimal; others as p/q."""
    for places in range(0, 13):
        scaled = value * 10 ** places
        if scaled.denominator == 1:
            text = str(abs(scaled.numerator)).rjust(places + 1, "0")
            whole, part = text[:len(text) - places] or "0", text[len(text) - places:]
            sign = "-" if value < 0 else ""
            return f"{sign}{whole}.{part}" if places else f"{sign}{whole}"
    return f"{value.numerator}/{value.denominator}"


def store_key(budget: Budget, key: Key) -> None:
    budget.key_method = KeyMethod(key.method.value)
    budget.key_population_year = key.population_year
    budget.key_base_share = decimal_text(key.base_share) if key.base_share is not None else None
    budget.key_bands = [{"up_to": b.up_to, "weight": decimal_text(b.weight)} for b in key.bands] \
        or None
