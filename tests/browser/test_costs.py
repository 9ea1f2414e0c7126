"""A finance officer sets a budget, checks the preview and adopts it, in a real browser."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shoot, sign_in

pytestmark = pytest.mark.browser


def test_finance_officer_previews_saves_and_adopts_a_budget(page):
    sign_in(page, "ekonomi@sambruk.demo")
    page.goto("/costs/budgets/provisum/2027")
    assert "har ingen budget för 2027" in page.content()
    page.get_by_label("Belopp (kr)").fill("5 600 000")
    page.get_by_label("Fördelningsnyckel").select_option("per_capita")
    page.get_by_label("Befolkningsår").fill("2016")
    page.get_by_role("button", name="Förhandsgranska").click()
    preview = page.locator("section.preview")
    assert "ingenting har sparats" in preview.inner_text()
    stockholm = preview.locator("tr", has_text="Stockholm")
    assert "kr" in stockholm.inner_text()
    assert "Totalt" in preview.locator("tfoot").inner_text()
    assert "5 600 000,00" in preview.locator("tfoot").inner_text().replace("\u00a0", " ")
    shoot(page, "20-budget-preview")
    page.get_by_role("button", name="Spara utkast").click()
    assert "sparades som utkast" in page.locator(".flash").inner_text()
    page.get_by_role("button", name="Fastställ budgeten").click()
    assert "Fastställa budgeten för Provisum 2027?" in page.locator(".notice").inner_text()
    shoot(page, "21-budget-adopt-confirm")
    page.get_by_role("button", name="Fastställ budgeten").click()
    assert "fastställdes" in page.locator(".flash").inner_text()
    assert "låsta" in page.locator(".notice").inner_text()
    shoot(page, "22-budget-adopted")


def test_finance_overview_and_statement(page):
    sign_in(page, "ekonomi.katrineholm@sambruk.demo")
    page.goto("/costs/")
    page.get_by_role("link", name="Kostnadsunderlag för Katrineholm").click()
    assert "Kostnadsunderlag 2026" in page.get_by_role("heading", level=1).inner_text()
    assert "Medlemsavgift" in page.content()
    shoot(page, "22-statement-katrineholm")
    response = page.goto("/costs/statements/0180/2026")
    assert response.status == 403
    page.goto("/costs/2025")
    assert page.locator("table.data tbody tr").count() > 40
    shoot(page, "23-overview-2025")
