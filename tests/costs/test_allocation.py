"""The allocation rules, exact to the öre. Expected amounts are worked out by hand in the
comments (quota = B·w/Σw; floor; leftover öre to the largest fractional parts, ties to the
lower code)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consortium.costs.allocation import (
    AllocationError,
    Band,
    Key,
    Method,
    Participant,
    allocate,
    as_decimal,
    largest_remainder,
    participation_fraction,
)

FULL_2026 = ((date(2020, 1, 1), None),)


def p(code, population=None, units=None, periods=FULL_2026, name=None):
    return Participant(code, name or f"Kommun {code}", periods, population, units)


def amounts(allocation):
    return {line.code: line.amount for line in allocation.lines}


# --- participation fraction -----------------------------------------------------------------

@pytest.mark.parametrize(("periods", "year", "expected"), [
    (((date(2020, 1, 1), None),), 2026, Fraction(1)),
    (((date(2026, 7, 1), None),), 2026, Fraction(184, 365)),  # Jul-Dec: 31+31+30+31+30+31
    (((date(2024, 7, 1), None),), 2024, Fraction(184, 366)),  # leap year
    (((date(2020, 1, 1), date(2026, 1, 31)),), 2026, Fraction(31, 365)),
    (((date(2026, 1, 1), date(2026, 1, 1)),), 2026, Fraction(1, 365)),
    (((date(2020, 1, 1), date(2025, 12, 31)),), 2026, Fraction(0)),
    (((date(2027, 1, 1), None),), 2026, Fraction(0)),
    (((date(2026, 1, 1), date(2026, 3, 31)), (date(2026, 10, 1), None)), 2026,
     Fraction(90 + 92, 365)),
])
def test_participation_fraction(periods, year, expected):
    assert participation_fraction(periods, year) == expected


# --- the five keys ------------------------------------------------------------------------

def test_equal_key_with_a_tie_gives_the_odd_ore_to_the_lower_code():
    # 100 öre / 3 = 33 1/3 each; one öre left, all fractions equal -> lowest code.
    result = allocate(100, Key(Method.EQUAL), 2026, [p("0300"), p("0100"), p("0200")])
    assert amounts(result) == {"0100": 34, "0200": 33, "0300": 33}
    assert [line.code for line in result.lines] == ["0100", "0200", "0300"]


def test_equal_key_two_odd_ore():
    # 200 / 3 = 66 2/3 each; two öre left -> the two lowest codes.
    assert amounts(allocate(200, Key(Method.EQUAL), 2026, [p("0100"), p("0200"), p("0300")])) \
        == {"0100": 67, "0200": 67, "0300": 66}


def test_equal_key_is_pro_rated_by_days():
    # f = 1 and 184/365; quotas 1e6*365/549 = 664845.17 and 1e6*184/549 = 335154.83.
    result = allocate(1_000_000, Key(Method.EQUAL), 2026,
                      [p("0100"), p("0200", periods=((date(2026, 7, 1), None),))])
    assert amounts(result) == {"0100": 664845, "0200": 335155}
    assert result.lines[1].fraction == Fraction(184, 365)


def test_per_capita_key():
    # 1 000 000 kr by 935 619 and 5 631 inhabitants: 99 401 752.988 and 598 247.012 öre.
    result = allocate(100_000_000, Key(Method.PER_CAPITA), 2026,
                      [p("0180", 935_619), p("1860", 5_631)])
    assert amounts(result) == {"0180": 99_401_753, "1860": 598_247}
    assert result.population_year == 2024
    assert result.lines[0].basis == 935_619


def test_base_plus_per_capita_key():
    # s = 0.3 of 10 000 000 öre equally, 0.7 by population (935619, 33722, 5631; sum 974972):
    # 0180: 7717457.527, 0483: 1242113.620, 1860: 1040428.853 -> floors sum 9999998,
    # the two öre go to 1860 (.853) and 0483 (.620).
    key = Key(Method.BASE_PLUS_PER_CAPITA, base_share=Fraction("0.3"))
    result = allocate(10_000_000, key, 2026,
                      [p("0180", 935_619), p("1860", 5_631), p("0483", 33_722)])
    assert amounts(result) == {"0180": 7_717_457, "0483": 1_242_114, "1860": 1_040_429}


def test_base_plus_per_capita_extremes():
    everyone = [p("0100", 10), p("0200", 30)]
    only_base = Key(Method.BASE_PLUS_PER_CAPITA, base_share=Fraction(1))
    assert amounts(allocate(1000, only_base, 2026, everyone)) == {"0100": 500, "0200": 500}
    only_people = Key(Method.BASE_PLUS_PER_CAPITA, base_share=Fraction(0))
    assert amounts(allocate(1000, only_people, 2026, everyone)) == {"0100": 250, "0200": 750}


def test_base_plus_per_capita_pro_rates_both_parts():
    # f = 1 and 182/365 (Jul 3 - Dec 31), equal populations, s = 1/2, B = 3650 öre.
    # Both parts weigh 365 : 182, so q = 3650*365/547 = 2435.558 and 3650*182/547 = 1214.442;
    # floors 2435 + 1214 = 3649, the öre left goes to 0100 (.558 > .442).
    half = ((date(2026, 7, 3), None),)
    key = Key(Method.BASE_PLUS_PER_CAPITA, base_share=Fraction(1, 2))
    result = allocate(3650, key, 2026, [p("0100", 100), p("0200", 100, periods=half)])
    assert amounts(result) == {"0100": 2436, "0200": 1214}


def test_tiered_key():
    # bands <=10000: 1, <=50000: 2, above: 4; populations 5631, 33722, 935619 -> 1, 2, 4.
    # 700 001 öre / 7 = 100000.143 per weight unit -> 400000.571, 200000.286, 100000.143;
    # one öre left -> 0180.
    key = Key(Method.TIERED, bands=(Band(10_000, Fraction(1)), Band(50_000, Fraction(2)),
                                    Band(None, Fraction(4))))
    result = allocate(700_001, key, 2026,
                      [p("1860", 5_631), p("0483", 33_722), p("0180", 935_619)])
    assert amounts(result) == {"0180": 400_001, "0483": 200_000, "1860": 100_000}


def test_tiered_band_boundary_is_inclusive():
    key = Key(Method.TIERED, bands=(Band(10_000, Fraction(1)), Band(None, Fraction(3))))
    assert amounts(allocate(400, key, 2026, [p("0100", 10_000), p("0200", 10_001)])) == {
        "0100": 100, "0200": 300}


def test_usage_key_is_not_pro_rated():
    # units 300 and 100 -> 3/4 and 1/4, even though 0200 joined in July.
    result = allocate(1000, Key(Method.USAGE), 2026,
                      [p("0100", units=300), p("0200", units=100,
                                              periods=((date(2026, 7, 1), None),))])
    assert amounts(result) == {"0100": 750, "0200": 250}


def test_a_municipality_that_left_before_the_year_takes_no_part():
    gone = p("0200", 50, periods=((date(2020, 1, 1), date(2025, 12, 31)),))
    result = allocate(1000, Key(Method.PER_CAPITA), 2026, [p("0100", 50), gone])
    assert amounts(result) == {"0100": 1000}


def test_missing_population_names_every_municipality():
    with pytest.raises(AllocationError) as caught:
        allocate(1000, Key(Method.PER_CAPITA, population_year=2023), 2026,
                 [p("0100", 10), p("0200", name="Bjuv"), p("0300", name="Laxå")])
    assert caught.value.missing == [("0200", "Bjuv"), ("0300", "Laxå")]
    assert "2023" in str(caught.value) and "Bjuv (0200)" in str(caught.value)
    assert caught.value.kind == "missing_population"


def test_missing_usage_names_every_municipality():
    with pytest.raises(AllocationError) as caught:
        allocate(1000, Key(Method.USAGE), 2026, [p("0100", units=5), p("0200", name="Bjuv")])
    assert caught.value.missing == [("0200", "Bjuv")] and caught.value.kind == "missing_usage"


def test_no_participants_is_an_error():
    with pytest.raises(AllocationError) as caught:
        allocate(1000, Key(Method.EQUAL), 2026, [])
    assert caught.value.kind == "no_participants"


def test_zero_usage_everywhere_is_an_error():
    with pytest.raises(AllocationError):
        allocate(1000, Key(Method.USAGE), 2026, [p("0100", units=0)])


@pytest.mark.parametrize("key", [
    Key(Method.BASE_PLUS_PER_CAPITA, base_share=Fraction(3, 2)),
    Key(Method.BASE_PLUS_PER_CAPITA),
    Key(Method.TIERED),
    Key(Method.TIERED, bands=(Band(None, Fraction(1)), Band(100, Fraction(2)))),
    Key(Method.TIERED, bands=(Band(100, Fraction(1)), Band(50, Fraction(2)))),
])
def test_impossible_keys_are_refused(key):
    with pytest.raises(AllocationError):
        allocate(1000, key, 2026, [p("0100", 10)])


def test_zero_budget_gives_zero_lines():
    assert amounts(allocate(0, Key(Method.EQUAL), 2026, [p("0100"), p("0200")])) == {
        "0100": 0, "0200": 0}


def test_largest_remainder_directly():
    quotas = [("0200", Fraction(5, 2)), ("0100", Fraction(5, 2)), ("0300", Fraction(5))]
    assert largest_remainder(10, quotas) == {"0100": 3, "0200": 2, "0300": 5}


@pytest.mark.parametrize(("value", "places", "text"), [
    (Fraction(1, 3), 10, "0.3333333333"), (Fraction(2, 3), 4, "0.6667"),
    (Fraction(1), 2, "1.00"), (Fraction(1, 8), 2, "0.13"), (Fraction(0), 3, "0.000"),
])
def test_as_decimal_rounds_half_up(value, places, text):
    assert as_decimal(value, places) == text


# --- properties ---------------------------------------------------------------------------

codes = st.integers(min_value=1, max_value=9999).map(lambda n: f"{n:04d}")
populations = st.integers(min_value=0, max_value=1_000_000)
periods = st.builds(
    lambda start, length: ((start, None if length is None else
                            date.fromordinal(start.toordinal() + length)),),
    st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)),
    st.one_of(st.none(), st.integers(min_value=0, max_value=800)))
keys = st.sampled_from([
    Key(Method.EQUAL), Key(Method.PER_CAPITA),
    Key(Method.BASE_PLUS_PER_CAPITA, base_share=Fraction(1, 3)),
    Key(Method.TIERED, bands=(Band(20_000, Fraction(1)), Band(None, Fraction(5, 2)))),
    Key(Method.USAGE)])


@settings(max_examples=200, deadline=None)
@given(amount=st.integers(min_value=0, max_value=10**12), key=keys,
       people=st.lists(st.tuples(codes, populations, periods), min_size=1, max_size=40,
                       unique_by=lambda t: t[0]))
def test_the_lines_always_sum_exactly_to_the_budget(amount, key, people):
    participants = [p(code, population + 1, units=population, periods=period)
                    for code, population, period in people]
    try:
        result = allocate(amount, key, 2026, participants)
    except AllocationError as error:
        assert error.kind in {"no_participants", "zero_weights"}
        return
    assert result.total == amount
    assert all(line.amount >= 0 for line in result.lines)


@settings(max_examples=200, deadline=None)
@given(amount=st.integers(min_value=0, max_value=10**11),
       pops=st.lists(populations, min_size=2, max_size=40))
def test_per_capita_a_larger_population_never_pays_less(amount, pops):
    participants = [p(f"{i:04d}", pop + 1) for i, pop in enumerate(pops)]
    result = allocate(amount, Key(Method.PER_CAPITA), 2026, participants)
    by_population = sorted(zip(pops, (line.amount for line in result.lines), strict=True))
    for (pop_a, paid_a), (pop_b, paid_b) in zip(by_population, by_population[1:], strict=False):
        if pop_b > pop_a:
            assert paid_b >= paid_a


@settings(max_examples=200, deadline=None)
@given(amount=st.integers(min_value=0, max_value=10**11), count=st.integers(1, 60),
       key=st.sampled_from([Key(Method.EQUAL), Key(Method.PER_CAPITA),
                            Key(Method.BASE_PLUS_PER_CAPITA, base_share=Fraction(1, 7))]))
def test_equal_inputs_give_amounts_at_most_one_ore_apart(amount, count, key):
    result = allocate(amount, key, 2026, [p(f"{i:04d}", 12_345) for i in range(count)])
    paid = [line.amount for line in result.lines]
    assert max(paid) - min(paid) <= 1


def reference(amount, key, year, participants):
    """SPEC "Cost sharing" written out in Fractions, the slow obvious way: the integer
    arithmetic of `allocate` must give exactly these quotas and amounts."""
    taking_part = [(x, participation_fraction(x.periods, year)) for x in participants]
    taking_part = [(x, f) for x, f in taking_part if f > 0]
    total = Fraction(amount)
    if key.method is Method.BASE_PLUS_PER_CAPITA:
        s = key.base_share
        sum_f = sum(f for _, f in taking_part)
        sum_fp = sum(f * x.population for x, f in taking_part)
        quotas = [total * s * f / sum_f + (total * (1 - s) * f * x.population / sum_fp
                                           if s < 1 else 0) for x, f in taking_part]
    else:
        def weight(x, f):
            if key.method is Method.EQUAL:
                return f
            if key.method is Method.PER_CAPITA:
                return f * x.population
            if key.method is Method.TIERED:
                return f * next(b.weight for b in key.bands
                                if b.up_to is None or x.population <= b.up_to)
            return Fraction(x.units)

        weights = [weight(x, f) for x, f in taking_part]
        quotas = [total * w / sum(weights) for w in weights]
    pairs = list(zip(taking_part, quotas, strict=True))
    floors = {x.code: q.numerator // q.denominator for (x, _), q in pairs}
    order = sorted(pairs, key=lambda item: (
        -(item[1] - floors[item[0][0].code]), item[0][0].code))
    for (x, _), _q in order[:amount - sum(floors.values())]:
        floors[x.code] += 1
    return {x.code: q for (x, _), q in pairs}, floors


@settings(max_examples=300, deadline=None)
@given(amount=st.integers(min_value=0, max_value=10**12), key=keys,
       people=st.lists(st.tuples(codes, populations, periods), min_size=1, max_size=30,
                       unique_by=lambda t: t[0]))
def test_integer_arithmetic_equals_the_fractions_of_the_spec(amount, key, people):
    participants = [p(code, population + 1, units=population + 1, periods=period)
                    for code, population, period in people]
    try:
        result = allocate(amount, key, 2026, participants)
    except AllocationError:
        return
    quotas, amounts = reference(amount, key, 2026, participants)
    assert {line.code: line.quota for line in result.lines} == quotas
    assert {line.code: line.amount for line in result.lines} == amounts
