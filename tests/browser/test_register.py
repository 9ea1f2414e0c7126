"""An administrator uses the register in a real browser."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shoot, sign_in

pytestmark = pytest.mark.browser


def test_admin_finds_a_municipality_by_search(page):
    sign_in(page)
    shoot(page, "01-home-admin")
    page.get_by_role("link", name="Kommuner").click()
    page.get_by_label("Namn eller kod").fill("Katrine")
    page.get_by_role("button", name="Filtrera").click()
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 1
    assert "Katrineholm" in rows.first.inner_text()
    shoot(page, "02-municipalities-search")
    rows.first.get_by_role("link", name="Katrineholm").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Katrineholm")
    assert page.locator("svg.chart").count() == 0 or page.locator("svg.chart").is_visible()
    shoot(page, "03-municipality-detail")


def test_admin_is_told_what_is_wrong_with_a_code(page):
    sign_in(page)
    page.goto("/municipalities/new")
    page.get_by_label("Kommunkod").fill("99X9")
    page.get_by_label("Namn", exact=True).fill("Provkommun")
    page.get_by_label("Län").select_option("Södermanlands län")
    page.get_by_role("button", name="Lägg till kommun").click()
    error = page.locator("#code-error")
    assert "exakt fyra siffror" in error.inner_text()
    assert page.get_by_label("Kommunkod").get_attribute("aria-invalid") == "true"
    shoot(page, "04-municipality-bad-code")
    page.get_by_label("Kommunkod").fill("9999")
    page.get_by_role("button", name="Lägg till kommun").click()
    assert "9999 är ingen kommunkod i Sverige." in page.locator("#code-error").inner_text()
    # The demo holds all 290: a real code is one already in the register
    page.get_by_label("Kommunkod").fill("0483")
    page.get_by_role("button", name="Lägg till kommun").click()
    assert page.locator("#code-error").is_visible()
    assert page.get_by_label("Län").input_value() == "Södermanlands län"  # kept
    shoot(page, "05-municipality-code-taken")


def test_admin_sees_the_line_of_a_bad_row_in_an_import(page, tmp_path):
    sign_in(page)
    csv_file = tmp_path / "folkmangd-2025.csv"
    csv_file.write_text("code,name,county,population,population_year\n"
                        "0483,Katrineholm,Södermanlands län,34939,2025\n"
                        "0484,Eskilstuna,Södermanlands län,-12,2025\n", encoding="utf-8")
    page.goto("/municipalities/import")
    page.get_by_label("Fil (CSV eller XLSX)").set_input_files(str(csv_file))
    page.get_by_role("button", name="Granska filen").click()
    summary = page.locator(".error-summary")
    assert "Ingenting importerades" in summary.inner_text()
    cells = summary.locator("tbody tr").first.locator("td")
    assert cells.nth(0).inner_text() == "3"
    assert "Folkmängden -12 är negativ." in cells.nth(1).inner_text()
    shoot(page, "06-import-bad-row")
    # SCB's table as downloaded, with a name that is not the register's: named, not written
    scb = tmp_path / "BE0101-2025.csv"
    scb.write_text('"Folkmängd efter region och år"\n\n"region","2025"\n"00 Riket",10600000\n'
                   '"0483 Katrineholm",34939\n"0484 Nyköping",107000\n', encoding="utf-8")
    page.get_by_label("Fil (CSV eller XLSX)").set_input_files(str(scb))
    page.get_by_role("button", name="Granska filen").click()
    assert "Läst som: SCB, Folkmängd efter region och år." in page.content()
    names = page.locator("#names")
    assert "Filen kallar 0484 ”Nyköping”; registret har ”Eskilstuna”." not in page.content()
    assert "Nyköping" in names.inner_text() and "Eskilstuna" in names.inner_text()
    shoot(page, "08-import-name-differs")
    page.get_by_role("button", name="Importera 2 rader").click()
    assert "Ingenting importerades: kryssa i ”Byt namn”" in page.locator(".flash").inner_text()
    scb.write_text('"Folkmängd efter region och år"\n\n"region","2025"\n"00 Riket",10600000\n'
                   '"0483 Katrineholm",34939\n', encoding="utf-8")
    page.goto("/municipalities/import")
    page.get_by_label("Fil (CSV eller XLSX)").set_input_files(str(scb))
    page.get_by_role("button", name="Granska filen").click()
    assert "Ingenting har sparats ännu" in page.content()
    assert "Rad 4: 00 Riket (summa)" in page.content()
    shoot(page, "07-import-preview")
    page.get_by_role("button", name="Importera 1 rader").click()
    assert "1 rader importerades" in page.locator(".flash").inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == "Import av BE0101-2025.csv"
    shoot(page, "09-import-record")
    page.goto("/municipalities/0483")
    page.get_by_role("link", name="Import av BE0101-2025.csv").first.click()
    assert "SHA-256" in page.content()


def test_tool_pages_and_matrix_render(page):
    sign_in(page)
    page.goto("/tools/")
    shoot(page, "08-tools")
    page.get_by_role("link", name="Provisum").first.click()
    assert "Deltagare i dag (12)" in page.content()
    shoot(page, "09-tool-provisum")
    page.goto("/tools/matrix")
    assert page.locator("table.matrix tbody tr").count() > 40
    shoot(page, "10-matrix")


def test_representative_reads_but_cannot_edit(page):
    sign_in(page, "ombud.malmo@sambruk.demo")
    page.goto("/municipalities/1280")
    assert page.get_by_role("link", name="Redigera uppgifter").count() == 0
    response = page.goto("/municipalities/new")
    assert response.status == 403
    shoot(page, "11-representative-forbidden")


def test_narrow_screen_keeps_the_list_usable(page):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "ombud.malmo@sambruk.demo")
    page.goto("/municipalities/?q=Mal")
    assert page.get_by_role("link", name="Malmö").is_visible()
    shoot(page, "12-narrow-list")
