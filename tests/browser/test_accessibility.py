"""Every main page passes axe-core's WCAG 2.1 A and AA rules (DOS-lagen), in Swedish, also
with form errors shown and on a phone. axe-core comes from the npm registry and is kept with
the tests (tests/browser/axe, installed by `make test`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
RULES = "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}"
PAGES = ["/", "/municipalities/", "/municipalities/0483", "/municipalities/new",
         "/municipalities/import", "/tools/", "/tools/provisum", "/tools/matrix", "/costs/",
         "/costs/2025", "/costs/budgets/provisum/2026", "/costs/fees/2026",
         "/costs/statements/0483/2025", "/councils/", "/meetings/1", "/motions/3",
         "/admin/users", "/admin/audit", "/help/api", "/settings", "/councils/1/proxies"]


@pytest.fixture
def axe_page(chromium, live_server):
    if not AXE.exists():
        pytest.fail("axe-core is missing: `make test` installs it (tests/browser/axe).")
    # The app's CSP forbids injected scripts, as it should; only the checker bypasses it.
    context = chromium.new_context(base_url=live_server, locale="sv-SE", bypass_csp=True,
                                   viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def violations(page) -> list[str]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate(f"async () => (await axe.run(document, {RULES})).violations"
                          ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes[0].html)")
    return list(found)


def test_main_pages_pass_axe(axe_page):
    sign_in(axe_page)
    problems = {}
    for path in PAGES:
        axe_page.goto(path)
        if found := violations(axe_page):
            problems[path] = found
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)


def test_a_form_with_errors_passes_axe(axe_page):
    sign_in(axe_page)
    axe_page.goto("/municipalities/new")
    axe_page.get_by_role("button", name="Lägg till kommun").click()
    assert axe_page.locator(".error-summary").is_visible()
    assert violations(axe_page) == []


def test_the_voting_page_on_a_phone_passes_axe(axe_page):
    axe_page.set_viewport_size({"width": 390, "height": 844})
    sign_in(axe_page, "ombud.uppsala@sambruk.demo")
    axe_page.goto("/")
    axe_page.locator("ul.motion-list a", has_text="Rösta").first.click()
    assert violations(axe_page) == []


def test_the_login_page_passes_axe(axe_page):
    axe_page.goto("/login")
    assert violations(axe_page) == []
