"""SPEC "Meeting": the chair, the secretary and each adjuster have their own signature line and
confirm the minutes each once; the minutes lock when all have; the start page lists the
minutes that wait for the signed-in user."""

from __future__ import annotations

from consortium.auth import service as auth
from tests.conftest import login
from tests.documents.test_documents import text_of
from tests.governance.test_governance_api import council


def test_secretary_and_both_adjusters_sign_on_their_own_lines(app, client, consortium,
                                                              make_user):
    c = consortium
    people = {}
    for email, code in (("ordf@example.se", "0180"), ("sekr@example.se", "0483"),
                        ("just1@example.se", "1280"), ("just2@example.se", "1860")):
        user = make_user("representative", municipality=c["municipalities"][code], email=email)
        people[email] = (user, {"Authorization": f"Bearer {auth.issue_token(user)}"})
    council_id = council(client, c)["id"]
    meeting = client.post(f"/api/v1/councils/{council_id}/meetings", headers=c["admin"],
                          json={"date": "2026-05-12", "place": "Katrineholm"}).json
    url = f"/api/v1/meetings/{meeting['id']}"
    for role, person, email, position in (
            ("chair", "Anna Ordförande", "ordf@example.se", 1),
            ("secretary", "Sven Sekreterare", "sekr@example.se", 1),
            ("adjuster", "Jonas Justerare", "just1@example.se", 1),
            ("adjuster", "Lena Justerare", "just2@example.se", 2)):
        assert client.post(f"{url}/officers", headers=c["admin"], json={
            "role": role, "person": person, "user": email,
            "position": position}).status_code in (200, 201)
    client.post(f"{url}/held", headers=c["admin"])
    secretary = app.test_client()
    login(secretary, "sekr@example.se")
    assert "Minutes waiting for your signature" in secretary.get(
        "/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for email in ("ordf@example.se", "just1@example.se", "sekr@example.se"):
        signed = client.post(f"{url}/sign", headers=people[email][1])
        assert signed.status_code == 200 and signed.json["status"] == "held"
    assert "Minutes waiting for your signature" not in secretary.get(
        "/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    done = client.post(f"{url}/sign", headers=people["just2@example.se"][1]).json
    assert done["status"] == "minutes_signed"
    assert [s["person"] for s in done["signatures"]] == [
        "Anna Ordförande", "Sven Sekreterare", "Jonas Justerare", "Lena Justerare"]
    protocol = " ".join(text_of(client.get(f"{url}/protocol.pdf", headers={
        **c["observer"], "Accept-Language": "en"}).data).split())
    # four lines side by side: their titles, then their names
    assert "Secretary Chair Adjuster Adjuster" in protocol
    assert "Sven Sekreterare Anna Ordförande Jonas Justerare Lena Justerare" in protocol
