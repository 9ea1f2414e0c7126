"""Membership fees (medlemsavgift): bands, the joining year by month, the entry fee once and
half on rejoining. Amounts in öre, worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from consortium.costs.allocation import AllocationError
from consortium.costs.fees import FeeBand, Member, band_of, fee_lines

KR = 100
SAMBRUK = [  # Sambruk's schedule (extra föreningsstämma, in force from 2020)
    FeeBand(6_999, 5_000 * KR, 5_000 * KR),
    FeeBand(14_999, 10_000 * KR, 5_000 * KR),
    FeeBand(24_999, 25_000 * KR, 10_000 * KR),
    FeeBand(49_999, 35_000 * KR, 10_000 * KR),
    FeeBand(99_999, 50_000 * KR, 10_000 * KR),
    FeeBand(149_999, 65_000 * KR, 20_000 * KR),
    FeeBand(None, 80_000 * KR, 25_000 * KR),
]


def member(code, population, *periods, name=None):
    return Member(code, name or f"Kommun {code}", tuple(periods), population)


def lines(*members, year=2026, bands=SAMBRUK):
    return {line.code: (line.band, line.annual, line.entry, line.amount)
            for line in fee_lines(year, bands, list(members), year - 2)}


@pytest.mark.parametrize(("population", "band"), [
    (0, 1), (6_999, 1), (7_000, 2), (14_999, 2), (15_000, 3), (33_722, 4), (50_000, 5),
    (147_420, 6), (150_000, 7), (935_619, 7)])
def test_the_band_follows_the_population(population, band):
    assert band_of(SAMBRUK, population) == band


def test_a_member_for_the_whole_year_pays_the_annual_fee():
    assert lines(member("0483", 33_722, (date(2007, 1, 1), None))) == {
        "0483": (4, 3_500_000, 0, 3_500_000)}


def test_the_joining_year_is_pro_rated_by_month_and_pays_the_entry_fee():
    # Joined 15 April: April-December = 9 months; 35 000 kr * 9/12 = 26 250 kr; entry 10 000 kr.
    assert lines(member("0483", 33_722, (date(2026, 4, 15), None))) == {
        "0483": (4, 2_625_000, 1_000_000, 3_625_000)}


def test_pro_rating_rounds_half_up_to_the_ore():
    # Joined in November: 10 000 kr * 2/12 = 1 666.6667 kr -> 166 667 öre; entry 5 000 kr.
    assert lines(member("1860", 12_000, (date(2026, 11, 1), None))) == {
        "1860": (2, 166_667, 500_000, 666_667)}


def test_joining_in_january_pays_the_whole_year():
    assert lines(member("1860", 5_631, (date(2026, 1, 1), None)))["1860"][1] == 500_000


def test_a_municipality_that_rejoins_pays_half_the_entry_fee():
    # Resigned 2019, rejoins 1 July 2026: 6 months of 5 000 kr = 2 500 kr; half of 5 000 kr.
    rejoined = member("1860", 5_631, (date(2010, 1, 1), date(2019, 12, 31)),
                      (date(2026, 7, 1), None))
    assert lines(rejoined) == {"1860": (1, 250_000, 250_000, 500_000)}


def test_half_an_odd_entry_fee_rounds_half_up():
    bands = [FeeBand(None, 1200, 5_001)]
    rejoined = member("0100", 1, (date(2010, 1, 1), date(2012, 1, 1)), (date(2026, 1, 1), None))
    assert lines(rejoined, bands=bands) == {"0100": (1, 1200, 2501, 3701)}


def test_the_year_of_resignation_is_paid_in_full():
    assert lines(member("0483", 33_722, (date(2007, 1, 1), date(2026, 3, 31)))) == {
        "0483": (4, 3_500_000, 0, 3_500_000)}


def test_a_former_member_pays_nothing():
    assert lines(member("0483", 33_722, (date(2007, 1, 1), date(2025, 12, 31)))) == {}


def test_missing_population_names_every_billed_member():
    with pytest.raises(AllocationError) as caught:
        fee_lines(2026, SAMBRUK, [member("0100", None, (date(2020, 1, 1), None), name="Bjuv"),
                                  member("0200", None, (date(2010, 1, 1), date(2020, 1, 1))),
                                  member("0300", 10, (date(2020, 1, 1), None))], 2024)
    assert caught.value.missing == [("0100", "Bjuv")]
    assert "2024" in str(caught.value)


@pytest.mark.parametrize("bands", [
    [], [FeeBand(None, 1, 1), FeeBand(10, 1, 1)], [FeeBand(10, 1, 1), FeeBand(5, 1, 1)],
    [FeeBand(None, -1, 0)]])
def test_impossible_schedules_are_refused(bands):
    with pytest.raises(AllocationError):
        fee_lines(2026, bands, [], 2024)


def test_a_refused_fee_schedule_is_not_kept(client, setup):  # noqa: F811
    """A schedule whose fees cannot be computed (no population figure for the year asked) is
    refused with 422, and nothing of it is saved."""
    from datetime import date

    from consortium.members import service as members_service

    members_service.change_membership(members_service.get_by_code("0180"), "admit",
                                      date(2009, 1, 1))  # a member without a 2019 figure
    body = {"population_year": 2019, "bands": [{"up_to": None, "annual": "1000.00",
                                                "entry": "0.00"}]}
    refused = client.put("/api/v1/fees/2026", json=body, headers=setup["finance"])
    assert refused.status_code == 422 and "population" in refused.json["error"]["message"].lower()
    from consortium.costs.fee_schedules import fee_schedule

    assert fee_schedule(2026) is None


from tests.costs.test_costs_api import setup  # noqa: E402,F401  (the fixture)
