"""SPEC "Disqualification": before a vote opens the office marks seats disqualified (jäv) with
a reason; they are not in S (no weight in W, no ballot: 403 naming the reason), and the
protocol and the result name them and the reason. After opening nothing changes."""

from __future__ import annotations

from sqlalchemy import func, select

from consortium import db
from consortium.governance.poll_models import Disqualification
from tests.conftest import csrf_token
from tests.documents.test_documents import text_of
from tests.governance.test_governance_api import council

DISCHARGE = "Ansvarsfrihet för styrelsen"
REASON = "Styrelseledamot: jäv i frågan om styrelsens ansvarsfrihet"


def discharge(client, c):
    assembly = council(client, c)
    meeting = client.post(f"/api/v1/councils/{assembly['id']}/meetings", headers=c["admin"],
                          json={"date": "2026-05-20", "place": "Katrineholm"}).json
    made = client.post(f"/api/v1/councils/{assembly['id']}/motions", headers=c["admin"],
                       json={"title": DISCHARGE, "meeting_id": meeting["id"]})
    assert made.status_code == 201
    return made.json["id"], meeting["id"]


def test_disqualified_seats_are_out_of_the_vote_and_named_with_their_reason(client,
                                                                          consortium):
    c = consortium
    motion_id, meeting_id = discharge(client, c)
    url = f"/api/v1/motions/{motion_id}/disqualified"
    for code in ("0180", "1280"):
        made = client.post(url, headers=c["admin"], json={"municipality": code,
                                                          "reason": REASON})
        assert made.status_code == 201, made.json
    assert [d["municipality"] for d in made.json["disqualified"]] == ["1280", "0180"]  # Malmö,
    # Stockholm in Swedish order
    assert client.post(url, headers=c["admin"], json={"municipality": "0180",
                                                      "reason": REASON}).status_code == 409
    assert client.post(url, headers=c["admin"], json={"municipality": "0483",
                                                      "reason": ""}).status_code == 422
    assert client.post(url, headers=c["admin"], json={"municipality": "9999",
                                                      "reason": "x"}).status_code == 404
    assert client.post(url, headers=c["observer"], json={"municipality": "0483",
                                                         "reason": "x"}).status_code == 403
    assert client.post(f"/api/v1/motions/{motion_id}/open",
                       headers=c["admin"]).status_code == 200
    opened = client.get(f"/api/v1/motions/{motion_id}", headers=c["observer"]).json
    assert {s["code"] for s in opened["seats"]} == {"0483", "1860"}
    refused = client.post(f"/api/v1/motions/{motion_id}/ballots", headers=c["reps"]["0180"],
                          json={"municipality": "0180", "choice": "yes"})
    assert refused.status_code == 403 and REASON in refused.json["error"]["message"]
    assert client.post(url, headers=c["admin"], json={"municipality": "0483",
                                                      "reason": "x"}).status_code == 409
    assert client.delete(f"{url}?municipality=0180", headers=c["admin"]).status_code == 409
    for code in ("0483", "1860"):
        client.post(f"/api/v1/motions/{motion_id}/ballots", headers=c["reps"][code],
                    json={"municipality": code, "choice": "yes"})
    result = client.post(f"/api/v1/motions/{motion_id}/close", headers=c["admin"]).json
    assert (result["total"], result["yes"], result["outcome"]) == ("2", "2", "adopted")
    protocol = " ".join(text_of(client.get(f"/api/v1/meetings/{meeting_id}/protocol.pdf",
                                           headers={**c["observer"],
                                                    "Accept-Language": "en"}).data).split())
    assert f"Disqualified (jäv) Malmö: {REASON}" in protocol
    assert f"Disqualified (jäv) Stockholm: {REASON}" in protocol


def test_a_disqualification_is_taken_back_before_opening(client, consortium):
    c = consortium
    motion_id, _meeting = discharge(client, c)
    url = f"/api/v1/motions/{motion_id}/disqualified"
    client.post(url, headers=c["admin"], json={"municipality": "0180", "reason": REASON})
    assert client.delete(f"{url}?municipality=1280", headers=c["admin"]).status_code == 404
    back = client.delete(f"{url}?municipality=0180", headers=c["admin"])
    assert back.status_code == 200 and back.json["disqualified"] == []
    assert db.session.scalar(select(func.count()).select_from(Disqualification)) == 0


def test_the_office_disqualifies_a_seat_on_the_motion_page(client, consortium, client_as):
    c = consortium
    motion_id, _meeting = discharge(client, c)
    office = client_as("admin")
    page = f"/motions/{motion_id}"
    token = csrf_token(office, page)
    office.post(f"{page}/disqualified", data={"csrf_token": token, "municipality": "Malmö",
                                              "reason": REASON})
    body = office.get(page).get_data(as_text=True)
    assert "Malmö (1280)" in body and REASON in body
    office.post(f"{page}/disqualified/1280/remove", data={"csrf_token": token})
    assert REASON not in office.get(page).get_data(as_text=True)
