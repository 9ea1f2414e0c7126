"""The finance officer's start page says what waits for them; a finance officer tied to a
municipality is offered no link that leads to a 403."""

from __future__ import annotations

from datetime import date

from consortium import clock
from consortium.auth.models import Role
from consortium.members import service as members
from tests.costs.test_closing import BUDGET
from tests.costs.test_costs_api import SAMBRUK_FEES, setup  # noqa: F401  (the fixture)

EN = {"Accept-Language": "en"}


def test_the_start_page_lists_drafts_what_keeps_the_year_open_and_issued_statements(
        client, client_as, setup):  # noqa: F811
    year = clock.today().year
    finance = setup["finance"]
    members.change_membership(members.get_by_code("0180"), "admit", date(2009, 1, 1))
    officer = client_as(Role.FINANCE)
    empty = officer.get("/", headers=EN).get_data(as_text=True)
    assert "Cost sharing: what waits for you" in empty
    assert f"There is no membership fee schedule for {year}." in empty
    client.put(f"/api/v1/tools/provisum/budgets/{year}", json=BUDGET, headers=finance)
    drafts = officer.get("/", headers=EN).get_data(as_text=True)
    assert f'href="/costs/budgets/provisum/{year}">Provisum {year}</a>' in drafts
    assert "The budget of Provisum (version 1) is not adopted." in drafts
    client.post(f"/api/v1/tools/provisum/budgets/{year}/adopt", headers=finance)
    client.put(f"/api/v1/fees/{year}", json=SAMBRUK_FEES, headers=finance)
    ready = officer.get("/", headers=EN).get_data(as_text=True)
    assert f"{year} can be closed." in ready and "Budget drafts to adopt" not in ready
    client.post(f"/api/v1/years/{year}/close", headers=finance)
    tied = client_as(Role.FINANCE, municipality=members.get_by_code("0483"))
    issued = tied.get("/", headers=EN).get_data(as_text=True)
    assert f'href="/costs/statements/0483/{year}">The statement of Katrineholm for {year}' \
        in issued


def test_a_tied_finance_officer_gets_no_link_to_other_statements(client, client_as,
                                                                setup):  # noqa: F811
    year = clock.today().year
    client.put(f"/api/v1/tools/provisum/budgets/{year}", json=BUDGET, headers=setup["finance"])
    tied = client_as(Role.FINANCE, municipality=members.get_by_code("0483"))
    html = tied.get(f"/costs/{year}", headers=EN).get_data(as_text=True)
    assert f'href="/costs/statements/0483/{year}"' in html
    assert f'href="/costs/statements/0180/{year}"' not in html and "Stockholm" in html
    wide = client_as(Role.FINANCE).get(f"/costs/{year}", headers=EN).get_data(as_text=True)
    assert f'href="/costs/statements/0180/{year}"' in wide
