"""SPEC API: a motion decides an existing § of its meeting (`paragraph`), or makes a new one;
a § holds one motion, so the protocol prints each paragraph once with its decision."""

from __future__ import annotations

from tests.conftest import csrf_token
from tests.documents.test_documents import text_of
from tests.governance.test_governance_api import council


def meeting_with_item(client, c):
    assembly = council(client, c)
    meeting = client.post(f"/api/v1/councils/{assembly['id']}/meetings", headers=c["admin"],
                          json={"date": "2026-05-20", "place": "Katrineholm"}).json
    items = client.post(f"/api/v1/meetings/{meeting['id']}/items", headers=c["admin"], json={
        "title": "Ändrade stadgar", "basis": "Förslag till nya stadgar"}).json["items"]
    assert items[-1]["title"] == "Ändrade stadgar"
    return assembly["id"], meeting["id"], items[-1]["number"]


def test_a_motion_decides_the_paragraph_it_names(client, consortium):
    c = consortium
    council_id, meeting_id, number = meeting_with_item(client, c)
    url = f"/api/v1/councils/{council_id}/motions"
    made = client.post(url, headers=c["admin"], json={
        "title": "Ändrade stadgar", "meeting_id": meeting_id, "paragraph": number})
    assert made.status_code == 201 and made.json["paragraph"] == number
    paragraphs = client.get(f"/api/v1/meetings/{meeting_id}",
                            headers=c["observer"]).json["items"]
    assert [(p["number"], p["motion"]) for p in paragraphs][-1] == (number, made.json["id"])
    assert len(paragraphs) == number  # no new §
    again = client.post(url, headers=c["admin"], json={
        "title": "Igen", "meeting_id": meeting_id, "paragraph": number})
    assert again.status_code == 422
    assert f"§ {number}" in again.json["error"]["fields"]["paragraph"]
    missing = client.post(url, headers=c["admin"], json={
        "title": "Saknas", "meeting_id": meeting_id, "paragraph": 99})
    assert missing.status_code == 422 and "99" in missing.json["error"]["fields"]["paragraph"]
    new = client.post(url, headers=c["admin"], json={"title": "Övrigt",
                                                     "meeting_id": meeting_id})
    assert new.json["paragraph"] == number + 1
    client.post(f"/api/v1/motions/{made.json['id']}/open", headers=c["admin"])
    client.post(f"/api/v1/motions/{made.json['id']}/close", headers=c["admin"])
    protocol = text_of(client.get(f"/api/v1/meetings/{meeting_id}/protocol.pdf",
                                  headers={**c["observer"], "Accept-Language": "en"}).data)
    assert protocol.count("Ändrade stadgar") == 2  # the paragraph's title and its vote


def test_the_office_names_the_paragraph_in_the_motion_form(client, consortium, client_as):
    c = consortium
    council_id, meeting_id, number = meeting_with_item(client, c)
    office = client_as("admin")
    token = csrf_token(office, f"/councils/{council_id}")
    made = office.post(f"/councils/{council_id}/motions", data={
        "csrf_token": token, "title": "Ändrade stadgar", "meeting": str(meeting_id),
        "paragraph": str(number), "weighting": "equal", "majority": "simple",
        "quorum_percent": "50", "tie_break": "rejected"})
    assert made.status_code == 302 and "/motions/" in made.location
    paragraphs = client.get(f"/api/v1/meetings/{meeting_id}",
                            headers=c["observer"]).json["items"]
    assert len(paragraphs) == number and paragraphs[-1]["motion"] is not None
