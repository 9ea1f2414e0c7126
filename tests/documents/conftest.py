"""A small consortium to govern: four member municipalities with representatives."""

from __future__ import annotations

from datetime import date

import pytest

from consortium.members import service as members
from consortium.tools import service as tools
from tests.conftest import bearer

MUNICIPALITIES = [("0180", "Stockholm", 935_619), ("1280", "Malmö", 328_494),
                  ("0483", "Katrineholm", 33_722), ("1860", "Laxå", 5_631)]


@pytest.fixture
def consortium(make_municipality, make_user, make_tool, api_token):
    found = {}
    for code, name, population in MUNICIPALITIES:
        municipality = make_municipality(code, name, "Län")
        members.set_population(municipality, 2016, population)
        members.change_membership(municipality, "admit", date(2010, 1, 1))
        found[code] = municipality
    tool = make_tool("provisum", "Provisum")
    for code in ("0180", "0483", "1860"):
        tools.set_participation(tool, found[code], date(2019, 1, 1), None)
    reps = {code: bearer(api_token("representative", municipality=m))
            for code, m in found.items()}
    return {"municipalities": found, "tool": tool, "reps": reps,
            "admin": bearer(api_token("admin")), "observer": bearer(api_token("observer"))}
