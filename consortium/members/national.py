"""The national list of municipalities of the installation's country (code, name, county),
shipped with the project (see consortium/demo/data/SOURCE.md): what a kommunkod and a county
may be. Forms, the API and the imports accept no code outside it (codes of Sweden and Norway
overlap: 1860 is Laxå and Vestvågøy), so a merger enters the registry with a new list, shipped
as a new release."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from flask_babel import gettext as _

DATA = Path(__file__).resolve().parents[1] / "demo" / "data"
FILES = {"SE": "se_municipalities.csv", "NO": "no_municipalities.csv"}
COUNTRY_NAMES = {"SE": "Sverige", "NO": "Norge"}


class Entry(NamedTuple):
    name: str
    county: str


@lru_cache(maxsize=4)
def municipalities(country: str) -> dict[str, Entry]:
    path = DATA / FILES.get(country, FILES["SE"])
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: Entry(row["name"], row["county"]) for row in csv.DictReader(handle)}


@lru_cache(maxsize=4)
def counties(country: str) -> list[str]:
    from consortium.members.models import swedish_key

    return sorted({entry.county for entry in municipalities(country).values()}, key=swedish_key)


def national_code_error(code: str, country: str) -> str | None:
    """An error when a well-formed code is not a municipality of the country's list."""
    if code not in municipalities(country):
        return _("%(code)s is not a municipality code (kommunkod) of %(country)s.",
                 code=code, country=COUNTRY_NAMES.get(country, country))
    return None


def county_error(county: str, country: str) -> str | None:
    if county not in counties(country):
        return _("Choose one of the counties (län) of %(country)s.",
                 country=COUNTRY_NAMES.get(country, country))
    return None
