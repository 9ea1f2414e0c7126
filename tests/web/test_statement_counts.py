"""Statement counts that do not grow with the registry (issue "Fast at any size"), asserted the
way Zulip's tests assert query counts: every main page is read at two sizes, the second with
ten times the municipalities and more tools, years, budgets, open votes and proxies, and runs
the same number of SQL statements at both."""

from __future__ import annotations

from datetime import date

import pytest

from consortium import db
from consortium.costs import keys
from consortium.costs import service as costs
from consortium.governance import councils, motions, proxies
from consortium.members import service as members
from consortium.tools import service as tools

EN = {"Accept-Language": "en"}
KEY = {"method": "per_capita", "population_year": 2016}


def grow(consortium, make_municipality, make_tool, municipalities: int, extra_tools: int,
         first: int) -> None:
    """More of everything a page could read once per row."""
    provisum = consortium["tool"]
    added = []
    for number in range(municipalities):
        municipality = make_municipality(f"{first + number:04d}", f"Kommun {first + number}",
                                         "Län")
        members.set_population(municipality, 2016, 10_000 + number)
        members.change_membership(municipality, "admit", date(2012, 1, 1))
        tools.set_participation(provisum, municipality, date(2019, 1, 1), None)
        added.append(municipality)
    for number in range(extra_tools):
        tool = make_tool(f"verktyg{first + number}", f"Verktyg {first + number}")
        for municipality in added[:5]:
            tools.set_participation(tool, municipality, date(2020, 1, 1), None)
        for year in (2025, 2026, 2027):
            costs.set_budget(tool, year, 100_000_00, keys.key_from_data(KEY), actor_label="t")
    db.session.commit()


@pytest.fixture
def registry(app, client, consortium, client_as, make_user):
    c = consortium
    for year in (2026, 2027):
        costs.set_budget(c["tool"], year, 1_000_000_00, keys.key_from_data(KEY), actor_label="t")
    assembly = councils.create_council({"kind": "assembly", "name": "Stämma",
                                        "proxy_limit": 5}, actor_label="t")
    motion = motions.create_motion(assembly, {"title": "Första"}, actor_label="t")
    motions.open_motion(motion, actor_label="t")
    db.session.commit()
    rep = client_as("representative", municipality=c["municipalities"]["0180"])
    proxies.create_proxy(assembly, {"principal": "1280", "holder": rep.user.email,
                                    "valid_from": "2020-01-01", "valid_until": "2030-12-31"})
    db.session.commit()
    return {"assembly": assembly, "motion": motion, "rep": rep,
            "admin": client_as("admin"), "finance": client_as("finance"),
            "observer": client_as("observer")}


PAGES = [("admin", "/"), ("finance", "/"), ("rep", "/"), ("observer", "/municipalities/"),
         ("observer", "/municipalities/0180"), ("observer", "/tools/provisum"),
         ("admin", "/tools/provisum"), ("observer", "/tools/matrix"),
         ("finance", "/costs/2026"), ("finance", "/costs/statements/0180/2026"),
         ("observer", "/councils/{assembly}"), ("observer", "/motions/{motion}"),
         ("observer", "/admin/audit"), ("finance", "/invoices")]


def counts(registry, count_queries) -> dict[str, int]:
    found = {}
    for who, path in PAGES:
        url = path.format(assembly=registry["assembly"].id, motion=registry["motion"].id)
        with count_queries() as counted:
            answer = registry[who].get(url, headers=EN)
        assert answer.status_code == 200, (who, url, answer.status_code)
        found[f"{who} {path}"] = counted.count
    return found


def test_no_page_reads_more_as_the_registry_grows(registry, consortium, count_queries,
                                                  make_municipality, make_tool):
    c = consortium
    grow(c, make_municipality, make_tool, 4, 1, first=5000)
    small = counts(registry, count_queries)
    grow(c, make_municipality, make_tool, 40, 3, first=6000)
    # the representative holds proxies for three more seats, each with the open vote
    holder = registry["rep"].user
    for code in ("0483", "1860"):
        proxies.create_proxy(registry["assembly"], {"principal": code, "holder": holder.email,
                                                    "valid_from": "2020-01-01",
                                                    "valid_until": "2030-12-31"})
    second = motions.create_motion(registry["assembly"], {"title": "Andra"}, actor_label="t")
    motions.open_motion(second, actor_label="t")
    db.session.commit()
    large = counts(registry, count_queries)
    # (the audit page reads the names of the kinds of object on its first screen: at most one
    # statement per kind, fewer when the screen holds fewer kinds)
    grew = {page: (small[page], large[page]) for page in small if large[page] > small[page]}
    assert grew == {}, f"statements grew with the registry: {grew}"
