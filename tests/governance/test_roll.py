"""The voting register (röstlängd): who represents each seat and its weights, fixed when the
meeting opens, later changes as dated entries; on the page, in the protocol, as CSV and PDF."""

from __future__ import annotations

from sqlalchemy import select

from consortium import clock, db
from consortium.auth.models import User
from tests.conftest import csrf_token
from tests.documents.test_documents import text_of
from tests.governance.test_governance_api import council

EN = {"Accept-Language": "en"}


def stamma(client, c):
    """The föreningsstämma meeting today: Stockholm's ordinary and Malmö's deputy present,
    Laxå by proxy held by Katrineholm's representative, Katrineholm itself absent."""
    assembly = council(client, c)
    meeting = client.post(f"/api/v1/councils/{assembly['id']}/meetings", headers=c["admin"],
                          json={"date": clock.today().isoformat(), "place": "Katrineholm"}).json
    for person, capacity, code in (("Anna Andersson", "ordinary", "0180"),
                                   ("Bo Berg", "deputy", "1280")):
        client.post(f"/api/v1/meetings/{meeting['id']}/attendance", headers=c["admin"],
                    json={"person": person, "capacity": capacity, "municipality": code})
    holder = db.session.scalar(select(User).where(
        User.municipality_id == c["municipalities"]["0483"].id))
    holder.name = "Karin Ombud"
    db.session.commit()
    proxy = client.post(f"/api/v1/councils/{assembly['id']}/proxies", headers=c["admin"],
                        json={"principal": "1860", "holder": holder.email,
                              "meeting_id": meeting["id"], "reference": "Laxå KS 2026/7"})
    assert proxy.status_code == 201, proxy.json
    return meeting["id"]


def test_the_register_is_fixed_once_and_changed_by_dated_entries(client, consortium):
    c = consortium
    meeting_id = stamma(client, c)
    preliminary = client.get(f"/api/v1/meetings/{meeting_id}/roll", headers=c["observer"]).json
    assert preliminary["fixed_at"] is None
    fixed = client.post(f"/api/v1/meetings/{meeting_id}/roll", headers=c["admin"])
    assert fixed.status_code == 200 and fixed.json["fixed_at"]
    seats = {s["code"]: s for s in fixed.json["seats"]}
    assert [s["name"] for s in fixed.json["seats"]] == ["Katrineholm", "Laxå", "Malmö",
                                                         "Stockholm"]
    assert (seats["0180"]["represented_by"], seats["0180"]["by_proxy"]) == ("Anna Andersson",
                                                                           False)
    assert seats["1280"]["represented_by"] == "Bo Berg"
    assert (seats["1860"]["represented_by"], seats["1860"]["by_proxy"],
            seats["1860"]["proxy_reference"]) == ("Karin Ombud", True, "Laxå KS 2026/7")
    assert seats["0483"]["represented_by"] == ""
    assert seats["0180"]["weights"] == {"equal": "1", "population": "935619"}
    again = client.post(f"/api/v1/meetings/{meeting_id}/roll", headers=c["admin"])
    assert again.status_code == 409
    # Attendance recorded after the fixing does not change the fixed register...
    client.post(f"/api/v1/meetings/{meeting_id}/attendance", headers=c["admin"],
                json={"person": "Kim Kvist", "capacity": "ordinary", "municipality": "0483"})
    assert {s["code"]: s["represented_by"] for s in client.get(
        f"/api/v1/meetings/{meeting_id}/roll", headers=c["observer"]).json["seats"]}["0483"] == ""
    # ...a dated change with its reason does
    missing = client.post(f"/api/v1/meetings/{meeting_id}/roll/changes", headers=c["admin"],
                          json={"municipality": "0483", "represented_by": "Kim Kvist",
                                "reason": ""})
    assert missing.status_code == 422
    changed = client.post(f"/api/v1/meetings/{meeting_id}/roll/changes", headers=c["admin"],
                          json={"municipality": "0483", "represented_by": "Kim Kvist",
                                "reason": "Anlände kl. 10.15 före § 4"})
    assert changed.status_code == 201
    seat = {s["code"]: s for s in changed.json["seats"]}["0483"]
    assert (seat["represented_by"], seat["reason"]) == ("Kim Kvist", "Anlände kl. 10.15 före § 4")
    assert seat["weights"] == {"equal": "1", "population": "33722"}
    assert client.post(f"/api/v1/meetings/{meeting_id}/roll/changes", headers=c["observer"],
                       json={"municipality": "0483", "represented_by": "X",
                             "reason": "Y"}).status_code == 403


def test_a_change_needs_a_fixed_register(client, consortium):
    meeting_id = stamma(client, consortium)
    early = client.post(f"/api/v1/meetings/{meeting_id}/roll/changes",
                        headers=consortium["admin"],
                        json={"municipality": "0483", "represented_by": "X", "reason": "Y"})
    assert early.status_code == 409


def test_the_register_on_the_page_in_the_protocol_and_as_csv_and_pdf(client, client_as,
                                                                       consortium):
    c = consortium
    meeting_id = stamma(client, c)
    admin = client_as("admin")
    page = f"/meetings/{meeting_id}"
    before = admin.get(page, headers=EN).get_data(as_text=True)
    assert "Preliminary: it follows the attendance" in before
    fixed = admin.post(f"{page}/roll/fix", headers=EN, data={"csrf_token": csrf_token(admin,
                                                                                     page)},
                       follow_redirects=True).get_data(as_text=True)
    assert "The voting register is fixed." in fixed
    assert "Karin Ombud" in fixed and "fullmakt Laxå KS 2026/7" in fixed
    admin.post(f"{page}/roll/change", headers=EN, data={
        "csrf_token": csrf_token(admin, page), "municipality": "Katrineholm",
        "represented_by": "Kim Kvist", "reason": "Anlände före § 4"})
    csv = admin.get(f"/meetings/{meeting_id}/roll.csv", headers=EN).get_data(as_text=True)
    lines = csv.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Kommunkod,Municipality,Represented by,By proxy,Fullmakt")
    assert any(line.startswith("1860,Laxå,Karin Ombud,yes,Laxå KS 2026/7,1,5631")
               for line in lines)
    assert any(line.startswith("0483,Katrineholm,Kim Kvist,no,,1,33722") and
               line.endswith("Anlände före § 4") for line in lines)
    pdf = text_of(admin.get(f"/meetings/{meeting_id}/roll.pdf", headers=EN).data)
    assert "Voting register" in pdf and "Karin Ombud (fullmakt Laxå KS 2026/7)" in pdf
    protocol = text_of(admin.get(f"/meetings/{meeting_id}/protocol.pdf").data)
    assert "Beslutande: röstlängden" in protocol
    assert "Karin Ombud (fullmakt Laxå KS" in protocol
    assert "Kim Kvist" in protocol and "Anlände före § 4" in protocol


def test_the_protocol_says_who_voted_for_whom_by_proxy(client, consortium):
    c = consortium
    meeting_id = stamma(client, c)
    assembly_id = client.get(f"/api/v1/meetings/{meeting_id}", headers=c["observer"]) \
        .json["council"]
    motion_id = client.post(f"/api/v1/councils/{assembly_id}/motions", headers=c["admin"],
                            json={"title": "Årsredovisning 2025", "meeting_id": meeting_id}) \
        .json["id"]
    client.post(f"/api/v1/motions/{motion_id}/open", headers=c["admin"])
    cast = client.post(f"/api/v1/motions/{motion_id}/ballots", headers=c["reps"]["0483"],
                       json={"municipality": "1860", "choice": "yes"})
    assert cast.status_code == 201 and cast.json["by_proxy"] is True
    client.post(f"/api/v1/motions/{motion_id}/close", headers=c["admin"])
    protocol = text_of(client.get(f"/api/v1/meetings/{meeting_id}/protocol.pdf",
                                  headers={**c["observer"], "Accept-Language": "sv"}).data)
    assert "Ja (genom fullmakt: Karin Ombud)" in protocol
