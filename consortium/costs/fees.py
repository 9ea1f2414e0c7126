"""The membership fee rules of SPEC.md ("Membership fees"), as pure functions.

A schedule is a list of population bands, each with an annual fee and an entry fee (öre).
The band is chosen by the population of `population_year` (default: fee year - 2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from consortium.costs.allocation import AllocationError, check_bounds, missing_figures


@dataclass(frozen=True)
class FeeBand:
    up_to: int | None  # inhabitants; None: no upper bound
    annual: int  # öre
    entry: int  # öre


@dataclass(frozen=True)
class Member:
    code: str
    name: str
    periods: tuple[tuple[date, date | None], ...]  # membership periods, oldest first
    population: int | None  # for the schedule's population year


@dataclass(frozen=True)
class FeeLine:
    code: str
    name: str
    band: int  # 1-based position of the band
    annual: int  # öre charged for the year (pro-rated in the joining year)
    entry: int  # öre charged as entry fee (medlemsinsats)

    @property
    def amount(self) -> int:
        return self.annual + self.entry


def round_half_up(value: Fraction) -> int:
    return (value.numerator * 2 + value.denominator) // (2 * value.denominator)


def check_bands(bands: Sequence[FeeBand]) -> None:
    if not bands:
        raise AllocationError("A fee schedule needs at least one band.")
    check_bounds([band.up_to for band in bands])
    if any(band.annual < 0 or band.entry < 0 for band in bands):
        raise AllocationError("Fees cannot be negative.")


def band_of(bands: Sequence[FeeBand], population: int) -> int:
    """The 1-based position of the first band with population <= up_to."""
    for position, band in enumerate(bands, start=1):
        if band.up_to is None or population <= band.up_to:
            return position
    raise AllocationError(f"No band covers a population of {population}.", kind="no_band")


def member_in_year(periods: Sequence[tuple[date, date | None]], year: int) -> bool:
    first, last = date(year, 1, 1), date(year, 12, 31)
    return any(joined <= last and (left is None or left >= first) for joined, left in periods)


def fee_lines(year: int, bands: Sequence[FeeBand], members: Sequence[Member],
              population_year: int) -> list[FeeLine]:
    """Every member's fee for `year`.

    A member for the whole year pays the annual fee. In the year it joins it pays
    annual * m / 12, m = the months from the month of joining through December, rounded
    half up to the öre; a member that resigns pays the year of resignation in full. The entry
    fee is paid once, in the year of joining, and half of it (rounded half up) by a
    municipality that rejoins after having resigned."""
    check_bands(bands)
    billed = [m for m in members if member_in_year(m.periods, year)]
    missing = [(m.code, m.name) for m in billed if m.population is None]
    if missing:
        raise missing_figures("missing_population", population_year, missing)
    lines = []
    for member in billed:
        assert member.population is not None
        position = band_of(bands, member.population)
        band = bands[position - 1]
        periods = sorted(member.periods)
        joined_now = [index for index, (joined, _left) in enumerate(periods)
                      if joined.year == year]
        annual, entry = band.annual, 0
        if joined_now:
            index = joined_now[0]
            months = 12 - periods[index][0].month + 1
            annual = round_half_up(Fraction(band.annual * months, 12))
            entry = band.entry if index == 0 else round_half_up(Fraction(band.entry, 2))
        lines.append(FeeLine(member.code, member.name, position, annual, entry))
    lines.sort(key=lambda line: line.code)
    return lines
