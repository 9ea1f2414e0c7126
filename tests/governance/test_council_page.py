"""A council's page does not grow with the consortium or the council's history: the first
40 seats, the newest 20 meetings and 30 motions, each list saying how many there are in all
and linking to everything (`?all=1`)."""

from __future__ import annotations

from datetime import date

from consortium.governance import councils, motions
from consortium.members import service as members

EN = {"Accept-Language": "en"}


def test_a_large_assembly_lists_its_first_seats_and_newest_motions(client_as, make_municipality):
    for number in range(45):
        municipality = make_municipality(f"{9100 + number}", f"Kommun {number:02d}", "Län")
        members.change_membership(municipality, "admit", date(2010, 1, 1))
    assembly = councils.create_council({"kind": "assembly", "name": "Föreningsstämma"},
                                       actor_label="test")
    for number in range(32):
        motions.create_motion(assembly, {"title": f"Förslag {number:02d}"}, actor_label="test")
    client = client_as("observer")
    page = client.get(f"/councils/{assembly.id}", headers=EN).get_data(as_text=True)
    assert "Seats today (45)" in page
    assert "Kommun 39</a>" in page and "Kommun 40</a>" not in page
    assert "and 5 more" in page and "/municipalities/?status=member" in page
    assert "The newest 30 of 32." in page
    assert "Förslag 31</a>" in page and "Förslag 00</a>" not in page
    everything = client.get(f"/councils/{assembly.id}?all=1", headers=EN).get_data(as_text=True)
    assert "Kommun 44</a>" in everything and "and 5 more" not in everything
    assert "Förslag 00</a>" in everything and "The newest" not in everything
