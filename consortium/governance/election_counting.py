"""The counting rules of SPEC.md for counter-proposals, elections and the lot, as pure
functions on plain values (no Flask, no database: import-linter keeps it so).

Weights are whole numbers, so every score is exact. The lot is reproducible from what the
protocol prints: the seed (hex) and the labels of the tied entries."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass


def lot_key(seed_hex: str, label: str) -> str:
    """SPEC "The lot": the hex SHA-256 of seed_hex + "|" + label."""
    return hashlib.sha256(f"{seed_hex}|{label}".encode()).hexdigest()


def lot_order(seed_hex: str, labels: Collection[str]) -> list[str]:
    """The tied labels in the lot's order (ascending key); the first wins."""
    return sorted(labels, key=lambda label: (lot_key(seed_hex, label), label))


def quorum_met(participating: int, total: int, quorum_percent: int) -> bool:
    return 100 * participating >= quorum_percent * total


@dataclass(frozen=True)
class ProposalsResult:
    outcome: str  # "adopted", "rejected" (no proposal won) or "no_quorum"
    weights: dict[int, int]  # proposal number -> summed weight
    abstain: int
    participating: int
    total: int
    quorum_met: bool
    adopted: int | None  # the number of the adopted proposal
    tied: tuple[int, ...]  # the proposals tied for the largest weight (empty without a tie)
    decided_by: str | None  # "chair" or "lot" when a tie was decided


def count_proposals(weights: Mapping[str, int], choices: Mapping[str, int | None],
                    proposals: int, *, quorum_percent: int = 50, tie_break: str = "lot",
                    chair_seat: str | None = None, seed_hex: str = "") -> ProposalsResult:
    """A vote between `proposals` proposals (numbered 1..n, 1 the main proposal).

    `choices` holds the seats that voted: a proposal number, or None for abstain. The
    proposal with the largest summed weight is adopted. A tie for the largest is decided by
    the chair's seat's choice when tie_break is "chair" and that choice is among the tied
    (else by lot), by lot when tie_break is "lot", and leaves nothing adopted when it is
    "rejected"."""
    sums = dict.fromkeys(range(1, proposals + 1), 0)
    abstain = 0
    for seat, choice in choices.items():
        if choice is None:
            abstain += weights[seat]
        else:
            sums[choice] += weights[seat]
    participating = abstain + sum(sums.values())
    total = sum(weights.values())
    met = quorum_met(participating, total, quorum_percent)
    if not met:
        return ProposalsResult("no_quorum", sums, abstain, participating, total, False, None,
                               (), None)
    best = max(sums.values())
    if best == 0:
        return ProposalsResult("rejected", sums, abstain, participating, total, True, None,
                               (), None)
    leaders = tuple(number for number, weight in sums.items() if weight == best)
    if len(leaders) == 1:
        return ProposalsResult("adopted", sums, abstain, participating, total, True,
                               leaders[0], (), None)
    if tie_break == "rejected":
        return ProposalsResult("rejected", sums, abstain, participating, total, True, None,
                               leaders, None)
    if tie_break == "chair" and chair_seat is not None and choices.get(chair_seat) in leaders:
        return ProposalsResult("adopted", sums, abstain, participating, total, True,
                               choices[chair_seat], leaders, "chair")
    winner = int(lot_order(seed_hex, [str(number) for number in leaders])[0])
    return ProposalsResult("adopted", sums, abstain, participating, total, True, winner,
                           leaders, "lot")


@dataclass(frozen=True)
class ElectionResult:
    outcome: str  # "adopted" (counted) or "no_quorum"
    scores: dict[str, int]  # candidate label -> score, in the candidates' order
    elected: tuple[str, ...]  # in the order of election
    vacant: int
    blank: int  # the weight of blank ballots
    participating: int
    total: int
    quorum_met: bool
    lot_group: tuple[str, ...]  # the group the lot ordered, in the lot's order (or empty)


class BallotError(ValueError):
    """A ballot that the rules do not allow (too many marks, unknown or repeated labels)."""


def check_marks(marks: Sequence[str], candidates: Collection[str], positions: int) -> None:
    if len(set(marks)) != len(marks):
        raise BallotError("a candidate is marked twice")
    unknown = [label for label in marks if label not in candidates]
    if unknown:
        raise BallotError("unknown candidates: " + ", ".join(unknown))
    if len(marks) > positions:
        raise BallotError(f"at most {positions} marks")


def count_election(weights: Mapping[str, int], marks: Mapping[str, Collection[str]],
                   candidates: Sequence[str], positions: int, *, quorum_percent: int = 50,
                   seed_hex: str = "") -> ElectionResult:
    """Score(c) = the summed weight of the ballots marking c. The elected are the candidates
    with a score above zero in descending score, the first `positions`; when the last place
    falls inside a group of equal scores, the lot orders that group. `marks` holds the seats
    that voted (an empty collection is a blank ballot)."""
    if positions < 1:
        raise ValueError("an election fills at least one position")
    scores = dict.fromkeys(candidates, 0)
    blank = 0
    for seat, marked in marks.items():
        check_marks(list(marked), scores, positions)
        if not marked:
            blank += weights[seat]
        for label in marked:
            scores[label] += weights[seat]
    participating = sum(weights[seat] for seat in marks)
    total = sum(weights.values())
    met = quorum_met(participating, total, quorum_percent)
    if not met:
        return ElectionResult("no_quorum", scores, (), positions, blank, participating, total,
                              False, ())
    ranked = sorted((label for label in candidates if scores[label] > 0),
                    key=lambda label: -scores[label])
    if len(ranked) <= positions:
        return ElectionResult("adopted", scores, tuple(ranked), positions - len(ranked), blank,
                              participating, total, True, ())
    boundary = scores[ranked[positions - 1]]
    above = [label for label in ranked if scores[label] > boundary]
    group = [label for label in ranked if scores[label] == boundary]
    if len(above) + len(group) == positions:
        return ElectionResult("adopted", scores, tuple(above + group), 0, blank,
                              participating, total, True, ())
    ordered = lot_order(seed_hex, group)
    elected = above + ordered[:positions - len(above)]
    return ElectionResult("adopted", scores, tuple(elected), 0, blank, participating, total,
                          True, tuple(ordered))
