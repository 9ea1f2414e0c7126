"""A representative votes from a phone; the office closes the vote; in a real browser."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shoot, sign_in

pytestmark = pytest.mark.browser


def test_representative_votes_on_a_phone_and_admin_closes(page, chromium, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "ombud.stockholm@sambruk.demo")
    item = page.locator("ul.motion-list li", has_text="Verksamhetsplan 2027")
    assert item.count() == 1
    shoot(page, "30-representative-home-phone")
    item.get_by_role("link", name="Rösta").click()
    assert "Rösten är slutlig." in page.locator(".notice").inner_text()
    shoot(page, "31-vote-phone")
    page.get_by_role("button", name="Lägg den slutliga rösten").click()
    assert "Välj ja, nej eller avstår." in page.content()
    page.get_by_label("Ja").check()
    page.get_by_role("button", name="Lägg den slutliga rösten").click()
    assert "Din röst är lagd." in page.locator(".flash").inner_text()
    assert "Rösten för Stockholm" in page.get_by_role("heading", level=1).inner_text()
    receipt = page.locator("code").inner_text()
    shoot(page, "32-receipt-phone")
    page.reload()  # the receipt stays: Post/Redirect/Get
    assert page.locator("code").inner_text() == receipt and "Ja" in page.content()
    ballot_url = page.url
    page.goto(ballot_url.replace("/ballots/", "/vote/"))  # the form again: sent to the ballot
    assert page.url == ballot_url and page.locator("code").inner_text() == receipt
    page.goto("/")
    assert "Röstat" in page.locator("ul.motion-list").inner_text()
    page.go_back()
    assert page.locator("code").inner_text() == receipt

    admin_context = chromium.new_context(base_url=live_server, locale="sv-SE",
                                         viewport={"width": 1280, "height": 900})
    admin = admin_context.new_page()
    sign_in(admin)
    admin.goto("/councils/")
    admin.get_by_role("link", name="Styrelse").click()
    admin.get_by_role("link", name="Verksamhetsplan 2027").click()
    assert "1 av 5 platser har röstat." in admin.content()
    assert "Löpande räkning" in admin.content()
    shoot(admin, "33-admin-live-tally")
    admin.get_by_role("button", name="Avsluta och räkna").click()
    assert "4 av 5 platser har inte röstat" in admin.locator(".notice").inner_text()
    shoot(admin, "34-admin-close-confirm")
    admin.get_by_role("button", name="Avsluta och räkna").click()
    assert "avslutad och räknad" in admin.locator(".flash").inner_text()
    # 1 yes of 5 seats: quorum 50 % not met
    assert "Inte beslutsfört" in admin.locator(".outcome").inner_text()
    shoot(admin, "35-admin-closed")
    admin_context.close()
