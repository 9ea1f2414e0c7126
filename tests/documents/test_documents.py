"""The PDFs: what their text holds (pdftotext), what they never show, and kept copies."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from datetime import date

import pytest
from sqlalchemy import func, select

from consortium import db
from consortium.costs import keys
from consortium.costs import service as costs
from consortium.documents.models import StoredDocument
from consortium.documents.renderer import RefusedFetch, fetch
from consortium.governance import councils, meetings, motions, results
from consortium.members import service as members
from tests.conftest import csrf_token

SV = {"Accept-Language": "sv"}


def text_of(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                            check=True)
    return re.sub(r"[\u00a0\u202f]", " ", result.stdout.decode("utf-8"))


@pytest.fixture
def signed_meeting(consortium, make_user):
    c = consortium
    chair = make_user("representative", municipality=c["municipalities"]["0180"],
                      email="ordf@example.se")
    adjuster = make_user("representative", municipality=c["municipalities"]["1280"],
                         email="just@example.se")
    board = councils.create_council({"kind": "board", "name": "Styrelse för Sambruk"},
                                      actor_label="test")
    councils.set_board_seats(board, ["0180", "1280", "0483", "1860"])
    meeting = meetings.create_meeting(board, date(2026, 3, 18), "Västerås, Stadshuset",
                                        "0180", actor_label="test")
    meetings.add_attendance(meeting, "Åsa Öberg", "ordinary", "0180")
    meetings.add_attendance(meeting, "Märta Ängström", "ordinary", "1280")
    meetings.set_officer(meeting, "chair", 1, "Åsa Öberg", "ordf@example.se")
    meetings.set_officer(meeting, "secretary", 1, "Kansliet")
    meetings.set_officer(meeting, "adjuster", 1, "Märta Ängström", "just@example.se")
    meetings.add_item(meeting, "Ändrade stadgar", diary_number="2026/7",
                        summary="Kansliet föreslår ändrade stadgar.",
                        decision="Styrelsen föreslår stämman att anta stadgarna.",
                        basis="Förslag till stadgar, 2026-02-10.",
                        proposals="Ordföranden yrkar bifall till förslaget.",
                        sent_to="Samtliga medlemskommuner", adjusted_at_once=True)
    meetings.set_meeting_status(meeting, "held")
    reps = {code: make_user("representative", municipality=m)
            for code, m in c["municipalities"].items()}
    open_vote = motions.create_motion(board, {"title": "Årsredovisning 2025",
                                                 "meeting_id": meeting.id}, actor_label="test")
    secret = motions.create_motion(board, {"title": "Val av revisor", "secret": True,
                                              "meeting_id": meeting.id}, actor_label="test")
    for motion, votes in ((open_vote, {"0180": "yes", "1280": "no", "0483": "yes"}),
                          (secret, {"0180": "no", "1280": "yes", "1860": "yes"})):
        motions.open_motion(motion, on=date(2026, 3, 18))
        for code, choice in votes.items():
            motions.cast_ballot(motion.id, code, choice, reps[code])
        results.close_motion(motion.id)
    results.register_reservation(open_vote, "1280", "Malmö reserverar sig.", reps["1280"])
    meetings.sign_minutes(meeting, chair)
    meetings.sign_minutes(meeting, adjuster)
    return meeting, open_vote, secret


def test_protocol_reads_like_a_swedish_protocol(client_as, signed_meeting):
    meeting, _open_vote, _secret = signed_meeting
    response = client_as("observer").get(f"/meetings/{meeting.id}/protocol.pdf", headers=SV)
    assert response.mimetype == "application/pdf"
    text = text_of(response.data)
    for expected in ("Protokoll", "Styrelse för Sambruk", "Plats och tid", "Beslutande",
                     "Åsa Öberg", "Märta Ängström", "Utses att justera", "§§ 1–6",
                     "Beslutsunderlag", "Förslag till stadgar, 2026-02-10.", "Yrkanden",
                     "Beslutet skickas till", "Samtliga medlemskommuner",
                     "Paragrafen förklaras omedelbart justerad.", "Dnr 2026/7",
                     "ANSLAG/BEVIS", "Protokollet är justerat", "Årsredovisning 2025", "Omröstning",
                     "Förslaget bifalls.", "Reservation", "Malmö reserverar sig.",
                     meeting.minutes_sha256, "Sekreterare", "Ordförande", "Justerare"):
        assert expected in text, expected
    assert re.search(r"§\s?5\s+Årsredovisning 2025", text)
    pages = re.findall(r"Sida (\d+) av (\d+)", text)
    assert pages and all(total == pages[-1][1] for _page, total in pages)
    assert [int(page) for page, _total in pages] == list(range(1, int(pages[-1][1]) + 1))


def test_protocol_in_english_says_page_n_of_n(client_as, signed_meeting):
    meeting = signed_meeting[0]
    text = text_of(client_as("observer").get(f"/meetings/{meeting.id}/protocol.pdf",
                                             headers={"Accept-Language": "en"}).data)
    assert "Page 1 of" in text and "Decision-makers" in text


def test_a_secret_vote_names_nobodys_choice(client_as, signed_meeting):
    meeting, _open_vote, secret = signed_meeting
    text = text_of(client_as("observer").get(f"/meetings/{meeting.id}/protocol.pdf",
                                             headers=SV).data)
    secret_part = text.split("Val av revisor", 1)[1]
    assert "Sluten omröstning: bara summorna redovisas." in secret_part
    for line in secret_part.splitlines():
        if any(name in line for name in ("Stockholm", "Malmö", "Laxå", "Katrineholm")):
            assert not re.search(r"\b(Ja|Nej|Avstår)\b", line), line
    result = text_of(client_as("observer").get(f"/motions/{secret.id}/result.pdf",
                                               headers=SV).data)
    assert "Sluten omröstning" in result and "Stockholm" not in result


def test_signed_protocol_is_kept_and_served_again(client_as, signed_meeting):
    meeting = signed_meeting[0]
    client = client_as("observer")
    first = client.get(f"/meetings/{meeting.id}/protocol.pdf", headers=SV)
    second = client.get(f"/meetings/{meeting.id}/protocol.pdf", headers=SV)
    assert first.data == second.data
    assert first.headers["X-Content-SHA256"] == second.headers["X-Content-SHA256"]
    kept = db.session.scalar(select(func.count()).select_from(StoredDocument))
    assert kept == 1
    page = client.get(f"/meetings/{meeting.id}", headers=SV).get_data(as_text=True)
    assert first.headers["X-Content-SHA256"] in page


def test_a_kept_document_records_the_newest_checkpoint_of_the_audit_chain(client_as,
                                                                         signed_meeting):
    from consortium.audit import checkpoints

    meeting = signed_meeting[0]
    newest = checkpoints.make()
    db.session.commit()
    client_as("observer").get(f"/meetings/{meeting.id}/protocol.pdf", headers=SV)
    kept = db.session.scalar(select(StoredDocument).where(StoredDocument.kind == "protocol"))
    assert kept.audit_checkpoint_id == newest.id


def test_unsigned_protocol_is_not_kept(client_as, consortium):
    board = councils.create_council({"kind": "board", "name": "Styrelse"}, actor_label="t")
    meeting = meetings.create_meeting(board, date(2026, 9, 1), "Laxå")
    client_as("observer").get(f"/meetings/{meeting.id}/protocol.pdf")
    assert db.session.scalar(select(func.count()).select_from(StoredDocument)) == 0


@pytest.fixture
def adopted(consortium):
    budget, _ = costs.set_budget(consortium["tool"], 2025, 100_000_00,
                                 keys.key_from_data({"method": "per_capita",
                                                      "population_year": 2016}))
    costs.adopt(budget)
    return budget


def test_allocation_report_explains_the_key_and_lists_every_amount(client_as, adopted):
    text = text_of(client_as("finance").get("/costs/budgets/provisum/2025/allocation.pdf",
                                            headers=SV).data)
    assert "Kostnadsfördelning Provisum 2025" in text
    assert "Per invånare: varje kommun betalar i proportion till sin folkmängd 31 december 2016" \
        in text
    for name in ("Stockholm", "Katrineholm", "Laxå"):
        assert name in text
    assert "100 000,00 kr" in text
    assert "<svg" not in text


def test_allocation_amounts_match_the_api_to_the_ore(client_as, client, consortium, adopted):
    api = client.get("/api/v1/tools/provisum/budgets/2025/allocation",
                     headers=consortium["observer"]).json
    text = text_of(client_as("finance").get("/costs/budgets/provisum/2025/allocation.pdf",
                                            headers=SV).data)
    for line in api["lines"]:
        kronor, ore = line["amount"].split(".")
        grouped = f"{int(kronor):,}".replace(",", " ")
        assert f"{grouped},{ore} kr" in text, line


def test_statement_shows_no_other_municipality(client_as, consortium, adopted):
    laxa = consortium["municipalities"]["1860"]
    client = client_as("finance", municipality=laxa)
    text = text_of(client.get("/costs/statements/1860/2025.pdf", headers=SV).data)
    assert "Kostnadsunderlag 2025" in text and "Laxå (1860)" in text and "Provisum" in text
    for other in ("Stockholm", "Katrineholm", "Malmö"):
        assert other not in text
    assert client.get("/costs/statements/0180/2025.pdf").status_code == 403


def test_closed_years_statement_is_kept(client_as, consortium, adopted):
    from consortium.costs import closing, fee_schedules
    from consortium.costs.fees import FeeBand

    fee_schedules.set_fee_schedule(2025, 2016, [FeeBand(None, 5_000_00, 5_000_00)])
    client = client_as("observer")
    client.get("/costs/statements/1860/2025.pdf", headers=SV)
    assert db.session.scalar(select(StoredDocument.key).where(
        StoredDocument.kind == "statement")) is None  # open: preliminary, not kept
    closing.close_year(2025)
    first = client.get("/costs/statements/1860/2025.pdf", headers=SV)
    again = client.get("/costs/statements/1860/2025.pdf", headers=SV)
    assert first.data == again.data
    assert db.session.scalar(select(StoredDocument.key).where(
        StoredDocument.kind == "statement")) == "1860/2025"


def test_api_serves_the_pdfs(client, consortium, adopted, signed_meeting):
    headers = consortium["observer"]
    for url in ("/api/v1/tools/provisum/budgets/2025/allocation.pdf",
                "/api/v1/municipalities/1860/statements/2025.pdf",
                f"/api/v1/meetings/{signed_meeting[0].id}/protocol.pdf",
                "/api/v1/reports/2026/annual.pdf"):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    own = consortium["reps"]["1860"]
    assert client.get("/api/v1/municipalities/0180/statements/2025.pdf",
                      headers=own).status_code == 403


def test_annual_report_holds_members_tools_and_decisions(client_as, consortium, adopted,
                                                         signed_meeting):
    text = text_of(client_as("observer").get("/reports/2026/annual.pdf", headers=SV).data)
    for expected in ("Årsrapport 2026", "Medlemmar", "Provisum", "Årets beslut",
                     "Årsredovisning 2025", "Deltagande 31 december 2026", "Laxå"):
        assert expected in text, expected


def test_statements_zip_from_the_cli_and_the_page(runner, client_as, consortium, adopted,
                                                  tmp_path):
    out = tmp_path / "u.zip"
    result = runner.invoke(args=["export", "statements", "2025", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote 3 statements" in result.output
    names = zipfile.ZipFile(out).namelist()
    assert names == ["kostnadsunderlag-2025/0180-Stockholm.pdf",
                     "kostnadsunderlag-2025/0483-Katrineholm.pdf",
                     "kostnadsunderlag-2025/1860-Laxå.pdf"]
    finance = client_as("finance")
    page = "/costs/?year=2025"
    started = finance.post("/costs/statements/2025/zip",
                           data={"csrf_token": csrf_token(finance, page)})
    assert started.status_code == 302 and "/jobs/" in started.location
    progress = finance.get(started.location, headers=SV).get_data(as_text=True)
    assert "Klart: 3 kostnadsunderlag." in progress
    response = finance.get(started.location + "/result")
    assert zipfile.ZipFile(io.BytesIO(response.data)).namelist() == names
    laxa = consortium["municipalities"]["1860"]
    tied = client_as("finance", municipality=laxa)
    assert tied.post("/costs/statements/2025/zip",
                     data={"csrf_token": csrf_token(tied, page)}).status_code == 403
    assert tied.get(started.location).status_code == 403  # another user's job


def test_the_fetcher_never_leaves_static():
    for url in ("http://example.com/font.ttf", "https://cdn.example/x.css",
                "file:///etc/passwd", "file:///work/main/static/../consortium/db.py"):
        with pytest.raises(RefusedFetch):
            fetch(url)


def test_population_change_does_not_touch_a_kept_allocation(client_as, consortium, adopted):
    client = client_as("finance")
    first = client.get("/costs/budgets/provisum/2025/allocation.pdf", headers=SV).data
    members.set_population(members.get_by_code("1860"), 2016, 999_999)
    assert client.get("/costs/budgets/provisum/2025/allocation.pdf", headers=SV).data == first


def test_the_annual_report_has_no_near_empty_page(client_as, make_municipality, make_tool):
    """Sections stay together and long tables flow on: no page but the last is almost empty,
    however many tools there are (a forced break used to leave page 2 nearly blank)."""
    from consortium.members import service as members_service
    from consortium.members.national import municipalities
    from consortium.tools import service as tool_service

    codes = sorted(municipalities("SE"))[:70]
    added = []
    for index, code in enumerate(codes):
        entry = municipalities("SE")[code]
        municipality = make_municipality(code, entry.name, entry.county)
        members_service.set_population(municipality, 2024, 10_000 + index)
        members_service.change_membership(municipality, "admit", date(2000 + index % 25, 1, 1))
        added.append(municipality)
    for number in range(5):
        tool = make_tool(f"verktyg{number}", f"Verktyg {number}", open_to_non_members=True)
        for municipality in added[number::3]:
            tool_service.set_participation(tool, municipality, date(2020, 1, 1), None)
        costs.set_budget(tool, 2026, 1_000_000_00,
                         keys.key_from_data({"method": "equal"}))
    pdf = client_as("observer").get("/reports/2026/annual.pdf", headers=SV).data
    pages = text_of(pdf).split("\f")
    pages = [page for page in pages if page.strip()]
    assert len(pages) >= 3
    lines = [len([line for line in page.splitlines() if line.strip()]) for page in pages]
    assert all(count >= 15 for count in lines[:-1]), lines
