"""The allocation rules of SPEC.md ("Cost sharing"), as pure functions on plain values.

Money is integer öre; weights, quotas and shares are exact Fractions. Nothing here imports
Flask or SQLAlchemy, so the rules can be read, tested and benchmarked on their own."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction


class Method(enum.StrEnum):
    EQUAL = "equal"
    PER_CAPITA = "per_capita"
    BASE_PLUS_PER_CAPITA = "base_plus_per_capita"
    TIERED = "tiered"
    USAGE = "usage"


NEEDS_POPULATION = {Method.PER_CAPITA, Method.BASE_PLUS_PER_CAPITA, Method.TIERED}


@dataclass(frozen=True)
class Band:
    up_to: int | None  # inhabitants; None: no upper bound
    weight: Fraction


@dataclass(frozen=True)
class Key:
    method: Method
    population_year: int | None = None  # default: budget year - 2
    base_share: Fraction | None = None  # base_plus_per_capita only, 0 <= s <= 1
    bands: tuple[Band, ...] = ()  # tiered only

    def effective_population_year(self, year: int) -> int:
        return self.population_year if self.population_year is not None else year - 2


@dataclass(frozen=True)
class Participant:
    code: str
    name: str
    periods: tuple[tuple[date, date | None], ...]
    population: int | None = None  # for the key's population year
    units: int | None = None  # usage of the budget year


@dataclass(frozen=True)
class Line:
    code: str
    name: str
    fraction: Fraction  # f(m): the part of the year the municipality took part
    basis: int | Fraction  # what the key weighs: population, units, band weight or f
    quota: Fraction  # exact amount in öre before rounding
    amount: int  # öre

    def share(self, total: int) -> Fraction:
        return self.quota / total if total else Fraction(0)


@dataclass
class Allocation:
    amount: int
    key: Key
    year: int
    population_year: int | None
    lines: list[Line] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


class AllocationError(ValueError):
    """The allocation cannot be computed. `kind` says why (for translated messages);
    `missing` names every municipality concerned."""

    def __init__(self, message: str, missing: Sequence[tuple[str, str]] = (), *,
                 kind: str = "invalid_key", year: int | None = None):
        super().__init__(message)
        self.missing = list(missing)
        self.kind = kind
        self.year = year


def days_in_year(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def participation_fraction(periods: Iterable[tuple[date, date | None]], year: int) -> Fraction:
    """f(m): days of participation in `year` (inclusive ends; periods never overlap) over the
    days of the year."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    days = 0
    for joined_on, left_on in periods:
        start = max(joined_on, first)
        end = min(left_on or last, last)
        if end >= start:
            days += (end - start).days + 1
    return Fraction(days, days_in_year(year))


def band_weight(bands: Sequence[Band], population: int) -> Fraction:
    for band in bands:
        if band.up_to is None or population <= band.up_to:
            return band.weight
    raise AllocationError(f"No band covers a population of {population}.")


def check_bounds(bounds: Sequence[int | None]) -> None:
    """Bands rise: each upper bound above the one before, and only the last may be open."""
    if None in bounds[:-1]:
        raise AllocationError("Only the last band may be open-ended.")
    numeric = [bound for bound in bounds if bound is not None]
    if numeric != sorted(set(numeric)):
        raise AllocationError("The bands must rise: each up_to above the one before.")


def check_key(key: Key) -> None:
    """Refuse keys that cannot share anything, before any figure is read."""
    if key.method is Method.BASE_PLUS_PER_CAPITA:
        if key.base_share is None or not 0 <= key.base_share <= 1:
            raise AllocationError("The base share must be between 0 and 1.")
    if key.method is Method.TIERED:
        if not key.bands:
            raise AllocationError("A tiered key needs at least one band.")
        check_bounds([band.up_to for band in key.bands])
        if any(band.weight < 0 for band in key.bands):
            raise AllocationError("Band weights cannot be negative.")


def allocate(amount: int, key: Key, year: int,
             participants: Sequence[Participant]) -> Allocation:
    """Share `amount` öre among the participants of `year` by `key`, to the öre.

    Municipalities with f = 0 take no part. A participant without the population (or usage)
    figure the key needs is an error naming every such municipality; nothing is guessed."""
    if amount < 0:
        raise AllocationError("The amount cannot be negative.")
    check_key(key)
    taking_part = []
    for participant in participants:
        fraction = participation_fraction(participant.periods, year)
        if fraction > 0:
            taking_part.append((participant, fraction))
    if not taking_part:
        raise AllocationError(f"No municipality takes part in {year}.",
                              kind="no_participants", year=year)
    population_year = key.effective_population_year(year) \
        if key.method in NEEDS_POPULATION else None
    _require_figures(key, population_year, year, [p for p, _ in taking_part])
    quotas = _quotas(amount, key, taking_part)
    amounts = largest_remainder(amount, [(p.code, q) for (p, _), (q, _) in
                                         zip(taking_part, quotas, strict=True)])
    lines = [Line(p.code, p.name, fraction, basis, quota, amounts[p.code])
             for (p, fraction), (quota, basis) in zip(taking_part, quotas, strict=True)]
    lines.sort(key=lambda line: line.code)
    return Allocation(amount, key, year, population_year, lines)


def missing_figures(kind: str, year: int | None, missing: Sequence[tuple[str, str]]
                    ) -> AllocationError:
    """The error that names every municipality without the figure a rule needs."""
    what = "population" if kind == "missing_population" else "usage"
    return AllocationError(
        f"No {what} figure for {year} for: "
        + ", ".join(f"{name} ({code})" for code, name in missing) + ".", missing,
        kind=kind, year=year)


def _require_figures(key: Key, population_year: int | None, year: int,
                     participants: Sequence[Participant]) -> None:
    if key.method in NEEDS_POPULATION:
        missing = [(p.code, p.name) for p in participants if p.population is None]
        if missing:
            raise missing_figures("missing_population", population_year, missing)
    if key.method is Method.USAGE:
        missing = [(p.code, p.name) for p in participants if p.units is None]
        if missing:
            raise missing_figures("missing_usage", year, missing)


def _quotas(amount: int, key: Key, taking_part: Sequence[tuple[Participant, Fraction]]
            ) -> list[tuple[Fraction, int | Fraction]]:
    """(exact quota in öre, basis) per participant, in the order given."""
    total = Fraction(amount)
    if key.method is Method.BASE_PLUS_PER_CAPITA:
        assert key.base_share is not None
        share = key.base_share
        sum_f = sum((f for _, f in taking_part), Fraction(0))
        sum_fp = sum((f * (p.population or 0) for p, f in taking_part), Fraction(0))
        if share < 1 and sum_fp == 0:
            raise AllocationError("The population of all participants sums to zero.",
                                  kind="zero_weights")
        result = []
        for participant, f in taking_part:
            base = total * share * f / sum_f
            per_capita = (total * (1 - share) * f * (participant.population or 0) / sum_fp
                          if share < 1 else Fraction(0))
            result.append((base + per_capita, participant.population or 0))
        return result
    weights: list[tuple[Fraction, int | Fraction]] = []
    for participant, f in taking_part:
        if key.method is Method.EQUAL:
            weights.append((f, f))
        elif key.method is Method.PER_CAPITA:
            population = participant.population or 0
            weights.append((f * population, population))
        elif key.method is Method.TIERED:
            weight = band_weight(key.bands, participant.population or 0)
            weights.append((f * weight, participant.population or 0))
        else:
            units = participant.units or 0
            weights.append((Fraction(units), units))
    sum_w = sum((w for w, _ in weights), Fraction(0))
    if sum_w == 0:
        raise AllocationError("The weights of all participants sum to zero; "
                              "there is nothing to share by.", kind="zero_weights")
    return [(total * w / sum_w, basis) for w, basis in weights]


def largest_remainder(amount: int, quotas: Sequence[tuple[str, Fraction]]) -> dict[str, int]:
    """Round exact quotas to whole öre summing to `amount`: floor each, then hand the öre left
    over, one each, to the largest fractional parts; equal parts go to the lower code first."""
    floors = {code: quota.numerator // quota.denominator for code, quota in quotas}
    left_over = amount - sum(floors.values())
    order = sorted(quotas, key=lambda item: (-(item[1] - floors[item[0]]), item[0]))
    for code, _quota in order[:left_over]:
        floors[code] += 1
    return floors


def as_decimal(value: Fraction, places: int = 10) -> str:
    """A fraction as a decimal string, rounded half up to `places` decimals."""
    scale = 10 ** places
    scaled = value * scale
    rounded = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    sign = "-" if rounded < 0 else ""
    rounded = abs(rounded)
    whole, part = divmod(rounded, scale)
    return f"{sign}{whole}.{part:0{places}d}" if places else f"{sign}{whole}"

