"""Opening a population-weighted vote says which year's figures it will weigh by and which seats
hold that year back, and asks first when the year is more than two years before the opening
(a vote opened in 2026 silently weighed by 2016's figures)."""

from __future__ import annotations

from consortium.members import service as members
from tests.conftest import csrf_token
from tests.governance.test_governance_api import council

EN = {"Accept-Language": "en"}


def test_an_old_population_year_is_named_and_asked_about(client, consortium, client_as):
    c = consortium
    members.set_population(c["municipalities"]["0180"], 2024, 990_000)
    assembly = council(client, c)
    motion_id = client.post(f"/api/v1/councils/{assembly['id']}/motions", headers=c["admin"],
                            json={"title": "Budget 2027", "weighting": "population"}
                            ).json["id"]
    office = client_as("admin")
    page = office.get(f"/motions/{motion_id}", headers=EN).get_data(as_text=True)
    assert "weighed by the population on 31 December 2016" in page
    assert "No later figure for: Katrineholm, Laxå, Malmö." in page
    token = csrf_token(office, f"/motions/{motion_id}")
    asked = office.post(f"/motions/{motion_id}/open", headers=EN, data={"csrf_token": token})
    assert asked.status_code == 200
    body = asked.get_data(as_text=True)
    assert "more than two years before today" in body and 'name="confirmed"' in body
    assert client.get(f"/api/v1/motions/{motion_id}",
                      headers=c["observer"]).json["status"] == "draft"
    opened = office.post(f"/motions/{motion_id}/open", headers=EN, follow_redirects=True,
                         data={"csrf_token": token, "confirmed": "yes"})
    assert "Weighed by the population on 31 December 2016." in opened.get_data(as_text=True)
    found = client.get(f"/api/v1/motions/{motion_id}", headers=c["observer"]).json
    assert found["status"] == "open" and found["population_year"] == 2016


def test_a_recent_year_opens_at_once(client, consortium, client_as):
    c = consortium
    for code, municipality in c["municipalities"].items():
        members.set_population(municipality, 2025, 1000 + int(code))
    assembly = council(client, c)
    motion_id = client.post(f"/api/v1/councils/{assembly['id']}/motions", headers=c["admin"],
                            json={"title": "Budget 2027", "weighting": "population"}
                            ).json["id"]
    office = client_as("admin")
    token = csrf_token(office, f"/motions/{motion_id}")
    opened = office.post(f"/motions/{motion_id}/open", headers=EN, data={"csrf_token": token})
    assert opened.status_code == 302
    assert client.get(f"/api/v1/motions/{motion_id}",
                      headers=c["observer"]).json["population_year"] == 2025
