"""The allocation rules of SPEC.md ("Cost sharing"), as pure functions on plain values.

Money is integer öre; weights, quotas and shares are exact Fractions. Nothing here imports
Flask or SQLAlchemy, so the rules can be read, tested and benchmarked on their own."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from math import gcd


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
    """One participant's share. Exact values are kept as integers over common denominators
    (the year's days, the allocation's denominator) and made Fractions only when asked for."""

    code: str
    name: str
    days: int  # days of participation in the year
    year_days: int  # days of the year
    basis: int | Fraction  # what the key weighs: population, units, band weight or f
    quota_numerator: int  # exact amount in öre = quota_numerator / quota_denominator
    quota_denominator: int
    amount: int  # öre

    @property
    def fraction(self) -> Fraction:
        """f(m): the part of the year the municipality took part."""
        return Fraction(self.days, self.year_days)

    @property
    def quota(self) -> Fraction:
        """The exact amount in öre before rounding."""
        return Fraction(self.quota_numerator, self.quota_denominator)

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


def participation_days(periods: Iterable[tuple[date, date | None]], year: int) -> int:
    """Days of participation in `year` (inclusive ends; periods never overlap)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    days = 0
    for joined_on, left_on in periods:
        start = joined_on if joined_on > first else first
        end = left_on if left_on is not None and left_on < last else last
        if end >= start:
            days += (end - start).days + 1
    return days


def participation_fraction(periods: Iterable[tuple[date, date | None]], year: int) -> Fraction:
    """f(m): days of participation in `year` over the days of the year."""
    return Fraction(participation_days(periods, year), days_in_year(year))


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
    figure the key needs is an error naming every such municipality; nothing is guessed.
    The arithmetic is exact and in integers: every quota is a numerator over one common
    denominator, so rounding compares integers (the same result as with Fractions)."""
    if amount < 0:
        raise AllocationError("The amount cannot be negative.")
    check_key(key)
    taking_part = []
    for participant in participants:
        days = participation_days(participant.periods, year)
        if days > 0:
            taking_part.append((participant, days))
    if not taking_part:
        raise AllocationError(f"No municipality takes part in {year}.",
                              kind="no_participants", year=year)
    population_year = key.effective_population_year(year) \
        if key.method in NEEDS_POPULATION else None
    _require_figures(key, population_year, year, [p for p, _ in taking_part])
    year_days = days_in_year(year)
    numerators, denominator, bases = _quotas(amount, key, taking_part, year_days)
    codes = [p.code for p, _ in taking_part]
    amounts = _largest_remainder(amount, codes, numerators, denominator)
    lines = [Line(p.code, p.name, days, year_days, basis, numerator, denominator, rounded)
             for (p, days), numerator, basis, rounded
             in zip(taking_part, numerators, bases, amounts, strict=True)]
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


def _quotas(amount: int, key: Key, taking_part: Sequence[tuple[Participant, int]],
            year_days: int) -> tuple[list[int], int, list[int | Fraction]]:
    """Each participant's exact quota in öre as numerators over one common denominator, and
    each one's basis, in the order given. f(m) = days(m) / days of the year; the days of the
    year cancel out of every key, so the weights are integers (band weights are scaled to
    integers by the common multiple of their denominators)."""
    if key.method is Method.BASE_PLUS_PER_CAPITA:
        assert key.base_share is not None
        p, q = key.base_share.numerator, key.base_share.denominator
        sum_days = sum(days for _, days in taking_part)
        sum_weighted = sum(days * (x.population or 0) for x, days in taking_part)
        bases: list[int | Fraction] = [x.population or 0 for x, _ in taking_part]
        if p == q:  # the whole amount as base: the same share per day of participation
            return [amount * days for _, days in taking_part], sum_days, bases
        if sum_weighted == 0:
            raise AllocationError("The population of all participants sums to zero.",
                                  kind="zero_weights")
        # amount * (s * d / Σd + (1 - s) * d * pop / Σ(d * pop)), s = p / q
        numerators = [amount * days * (p * sum_weighted + (q - p) * (x.population or 0)
                                       * sum_days) for x, days in taking_part]
        return numerators, q * sum_days * sum_weighted, bases
    weights: list[int] = []
    bases = []
    if key.method is Method.EQUAL:
        for _, days in taking_part:
            weights.append(days)
            bases.append(Fraction(days, year_days))  # the basis shown is f itself
    elif key.method is Method.PER_CAPITA:
        for participant, days in taking_part:
            population = participant.population or 0
            weights.append(days * population)
            bases.append(population)
    elif key.method is Method.TIERED:
        scale = 1
        for band in key.bands:
            scale = scale * band.weight.denominator // gcd(scale, band.weight.denominator)
        for participant, days in taking_part:
            weight = band_weight(key.bands, participant.population or 0)
            weights.append(days * (weight.numerator * (scale // weight.denominator)))
            bases.append(participant.population or 0)
    else:
        for participant, _days in taking_part:
            units = participant.units or 0
            weights.append(units)
            bases.append(units)
    total = sum(weights)
    if total == 0:
        raise AllocationError("The weights of all participants sum to zero; "
                              "there is nothing to share by.", kind="zero_weights")
    return [amount * weight for weight in weights], total, bases


def _largest_remainder(amount: int, codes: Sequence[str], numerators: Sequence[int],
                       denominator: int) -> list[int]:
    """Round quotas numerator/denominator to whole öre summing to `amount`: floor each, then
    hand the öre left over, one each, to the largest remainders; equal remainders go to the
    lower code first."""
    floors = []
    remainders = []
    for index, numerator in enumerate(numerators):
        whole, rest = divmod(numerator, denominator)
        floors.append(whole)
        remainders.append((-rest, codes[index], index))
    left_over = amount - sum(floors)
    if left_over:
        remainders.sort()
        for _rest, _code, index in remainders[:left_over]:
            floors[index] += 1
    return floors


def largest_remainder(amount: int, quotas: Sequence[tuple[str, Fraction]]) -> dict[str, int]:
    """Round exact quotas to whole öre summing to `amount` (the largest remainder method of
    `_largest_remainder`, on Fractions brought to one denominator)."""
    denominator = 1
    for _code, quota in quotas:
        denominator = denominator * quota.denominator // gcd(denominator, quota.denominator)
    numerators = [quota.numerator * (denominator // quota.denominator) for _c, quota in quotas]
    rounded = _largest_remainder(amount, [code for code, _q in quotas], numerators, denominator)
    return dict(zip([code for code, _q in quotas], rounded, strict=True))


def as_decimal(value: Fraction, places: int = 10) -> str:
    """A fraction as a decimal string, rounded half up to `places` decimals."""
    scale = 10 ** places
    scaled = value * scale
    rounded = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    sign = "-" if rounded < 0 else ""
    rounded = abs(rounded)
    whole, part = divmod(rounded, scale)
    return f"{sign}{whole}.{part:0{places}d}" if places else f"{sign}{whole}"

