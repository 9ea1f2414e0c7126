"""The counting rules: every majority, quorum and tie-break, exact outcomes."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consortium.governance.counting import (
    Count,
    CountingError,
    decide,
    population_year,
    tally,
)

# (yes, no, abstain, total, majority, quorum %, expected outcome)
CASES = [
    # simple: Y > N among those voting
    (3, 2, 0, 5, "simple", 50, "adopted"),
    (2, 3, 0, 5, "simple", 50, "rejected"),
    (1, 0, 4, 5, "simple", 50, "adopted"),          # abstentions count for quorum only
    (0, 0, 5, 5, "simple", 50, "rejected"),         # nobody for
    # quorum: 100*P >= q*W
    (2, 0, 0, 5, "simple", 50, "no_quorum"),        # 200 < 250
    (2, 0, 1, 6, "simple", 50, "adopted"),          # 300 >= 300: exactly at the line
    (1, 0, 0, 3, "simple", 34, "no_quorum"),        # 100 < 102
    (1, 0, 0, 3, "simple", 33, "adopted"),          # 100 >= 99
    (0, 0, 0, 4, "simple", 0, "rejected"),          # quorum 0 always met
    (4, 0, 0, 4, "simple", 100, "adopted"),
    (3, 0, 0, 4, "simple", 100, "no_quorum"),
    # absolute: 2Y > W (of all seats, not of those voting)
    (3, 0, 0, 5, "absolute", 50, "adopted"),
    (3, 0, 0, 6, "absolute", 50, "rejected"),       # 6 > 6 is false
    (4, 1, 0, 6, "absolute", 50, "adopted"),
    # two thirds: 3Y >= 2(Y+N) and Y > 0
    (2, 1, 0, 3, "two_thirds", 50, "adopted"),      # 6 >= 6
    (3, 2, 0, 5, "two_thirds", 50, "rejected"),     # 9 < 10
    (2, 1, 5, 8, "two_thirds", 50, "adopted"),      # abstentions do not count
    (0, 0, 3, 3, "two_thirds", 50, "rejected"),     # Y = 0
    # unanimous: N = 0 and Y > 0
    (4, 0, 1, 5, "unanimous", 50, "adopted"),
    (4, 1, 0, 5, "unanimous", 50, "rejected"),
    (0, 0, 5, 5, "unanimous", 50, "rejected"),
]


@pytest.mark.parametrize(("yes", "no", "abstain", "total", "majority", "quorum", "outcome"),
                         CASES)
def test_outcome(yes, no, abstain, total, majority, quorum, outcome):
    result = decide(Count(yes, no, abstain, total), majority=majority, quorum_percent=quorum)
    assert result.outcome == outcome
    assert result.count.participating == yes + no + abstain


@pytest.mark.parametrize(("tie_break", "chair", "secret", "outcome", "by_chair"), [
    ("rejected", "yes", False, "rejected", False),
    ("chair", "yes", False, "adopted", True),
    ("chair", "no", False, "rejected", True),
    ("chair", "abstain", False, "rejected", True),
    ("chair", None, False, "rejected", True),       # the chair's municipality did not vote
    ("chair", "yes", True, "rejected", False),      # no casting vote in a secret motion
])
def test_tie_break(tie_break, chair, secret, outcome, by_chair):
    result = decide(Count(2, 2, 1, 5), majority="simple", tie_break=tie_break,
                    chair_choice=chair, secret=secret)
    assert (result.outcome, result.decided_by_chair) == (outcome, by_chair)


@pytest.mark.parametrize("majority", ["absolute", "two_thirds", "unanimous"])
def test_tie_break_only_applies_to_simple_majority(majority):
    result = decide(Count(2, 2, 0, 4), majority=majority, tie_break="chair", chair_choice="yes")
    assert result.outcome == "rejected" and not result.decided_by_chair


def test_a_tie_without_quorum_is_no_quorum():
    result = decide(Count(1, 1, 0, 10), majority="simple", tie_break="chair",
                    chair_choice="yes")
    assert result.outcome == "no_quorum"


def test_population_weights_are_summed_exactly():
    weights = {"0180": 935_619, "1280": 328_494, "1860": 5_631, "0483": 33_722}
    count = tally(weights, {"0180": "no", "1280": "yes", "1860": "yes", "0483": "abstain"})
    assert count == Count(yes=334_125, no=935_619, abstain=33_722, total=1_303_466)
    assert decide(count, majority="simple").outcome == "rejected"
    # equal weights: two yes against one no
    equal = tally(dict.fromkeys(weights, 1),
                  {"0180": "no", "1280": "yes", "1860": "yes", "0483": "abstain"})
    assert decide(equal, majority="simple").outcome == "adopted"


def test_population_year_is_the_latest_common_year_before_opening():
    figures = {"0180": {2016: 1, 2023: 2, 2024: 3}, "1860": {2016: 1, 2023: 2}}
    names = {"0180": "Stockholm", "1860": "Laxå"}
    assert population_year(figures, names, 2026) == 2023
    assert population_year(figures, names, 2024) == 2023
    assert population_year(figures, names, 2023) == 2016


def test_population_year_names_seats_without_any_figure():
    with pytest.raises(CountingError) as caught:
        population_year({"0180": {2020: 1}}, {"0180": "Stockholm", "1860": "Laxå",
                                              "0483": "Katrineholm"}, 2026)
    assert caught.value.missing == [("0483", "Katrineholm"), ("1860", "Laxå")]


def test_population_year_without_a_common_year():
    with pytest.raises(CountingError) as caught:
        population_year({"0180": {2020: 1}, "1860": {2019: 1}},
                        {"0180": "Stockholm", "1860": "Laxå"}, 2026)
    assert caught.value.kind == "no_common_year"


choices = st.sampled_from(["yes", "no", "abstain", None])


@settings(max_examples=300, deadline=None)
@given(weights=st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=30),
       data=st.data(), majority=st.sampled_from(["simple", "absolute", "two_thirds",
                                                 "unanimous"]),
       quorum=st.integers(min_value=0, max_value=100))
def test_one_more_yes_never_turns_adopted_into_rejected(weights, data, majority, quorum):
    seats = {f"{i:04d}": w for i, w in enumerate(weights)}
    votes = {seat: data.draw(choices) for seat in seats}
    before = decide(tally(seats, {s: c for s, c in votes.items() if c}), majority=majority,
                    quorum_percent=quorum)
    if before.outcome != "adopted":
        return
    for seat, choice in votes.items():
        if choice != "yes":
            changed = {**votes, seat: "yes"}
            after = decide(tally(seats, {s: c for s, c in changed.items() if c}),
                           majority=majority, quorum_percent=quorum)
            assert after.outcome == "adopted", (seat, choice)


def test_exhaustive_small_councils_agree_with_the_definitions():
    """Every way three seats weighing 1, 2 and 4 can vote, against the formulas written out."""
    weights = {"a": 1, "b": 2, "c": 4}
    for votes in itertools.product(["yes", "no", "abstain", None], repeat=3):
        cast = {seat: v for seat, v in zip(weights, votes, strict=True) if v}
        y = sum(weights[s] for s, v in cast.items() if v == "yes")
        n = sum(weights[s] for s, v in cast.items() if v == "no")
        a = sum(weights[s] for s, v in cast.items() if v == "abstain")
        for majority, expected_majority in (("simple", y > n), ("absolute", 2 * y > 7),
                                            ("two_thirds", 3 * y >= 2 * (y + n) and y > 0),
                                            ("unanimous", n == 0 and y > 0)):
            result = decide(tally(weights, cast), majority=majority, quorum_percent=50)
            if 100 * (y + n + a) < 50 * 7:
                assert result.outcome == "no_quorum"
            elif majority == "simple" and y == n and y > 0:
                assert result.outcome == "rejected"
            else:
                assert result.outcome == ("adopted" if expected_majority else "rejected")
