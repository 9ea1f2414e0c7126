"""Amounts and numbers on pages are formatted by a formatter built once per locale; it writes
exactly what Babel writes for every amount."""

from __future__ import annotations

from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from consortium.money import _babel_sek, format_sek, integer_formatter, sek_formatter


def test_swedish_and_english_amounts():
    assert format_sek(125_000_050, "sv") == "1\xa0250\xa0000,50\xa0kr"
    assert format_sek(125_000_050, "en") == "SEK1,250,000.50"
    assert format_sek(-5, "sv") == "-0,05\xa0kr"
    assert format_sek(None) == ""


@settings(max_examples=300, deadline=None)
@given(ore=st.integers(min_value=-10**15, max_value=10**15),
       locale=st.sampled_from(["sv", "en", "sv_SE", "en_GB", "nb", "de"]))
def test_the_fast_formatter_writes_what_babel_writes(ore, locale):
    assert sek_formatter(locale)(ore) == _babel_sek(ore, locale)


@settings(max_examples=300, deadline=None)
@given(value=st.integers(min_value=-10**12, max_value=10**12),
       locale=st.sampled_from(["sv", "en", "sv_SE", "en_GB", "nb", "de"]))
def test_the_fast_integer_formatter_writes_what_babel_writes(value, locale):
    assert integer_formatter(locale)(value) == format_decimal(value, locale=locale)


def test_swedish_and_english_numbers():
    assert integer_formatter("sv")(1_234_567) == "1\xa0234\xa0567"
    assert integer_formatter("en")(1_234_567) == "1,234,567"
    assert integer_formatter("sv")(999) == "999"
