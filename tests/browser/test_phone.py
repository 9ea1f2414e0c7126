"""Every page of every role on a 390 px phone: no sideways scrolling of the document (wide
tables scroll inside their own box), and axe-core's WCAG checks pass there too. axe runs once
per page: on the pages test_accessibility does not check, on the first role that sees them,
and on each role's own start page; the width is checked for every role."""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import PAGES as CHECKED_AT_DESKTOP
from tests.browser.test_accessibility import axe_page, violations  # noqa: F401

pytestmark = pytest.mark.browser

COMMON = ["/", "/municipalities/", "/municipalities/0483", "/tools/", "/tools/provisum",
          "/tools/matrix", "/councils/", "/councils/1", "/councils/2", "/meetings/1",
          "/motions/1", "/motions/3", "/costs/", "/costs/2025", "/costs/2026",
          "/costs/budgets/provisum/2026", "/costs/fees/2026", "/help/api", "/settings",
          "/municipalities/imports", "/municipalities/imports/1"]
PAGES = {
    "kansli@sambruk.demo": COMMON + [
        "/municipalities/new", "/municipalities/import", "/costs/statements/0483/2025",
        "/admin/users", "/admin/users/new", "/admin/users/1", "/admin/users/1/edit",
        "/admin/audit", "/councils/1/proxies", "/admin/notices", "/invoicing/settings",
        "/invoices"],
    "ekonomi@sambruk.demo": COMMON + ["/costs/statements/0483/2025", "/invoices"],
    "ekonomi.katrineholm@sambruk.demo": COMMON + ["/costs/statements/0483/2025"],
    "ombud.stockholm@sambruk.demo": COMMON + ["/costs/statements/0180/2025"],
    "revisor@sambruk.demo": COMMON + ["/costs/statements/0483/2025", "/admin/audit",
                                      "/councils/1/proxies"],
}



def _axe_once() -> dict[str, set[str]]:
    seen = set(CHECKED_AT_DESKTOP) - {"/"}
    chosen: dict[str, set[str]] = {}
    for email in sorted(PAGES):
        chosen[email] = {path for path in PAGES[email] if path not in seen} | {"/"}
        seen |= chosen[email]
    return chosen


AXE_ON = _axe_once()


@pytest.fixture
def phone(axe_page):  # noqa: F811  (the imported fixture)
    """The axe-ready page of the accessibility tests, on a 390 px phone."""
    axe_page.set_viewport_size({"width": 390, "height": 844})
    axe_page.set_default_timeout(15_000)
    return axe_page


@pytest.mark.parametrize("email", sorted(PAGES))
def test_every_page_fits_a_phone(phone, email):
    sign_in(phone, email)
    too_wide, problems = {}, {}
    for path in PAGES[email]:
        response = phone.goto(path)
        assert response is not None and response.status < 400, (path, response and
                                                                response.status)
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[path] = width
        if path in AXE_ON[email] and (found := violations(phone)):
            problems[path] = found
    assert too_wide == {}, too_wide
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)
