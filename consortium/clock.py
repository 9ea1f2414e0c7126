"""The consortium's clock: "today" is the consortium's day in its time zone, never the server's.

Every date the registry decides by (a meeting held, a proxy valid, a membership in force, an
export's name) is the day in the installation's TIMEZONE (Europe/Stockholm, or Europe/Oslo for
a Norwegian installation); instants are aware datetimes, stored as UTC. Tests move this clock
with time-machine, which moves `datetime.now` and so everything here."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Europe/Stockholm"
_configured: dict[str, str] = {}


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def configure(zone_name: str) -> None:
    """Name the installation's time zone (the app factory does, from TIMEZONE); an unknown
    name fails here, at start, rather than on the first date."""
    _zone(zone_name)
    _configured["zone"] = zone_name


def zone() -> ZoneInfo:
    """The installation's time zone: the current app's, else the last configured one."""
    from flask import current_app, has_app_context

    if has_app_context():
        name = current_app.config.get("TIMEZONE")
        if name:
            return _zone(name)
    return _zone(_configured.get("zone", DEFAULT_ZONE))


def now() -> datetime:
    """This instant, as an aware datetime in the consortium's time zone."""
    return datetime.now(UTC).astimezone(zone())


def today() -> date:
    """The consortium's day now."""
    return now().date()


def local(value: datetime) -> datetime:
    """An instant seen in the consortium's time zone."""
    return value.astimezone(zone())


def start_of(day: date) -> datetime:
    """The first instant of the consortium's `day`, in UTC (so that differences count real
    hours: the days the clocks change are 23 and 25 hours long)."""
    return datetime.combine(day, time.min, zone()).astimezone(UTC)


def end_of(day: date) -> datetime:
    """The first instant of the day after `day`: a day is [start_of(day), end_of(day))."""
    return start_of(day + timedelta(days=1))
