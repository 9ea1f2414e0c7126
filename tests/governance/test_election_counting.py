"""Property tests (hypothesis) of the pure counting of counter-proposals, elections and the
lot (election_counting.py): the invariants hold for any weights, ballots and seeds."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from consortium.governance import election_counting as ec

LABELS = st.lists(st.one_of(st.from_regex(r"\A[0-9]{4}\Z"),
                            st.text(min_size=1, max_size=12)), min_size=1, max_size=8,
                  unique=True)
SEEDS = st.binary(min_size=32, max_size=32).map(bytes.hex)


@st.composite
def elections(draw):
    candidates = draw(LABELS)
    positions = draw(st.integers(1, len(candidates) + 2))
    seats = draw(st.integers(1, 12))
    weights = {f"s{i}": draw(st.integers(0, 10_000_000)) for i in range(seats)}
    marks = {}
    for seat in weights:
        if draw(st.booleans()):
            marks[seat] = draw(st.lists(st.sampled_from(candidates), unique=True,
                                        max_size=min(positions, len(candidates))))
    return candidates, positions, weights, marks, draw(st.integers(0, 100)), draw(SEEDS)


@settings(max_examples=400, deadline=None)
@given(elections())
def test_an_election_elects_at_most_n_with_the_highest_scores(case):
    candidates, positions, weights, marks, quorum, seed = case
    result = ec.count_election(weights, marks, candidates, positions, quorum_percent=quorum,
                               seed_hex=seed)
    expected = {c: sum(weights[s] for s, m in marks.items() if c in m) for c in candidates}
    assert result.scores == expected
    assert result.participating == sum(weights[s] for s in marks)
    assert result.blank == sum(weights[s] for s, m in marks.items() if not m)
    if not result.quorum_met:
        assert result.elected == () and result.outcome == "no_quorum"
        return
    elected = result.elected
    assert len(elected) <= positions and len(set(elected)) == len(elected)
    assert all(expected[c] > 0 for c in elected)
    assert result.vacant == positions - len(elected)
    losers = [c for c in candidates if c not in elected]
    if elected and losers:
        assert min(expected[c] for c in elected) >= max(expected[c] for c in losers)
    # fewer candidates with a score than positions: all of them, the rest vacant
    scored = [c for c in candidates if expected[c] > 0]
    assert len(elected) == min(positions, len(scored))
    if result.lot_group:
        # the lot ordered exactly the tied group at the boundary, by the published rule
        keys = [hashlib.sha256(f"{seed}|{c}".encode()).hexdigest() for c in result.lot_group]
        assert keys == sorted(keys)
        assert len({expected[c] for c in result.lot_group}) == 1


@settings(max_examples=200, deadline=None)
@given(LABELS, SEEDS)
def test_the_lots_order_depends_only_on_the_seed_and_the_labels(labels, seed):
    order = ec.lot_order(seed, labels)
    assert sorted(order) == sorted(labels)
    assert ec.lot_order(seed, list(reversed(labels))) == order  # not on the order given
    assert order == sorted(labels, key=lambda label: hashlib.sha256(
        (seed + "|" + label).encode()).hexdigest())


@st.composite
def proposal_votes(draw):
    proposals = draw(st.integers(2, 5))
    seats = draw(st.integers(1, 10))
    weights = {f"s{i}": draw(st.integers(0, 1000)) for i in range(seats)}
    choices = {seat: draw(st.one_of(st.none(), st.integers(1, proposals)))
               for seat in weights if draw(st.booleans())}
    return proposals, weights, choices, draw(st.sampled_from(["lot", "chair", "rejected"])), \
        draw(SEEDS)


@settings(max_examples=400, deadline=None)
@given(proposal_votes())
def test_the_proposal_with_the_largest_weight_wins_and_ties_follow_the_rule(case):
    proposals, weights, choices, tie_break, seed = case
    chair = next(iter(weights))
    result = ec.count_proposals(weights, choices, proposals, quorum_percent=50,
                                tie_break=tie_break, chair_seat=chair, seed_hex=seed)
    sums = {n: sum(weights[s] for s, c in choices.items() if c == n)
            for n in range(1, proposals + 1)}
    assert result.weights == sums
    if not result.quorum_met:
        assert result.adopted is None
        return
    best = max(sums.values())
    leaders = [n for n, w in sums.items() if w == best]
    if best == 0:
        assert result.adopted is None
    elif len(leaders) == 1:
        assert result.adopted == leaders[0]
    elif tie_break == "rejected":
        assert result.adopted is None and result.outcome == "rejected"
    elif tie_break == "chair" and choices.get(chair) in leaders:
        assert result.adopted == choices[chair] and result.decided_by == "chair"
    else:
        assert result.decided_by == "lot"
        assert result.adopted == int(ec.lot_order(seed, [str(n) for n in leaders])[0])


def test_a_ballot_with_more_marks_than_positions_is_refused():
    try:
        ec.count_election({"a": 1}, {"a": ["x", "y"]}, ["x", "y"], 1)
    except ec.BallotError as error:
        assert "at most 1" in str(error)
    else:
        raise AssertionError("two marks for one position were counted")


def test_a_known_lot():
    seed = "00" * 32
    keys = {label: hashlib.sha256(f"{seed}|{label}".encode()).hexdigest()
            for label in ("0180", "1280", "Anna")}
    assert ec.lot_order(seed, ["Anna", "1280", "0180"]) == sorted(keys, key=keys.get)
