"""Money at the edges: integer öre inside, "1250000.00" in the API, "1 250 000,00 kr" on pages."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal

_PLAIN = re.compile(r"^\d+(\.\d{1,2})?$")
MAX_ORE = 10**15  # ten thousand billion kronor: far above any budget, inside a 64-bit column


class MoneyError(ValueError):
    pass


def to_api(ore: int) -> str:
    """1250000 öre -> "12500.00" (SEK with two decimals, never a float)."""
    sign = "-" if ore < 0 else ""
    whole, cents = divmod(abs(ore), 100)
    return f"{sign}{whole}.{cents:02d}"


def parse_api(value: object) -> int:
    """A non-negative amount in SEK from the API: a decimal string ("1250000.00"), an integer,
    or a JSON number with at most two decimals. Returns öre."""
    if isinstance(value, bool):
        raise MoneyError("Give the amount in SEK as a decimal string, e.g. \"1250000.00\".")
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = repr(value)
        if "e" in text.lower():
            raise MoneyError("Give the amount in SEK as a decimal string, e.g. \"1250000.00\".")
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise MoneyError("Give the amount in SEK as a decimal string, e.g. \"1250000.00\".")
    if text.startswith("-"):
        raise MoneyError("The amount cannot be negative.")
    if text.endswith(".0") and isinstance(value, float):
        text = text[:-2]
    if not _PLAIN.match(text):
        raise MoneyError("Give the amount in SEK with at most two decimals, e.g. \"1250000.00\".")
    return _to_ore(text)


def parse_form(text: str) -> int:
    """An amount typed by a person: "1 250 000,50", "1250000.50", "1 250 000 kr". Returns öre."""
    cleaned = re.sub(r"[\s\u00a0\u202f]|kr|sek", "", text.strip().lower())
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if cleaned.startswith("-"):
        raise MoneyError("The amount cannot be negative.")
    if not _PLAIN.match(cleaned):
        raise MoneyError("Write the amount in kronor, e.g. 1 250 000 or 1 250 000,50.")
    return _to_ore(cleaned)


def _to_ore(text: str) -> int:
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise MoneyError("Not an amount.") from None
    ore = int(amount * 100)
    if ore > MAX_ORE:
        raise MoneyError("The amount is too large.")
    return ore


def format_sek(ore: int | None, locale: str = "sv") -> str:
    """For people: 1 250 000,00 kr (sv) or SEK 1,250,000.00 (en)."""
    if ore is None:
        return ""
    return sek_formatter(locale)(ore)


def _babel_sek(ore: int, locale: str) -> str:
    return format_currency(Decimal(ore) / 100, "SEK", locale=locale)


@functools.lru_cache(maxsize=16)
def sek_formatter(locale: str) -> Callable[[int], str]:
    """A formatter of öre as the locale writes kronor, built once per locale: Babel formats
    two probes, and their signs, digit groups and decimal mark are reused for every amount
    (Babel itself per amount costs ~60 µs; a page of 650 municipalities x 4 columns has
    thousands). Where the probes do not fit this simple shape, Babel is used for each."""
    probes = {sign: _babel_sek(sign * 123_456_789, locale) for sign in (1, -1)}
    shapes = {}
    for sign, text in probes.items():
        match = re.fullmatch(r"(\D*?)1(\D)234(\D)567(\D)89(\D*)", text)
        if match is None or match.group(2) != match.group(3):
            return lambda ore: _babel_sek(ore, locale)
        shapes[sign] = match.groups()
    (prefix, group, _same, mark, suffix) = shapes[1]
    (negative_prefix, _g, _s, _m, negative_suffix) = shapes[-1]

    def format_ore(ore: int) -> str:
        whole, cents = divmod(abs(ore), 100)
        digits = f"{whole:,}".replace(",", group)
        if ore < 0:
            return f"{negative_prefix}{digits}{mark}{cents:02d}{negative_suffix}"
        return f"{prefix}{digits}{mark}{cents:02d}{suffix}"

    return format_ore


@functools.lru_cache(maxsize=16)
def integer_formatter(locale: str) -> Callable[[int], str]:
    """A formatter of whole numbers (population, counts) as the locale writes them, built once
    per locale like `sek_formatter`; Babel for each number where the probe does not fit."""
    probes = {sign: format_decimal(sign * 1_234_567, locale=locale) for sign in (1, -1)}
    shapes = {}
    for sign, text in probes.items():
        match = re.fullmatch(r"(\D*?)1(\D)234(\D)567(\D*)", text)
        if match is None or match.group(2) != match.group(3):
            return lambda value: format_decimal(value, locale=locale)
        shapes[sign] = match.groups()
    (prefix, group, _same, suffix) = shapes[1]
    (negative_prefix, _g, _s, negative_suffix) = shapes[-1]

    def format_integer(value: int) -> str:
        digits = f"{abs(value):,}".replace(",", group)
        if value < 0:
            return f"{negative_prefix}{digits}{negative_suffix}"
        return f"{prefix}{digits}{suffix}"

    return format_integer
