"""The counting rules of SPEC.md ("Counting"), as pure functions on plain values.

Every weight is a whole number (1 for equal weighting, inhabitants for population, öre for
cost_share), so every sum is exact and every comparison below is integer arithmetic."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

YES, NO, ABSTAIN = "yes", "no", "abstain"
MAJORITIES = ("simple", "absolute", "two_thirds", "unanimous")


@dataclass(frozen=True)
class Count:
    yes: int
    no: int
    abstain: int
    total: int  # W: the weight of every seat

    @property
    def participating(self) -> int:
        return self.yes + self.no + self.abstain


@dataclass(frozen=True)
class Result:
    outcome: str  # "adopted", "rejected" or "no_quorum"
    count: Count
    quorum_met: bool
    decided_by_chair: bool = False


class CountingError(ValueError):
    """Weights cannot be found; `missing` names every municipality concerned."""

    def __init__(self, message: str, missing: Sequence[tuple[str, str]] = (), *,
                 kind: str = "invalid", year: int | None = None):
        super().__init__(message)
        self.missing = list(missing)
        self.kind = kind
        self.year = year


def tally(weights: Mapping[str, int], choices: Mapping[str, str]) -> Count:
    """Sum the weights of the seats by their choice. `choices` holds the seats that voted."""
    sums = {YES: 0, NO: 0, ABSTAIN: 0}
    for seat, choice in choices.items():
        sums[choice] += weights[seat]
    return Count(sums[YES], sums[NO], sums[ABSTAIN], sum(weights.values()))


def quorum_met(count: Count, quorum_percent: int) -> bool:
    return 100 * count.participating >= quorum_percent * count.total


def majority_reached(count: Count, majority: str) -> bool:
    y, n, w = count.yes, count.no, count.total
    if majority == "simple":
        return y > n
    if majority == "absolute":
        return 2 * y > w
    if majority == "two_thirds":
        return 3 * y >= 2 * (y + n) and y > 0
    if majority == "unanimous":
        return n == 0 and y > 0
    raise ValueError(f"unknown majority {majority!r}")


def decide(count: Count, *, majority: str, quorum_percent: int = 50,
           tie_break: str = "rejected", chair_choice: str | None = None,
           secret: bool = False) -> Result:
    """The outcome of a closed motion.

    A tie (simple majority, Y = N > 0) is rejected, unless tie_break is "chair": then the
    chair's municipality's ballot decides (yes adopts; anything else, or no ballot, rejects).
    The chair's casting vote does not exist for secret motions."""
    if not quorum_met(count, quorum_percent):
        return Result("no_quorum", count, False)
    if majority == "simple" and count.yes == count.no and count.yes > 0:
        if tie_break == "chair" and not secret:
            return Result("adopted" if chair_choice == YES else "rejected", count, True, True)
        return Result("rejected", count, True)
    return Result("adopted" if majority_reached(count, majority) else "rejected", count, True)


def population_year(figures: Mapping[str, Mapping[int, int]], names: Mapping[str, str],
                    opening_year: int) -> int:
    """The latest year <= opening_year - 1 for which every seat has a population figure."""
    limit = opening_year - 1
    common: set[int] | None = None
    for seat in names:
        years = {year for year in figures.get(seat, {}) if year <= limit}
        common = years if common is None else common & years
    if common:
        return max(common)
    lacking = [(code, names[code]) for code in sorted(names)
               if not any(year <= limit for year in figures.get(code, {}))]
    if lacking:
        raise CountingError(
            f"No population figure up to {limit} for: "
            + ", ".join(f"{name} ({code})" for code, name in lacking) + ".", lacking,
            kind="missing_population", year=limit)
    raise CountingError(f"No year up to {limit} has a population figure for every seat.",
                        kind="no_common_year", year=limit)
