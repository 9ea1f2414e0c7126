"""Derived figures are stored when their inputs change (SPEC "Time"): a population figure, a
participation, a usage figure or a membership change recomputes exactly the drafts and fee
years it touches, in its own transaction; pages, API and documents read what is stored."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from consortium import db
from consortium.costs import fee_schedules, keys
from consortium.costs import service as costs
from consortium.costs.fees import FeeBand
from consortium.costs.models import AllocationLine, Budget, StoredFee
from consortium.members import service as members
from consortium.tools import service as tools

PER_CAPITA = keys.key_from_data({"method": "per_capita"})
EQUAL = keys.key_from_data({"method": "equal"})


@pytest.fixture
def drafts(make_municipality, make_tool):
    """Provisum (per capita) 2026 and 2027, Egil (equal) 2026; Stockholm and Laxå take part
    in both from 2019."""
    stockholm = make_municipality("0180", "Stockholm", "Stockholms län")
    laxa = make_municipality("1860", "Laxå", "Örebro län")
    for year in (2024, 2025):
        members.set_population(stockholm, year, 900_000)
        members.set_population(laxa, year, 100_000)
    provisum = make_tool("provisum", "Provisum", open_to_non_members=True)
    egil = make_tool("egil", "Egil", open_to_non_members=True)
    for tool in (provisum, egil):
        for municipality in (stockholm, laxa):
            tools.set_participation(tool, municipality, date(2019, 1, 1), None)
    budgets = {
        "provisum-2026": costs.set_budget(provisum, 2026, 1_000_000, PER_CAPITA)[0],
        "provisum-2027": costs.set_budget(provisum, 2027, 1_000_000, PER_CAPITA)[0],
        "egil-2026": costs.set_budget(egil, 2026, 1_000_000, EQUAL)[0],
    }
    return {"stockholm": stockholm, "laxa": laxa, "provisum": provisum, "egil": egil,
            "budgets": budgets}


def stored(budget: Budget) -> dict[str, int]:
    rows = db.session.execute(select(AllocationLine.municipality_id, AllocationLine.amount)
                              .where(AllocationLine.budget_id == budget.id))
    return dict(rows.all())


def computed_at(drafts_fixture) -> dict[str, object]:
    for budget in drafts_fixture["budgets"].values():
        db.session.refresh(budget)
    return {name: budget.computed_at for name, budget in drafts_fixture["budgets"].items()}


def test_a_draft_is_stored_when_it_is_entered(drafts):
    s, lx = drafts["stockholm"].id, drafts["laxa"].id
    assert stored(drafts["budgets"]["provisum-2026"]) == {s: 900_000, lx: 100_000}
    assert stored(drafts["budgets"]["egil-2026"]) == {s: 500_000, lx: 500_000}


def test_a_population_figure_recomputes_only_the_drafts_that_use_its_year(drafts):
    before = computed_at(drafts)
    members.set_population(drafts["laxa"], 2024, 400_000)
    after = computed_at(drafts)
    assert after["provisum-2026"] != before["provisum-2026"]  # per capita, population 2024
    assert after["provisum-2027"] == before["provisum-2027"]  # population 2025
    assert after["egil-2026"] == before["egil-2026"]  # equal shares use no population
    # 900 000 : 400 000 of 1 000 000 öre
    assert stored(drafts["budgets"]["provisum-2026"]) == {drafts["stockholm"].id: 692_308,
                                                          drafts["laxa"].id: 307_692}


def test_a_figure_of_a_municipality_taking_part_in_nothing_recomputes_nothing(
        drafts, make_municipality):
    before = computed_at(drafts)
    members.set_population(make_municipality("0483", "Katrineholm", "Södermanlands län"),
                           2024, 33_722)
    assert computed_at(drafts) == before


def test_a_participation_recomputes_the_drafts_of_its_tool_and_years(drafts, make_municipality):
    katrineholm = make_municipality("0483", "Katrineholm", "Södermanlands län")
    members.set_population(katrineholm, 2025, 100_000)
    before = computed_at(drafts)
    tools.set_participation(drafts["provisum"], katrineholm, date(2027, 1, 1), None)
    after = computed_at(drafts)
    assert after["provisum-2027"] != before["provisum-2027"]
    assert after["provisum-2026"] == before["provisum-2026"]  # ends before it starts
    assert after["egil-2026"] == before["egil-2026"]  # another tool
    assert stored(drafts["budgets"]["provisum-2027"])[katrineholm.id] == 90_909


def test_a_draft_that_cannot_be_computed_stores_why(drafts, make_municipality, client_as):
    katrineholm = make_municipality("0483", "Katrineholm", "Södermanlands län")
    tools.set_participation(drafts["provisum"], katrineholm, date(2026, 1, 1), None)
    budget_id = drafts["budgets"]["provisum-2026"].id
    budget = db.session.get(Budget, budget_id)
    assert stored(budget) == {}
    assert budget.allocation_problem["kind"] == "missing_population"
    page = client_as("finance").get("/costs/budgets/provisum/2026", headers={"Accept-Language":
                                                                             "en"})
    assert "No population figure for 2024 for: Katrineholm (0483)" in page.get_data(as_text=True)
    katrineholm = members.get_by_code("0483")
    members.set_population(katrineholm, 2024, 100_000)  # the figure arrives: lines are stored
    budget = db.session.get(Budget, budget_id)
    assert budget.allocation_problem is None
    assert set(stored(budget).values()) == {818_182, 90_909}
    assert stored(budget)[katrineholm.id] == 90_909


def test_a_usage_figure_recomputes_its_tools_draft(drafts):
    budget = costs.set_budget(drafts["egil"], 2025, 1_000, keys.key_from_data(
        {"method": "usage"}))[0]
    assert budget.allocation_problem["kind"] == "missing_usage"
    tools.set_usage(drafts["egil"], drafts["stockholm"], 2025, 3)
    tools.set_usage(drafts["egil"], drafts["laxa"], 2025, 1)
    db.session.refresh(budget)
    assert stored(budget) == {drafts["stockholm"].id: 750, drafts["laxa"].id: 250}


def fees(year: int) -> dict[int, int]:
    return {row.municipality_id: row.annual + row.entry for row in db.session.scalars(
        select(StoredFee).where(StoredFee.year == year))}


def test_a_membership_change_recomputes_the_fees_from_its_year(drafts):
    stockholm, laxa = drafts["stockholm"], drafts["laxa"]
    members.change_membership(stockholm, "admit", date(2010, 1, 1))
    bands = [FeeBand(None, 1_200_00, 0)]
    for year in (2025, 2026):
        fee_schedules.set_fee_schedule(year, 2024, bands)
    assert fees(2025) == fees(2026) == {stockholm.id: 1_200_00}
    members.change_membership(laxa, "admit", date(2026, 4, 1))
    assert fees(2025) == {stockholm.id: 1_200_00}
    assert fees(2026) == {stockholm.id: 1_200_00, laxa.id: 900_00}  # April-December: 9/12


def test_a_read_computes_nothing(drafts, client_as, count_queries):
    """The statement, the overview and the allocation read stored lines: no population,
    usage or participation period is read to compute a year."""
    fee_schedules.set_fee_schedule(2026, 2024, [FeeBand(None, 1_000_00, 0)])
    members.change_membership(drafts["laxa"], "admit", date(2010, 1, 1))
    finance = client_as("finance")
    with count_queries() as sent:
        for url in ("/costs/2026", "/costs/statements/1860/2026",
                    "/costs/budgets/provisum/2026"):
            assert finance.get(url).status_code == 200
    statements = sent.statements
    assert statements
    assert not [s for s in statements if "population_figures" in s or "usage_figures" in s
                or "membership_periods.joined_on, membership_periods.left_on" in s]


def test_a_statement_costs_the_same_whatever_the_number_of_other_participants(
        drafts, client_as, make_municipality, count_queries):
    finance = client_as("finance")
    url = "/costs/statements/1860/2026"
    finance.get("/")
    with count_queries() as few:
        assert finance.get(url).status_code == 200
    with count_queries() as kept_few:  # kept under its stamps (frame/stamps.py)
        assert finance.get(url).status_code == 200
    for number in range(30):
        other = make_municipality(f"{9300 + number}", f"K{number}", "L")
        members.set_population(other, 2024, 1000 + number)
        for tool in (drafts["provisum"], drafts["egil"]):
            tools.set_participation(tool, other, date(2020, 1, 1), None)
    with count_queries() as many:
        page = finance.get(url)
    with count_queries() as kept_many:
        assert finance.get(url).status_code == 200
    assert page.status_code == 200 and few.count == many.count
    assert kept_few.count == kept_many.count < many.count
