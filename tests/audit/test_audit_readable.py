"""The audit log as auditors read it: sentences in their language with links, filters by who,
what, kind and date, a CSV export; secret choices never appear."""

from __future__ import annotations

from datetime import timedelta

from consortium import clock
from consortium.auth.models import Role
from consortium.governance import councils, motions

SV = {"Accept-Language": "sv"}


def entries(client, query=""):
    """The list of events on the page (not the filter's options)."""
    html = client.get(f"/admin/audit{query}", headers=SV).get_data(as_text=True)
    return html.split('<ol class="audit-list">')[1].split("</ol>")[0] \
        if '<ol class="audit-list">' in html else ""


def test_an_observer_reads_what_happened_in_sentences(client_as, consortium, make_user):
    office = make_user(Role.ADMIN, name="Kansliet")
    board = councils.create_council({"kind": "board", "name": "Styrelse"}, actor=office)
    councils.set_board_seats(board, ["0180", "1280"], actor=office)
    motion = motions.create_motion(board, {"title": "Verksamhetsplan 2027", "secret": True},
                                   actor=office)
    motions.open_motion(motion, actor=office)
    rep = client_as(Role.REPRESENTATIVE, municipality=consortium["municipalities"]["0180"],
                    name="Ombud Stockholm")
    motions.cast_ballot(motion.id, "0180", "no", rep.user)
    nameless = make_user(Role.ADMIN, email="utan.namn@example.se")  # named by the address
    councils.create_council({"kind": "board", "name": "Nämnd"}, actor=nameless)
    observer = client_as(Role.OBSERVER)
    html = observer.get("/admin/audit", headers=SV).get_data(as_text=True)
    assert "utan.namn@example.se inrättade Nämnd" in html
    assert f'<a href="/motions/{motion.id}">Kansliet öppnade beslutsförslaget Verksamhetsplan ' \
        '2027</a>' in html
    assert "Kansliet lade beslutsförslaget Verksamhetsplan 2027" in html
    assert "Kansliet inrättade Styrelse" in html
    assert "Ombud Stockholm lade rösten för Stockholm om Verksamhetsplan 2027" in html
    assert '"choice"' not in html  # a secret ballot's choice is nowhere
    # Filters: what happened, kind, who, dates
    opened = entries(observer, "?action=motion.open")
    assert "öppnade beslutsförslaget" in opened and "lade rösten" not in opened
    kind = entries(observer, "?object_type=council")
    assert "inrättade Styrelse" in kind and "Verksamhetsplan" not in kind
    who = entries(observer, "?actor=ombud+stockholm")
    assert "lade rösten" in who and "Kansliet" not in who
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    assert entries(observer, f"?from={tomorrow}") == ""
    csv = observer.get("/admin/audit.csv?action=motion", headers=SV).get_data(as_text=True)
    assert "Kansliet öppnade beslutsförslaget Verksamhetsplan 2027" in csv
    assert "lade rösten" not in csv  # the filter holds in the export
