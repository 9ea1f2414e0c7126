"""A föreningsstämma held end to end in a real browser: two proxies, a fixed voting register,
an e-mailed notice per seat (a real SMTP server on loopback), a vote that closes itself, a
receipt the voter comes back to, and a protocol that says who voted for whom by proxy."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from consortium import clock, db
from consortium.governance.models import Motion
from consortium.jobs.service import sweep
from tests.browser.conftest import LIVE, shoot, sign_in
from tests.smtp import MailServer

pytestmark = pytest.mark.browser


def worker_sweep() -> None:
    """What the worker does every few seconds (close due motions, hand notices over)."""
    with LIVE["app"].app_context():
        sweep()


def test_a_stamma_with_proxies_a_register_notices_and_a_vote_that_closes_itself(
        page, chromium, live_server):
    app = LIVE["app"]
    mail = MailServer()
    mail.start()
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=mail.port)
    try:
        sign_in(page)
        page.goto("/councils/")
        page.get_by_role("link", name="Föreningsstämma").click()
        council_url = page.url
        # A meeting today
        page.locator("summary", has_text="Planera ett möte").click()
        page.get_by_label("Datum").fill(clock.today().isoformat())
        page.get_by_label("Plats").fill("Katrineholm, Stadshuset")
        page.get_by_role("button", name="Planera mötet").click()
        meeting_url = page.url
        assert "/meetings/" in meeting_url
        # Two proxies (fullmakter) for today
        page.goto(council_url)
        page.get_by_role("link", name="Fullmakter").click()
        for principal, holder, reference in (
                ("Uppsala", "ombud.stockholm@sambruk.demo", "KS 2026/101"),
                ("Malmö", "ombud.katrineholm@sambruk.demo", "KS 2026/102")):
            page.get_by_label("För kommunen (fullmaktsgivaren)").fill(principal)
            page.get_by_label("Innehas av (ombudets e-postadress)").fill(holder)
            page.get_by_label("Perioden från").fill(clock.today().isoformat())
            page.get_by_label("Perioden till och med").fill(clock.today().isoformat())
            page.get_by_label("Den undertecknade fullmaktens beteckning").fill(reference)
            page.get_by_role("button", name="Registrera fullmakten").click()
            assert f"Fullmakten för {principal} registrerades." in \
                page.locator(".flash").inner_text()
        shoot(page, "40-proxies")
        # Stockholm's representative is present; the register, fixed as the meeting opens,
        # decides the seats of its votes (the others are represented by proxy or absent)
        page.goto(meeting_url)
        page.locator("summary", has_text="Registrera närvaro").click()
        attendance = page.locator("form[action$='/attendance']")
        attendance.locator("input[name=person]").fill("Ombud Stockholm")
        attendance.locator("input[name=municipality]").fill("Stockholm")
        attendance.get_by_role("button", name="Lägg till").click()
        page.get_by_role("button", name="Fastställ röstlängden").click()
        assert "Röstlängden är fastställd." in page.locator(".flash").inner_text()
        register = page.locator("#roll").inner_text()
        assert "Ombud Stockholm" in register and "fullmakt KS 2026/101" in register
        shoot(page, "41-register-fixed")
        # A motion on the meeting that closes by itself in two hours
        page.goto(council_url)
        page.get_by_role("link", name="Lägg ett beslutsförslag").click()
        page.get_by_label("Rubrik").fill("Ansvarsfrihet för styrelsen 2025")
        meeting_field = page.get_by_label("Möte (tomt: per capsulam)")
        today_option = next(label for label in meeting_field.locator("option").all_inner_texts()
                            if label.startswith(clock.today().isoformat()))
        meeting_field.select_option(label=today_option)
        closes = (clock.now() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
        page.get_by_label("Stänger av sig själv (valfritt)").fill(closes)
        page.get_by_role("button", name="Skapa beslutsförslag").click()
        motion_url = page.url
        page.get_by_role("button", name="Öppna omröstningen").click()
        assert "Stänger av sig själv" in page.content()
        motion_id = int(motion_url.rstrip("/").rsplit("/", 1)[1])
        # The worker sends a notice per seat to whoever may cast it
        worker_sweep()
        opened = [m for m in mail.inbox.messages
                  if str(m["Subject"]).endswith(": Ansvarsfrihet för styrelsen 2025")
                  and str(m["Subject"]).startswith("Rösta för ")]
        to = sorted((str(m["To"]), str(m["Subject"])[len("Rösta för "):].split(":")[0])
                    for m in opened)
        assert ("ombud.stockholm@sambruk.demo", "Stockholm") in to
        assert ("ombud.stockholm@sambruk.demo", "Uppsala") in to
        assert ("ombud.katrineholm@sambruk.demo", "Malmö") in to
        assert ("ombud.uppsala@sambruk.demo", "Uppsala") in to
        assert len(to) == len(set(to))
        link = next(m for m in opened if str(m["To"]) == "ombud.stockholm@sambruk.demo"
                    and "Uppsala" in str(m["Subject"])).get_body(("plain",)).get_content()
        assert f"/motions/{motion_id}/vote/0380" in link

        # The holder votes on a phone for their own seat and, by proxy, for Uppsala
        phone = chromium.new_context(base_url=live_server, locale="sv-SE",
                                     viewport={"width": 390, "height": 844})
        holder = phone.new_page()
        sign_in(holder, "ombud.stockholm@sambruk.demo")
        seats = holder.locator("section", has_text="Platser du får rösta för").inner_text()
        assert "Uppsala" in seats and "fullmakt KS 2026/101" in seats
        shoot(holder, "42-holder-home-phone")
        holder.goto(f"/motions/{motion_id}/vote/0380")
        assert "genom fullmakt" in holder.locator(".notice").inner_text()
        holder.get_by_label("Ja").check()
        holder.get_by_role("button", name="Lägg den slutliga rösten").click()
        assert "Rösten för Uppsala" in holder.get_by_role("heading", level=1).inner_text()
        receipt = holder.locator("code").inner_text()
        holder.goto(f"/motions/{motion_id}/vote/0180")
        holder.get_by_label("Nej").check()
        holder.get_by_role("button", name="Lägg den slutliga rösten").click()
        # Later, the voter comes back to the Uppsala ballot from the home page
        holder.goto("/")
        holder.locator("li", has_text="Uppsala").get_by_role("link", name="Röstat").click()
        assert holder.locator("code").inner_text() == receipt
        assert "genom fullmakt" in holder.content()
        shoot(holder, "43-proxy-receipt-phone")

        # Time passes: the closing time comes, and the worker closes and counts
        with app.app_context():
            db.session.execute(update(Motion).where(Motion.id == motion_id)
                               .values(closes_at=clock.now() - timedelta(seconds=1)))
            db.session.commit()
        worker_sweep()
        with app.app_context():
            assert db.session.scalar(select(Motion.status).where(Motion.id == motion_id)) \
                .value == "closed"
        page.goto(motion_url)
        status = page.locator("dl.facts div", has_text="Status").inner_text()
        assert "Avslutat" in status
        shoot(page, "44-closed-by-itself")
        results = [m for m in mail.inbox.messages
                   if str(m["Subject"]) == "Resultat: Ansvarsfrihet för styrelsen 2025"]
        assert results  # every seat hears the result
        # The protocol names the ballot cast by proxy
        pdf = page.request.get(f"/meetings{meeting_url.split('/meetings')[1]}/protocol.pdf")
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.body(),
                              capture_output=True, check=True).stdout.decode()
        assert "genom fullmakt: Ombud Stockholm" in text
        assert "Beslutande: röstlängden" in text
        phone.close()
    finally:
        app.config.update(saved)
        mail.stop()
