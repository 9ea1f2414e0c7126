"""One read model per record: what the justerare sign (its SHA-256) is the meeting's record,
and the protocol prints the same attendance, officers and paragraphs in the same order. The
page, the API and the PDF read the same record; its statements do not grow with its size."""

from __future__ import annotations

from datetime import date

from consortium.governance import councils, meetings, motions, results
from consortium.governance.records import meeting_record
from tests.documents.test_documents import SV, text_of


def _meeting(consortium, make_user, *, extra_people=0, extra_items=0):
    chair = make_user("representative", municipality=consortium["municipalities"]["0180"],
                      email="ordf@example.se")
    board = councils.create_council({"kind": "board", "name": "Styrelse"}, actor_label="test")
    councils.set_board_seats(board, ["0180", "1280", "0483"])
    meeting = meetings.create_meeting(board, date(2026, 3, 18), "Västerås", None,
                                      actor_label="test")
    # Entered in an order that is neither the alphabet's nor the protocol's
    meetings.add_attendance(meeting, "Örjan Östlund", "ordinary", "0180")
    meetings.add_attendance(meeting, "Cecilia Ceder", "other", None)
    meetings.add_attendance(meeting, "Bertil Berg", "deputy", "1280")
    meetings.add_attendance(meeting, "Anna Alm", "ordinary", "0483")
    for n in range(extra_people):
        meetings.add_attendance(meeting, f"Person {n:03d}", "other", None)
    meetings.set_officer(meeting, "adjuster", 2, "Justerare Två")
    meetings.set_officer(meeting, "secretary", 1, "Sekreterare Ett")
    meetings.set_officer(meeting, "adjuster", 1, "Justerare Ett")
    meetings.set_officer(meeting, "chair", 1, "Ordförande Ett", chair.email)
    meetings.add_item(meeting, "Verksamhetsplan", decision="Planen fastställs.")
    for n in range(extra_items):
        meetings.add_item(meeting, f"Ärende {n}", decision="Noteras.")
    meetings.set_meeting_status(meeting, "held")
    vote = motions.create_motion(board, {"title": "Budget", "meeting_id": meeting.id},
                                 actor_label="test")
    motions.open_motion(vote, on=date(2026, 3, 18))
    results.close_motion(vote.id)
    return meeting


def _in_order(text, names):
    places = [text.index(name) for name in names]
    return places == sorted(places)


def test_the_signed_content_and_the_printed_protocol_agree_in_order(client, client_as,
                                                                     consortium, make_user):
    meeting = _meeting(consortium, make_user)
    content = meetings.minutes_content(meeting)
    people = [person for person, _capacity, _code in content["attendance"]]
    assert people == ["Anna Alm", "Örjan Östlund", "Bertil Berg", "Cecilia Ceder"]
    officers = [person for _role, _position, person in content["officers"]]
    assert officers == ["Ordförande Ett", "Sekreterare Ett", "Justerare Ett", "Justerare Två"]
    titles = [p["title"] for p in content["paragraphs"]]
    assert titles[-2:] == ["Verksamhetsplan", "Budget"]

    pdf = client_as("observer").get(f"/meetings/{meeting.id}/protocol.pdf", headers=SV)
    printed = text_of(pdf.data)
    assert _in_order(printed, people)
    assert _in_order(printed, ["Justerare Ett", "Justerare Två"])
    body = printed[printed.index("ANSLAG/BEVIS"):]
    assert _in_order(body, [f"§{p['number']}" for p in content["paragraphs"]])
    assert _in_order(body, titles)

    api = client.get(f"/api/v1/meetings/{meeting.id}", headers=consortium["observer"]).json
    page = client_as("observer").get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert [a["person"] for a in api["attendance"]] == people
    assert [o["person"] for o in api["officers"]] == officers
    assert _in_order(page, people) and _in_order(page, officers)


def test_the_record_is_read_in_as_many_statements_whatever_its_size(consortium, make_user,
                                                                   count_queries):
    small = _meeting(consortium, make_user)
    assert small.council is not None  # loaded before, as for the large one
    with count_queries() as few:
        meeting_record(small)
    from consortium.governance.models import Council

    council_id = small.council_id
    large = meetings.create_meeting(councils.get_council(council_id), date(2026, 4, 1),
                                    "Malmö", None, actor_label="test")
    for n in range(12):
        meetings.add_attendance(large, f"Person {n:03d}", "other", None)
        meetings.add_item(large, f"Ärende {n}")
    board = large.council
    for n in range(4):
        vote = motions.create_motion(board, {"title": f"Beslut {n}", "meeting_id": large.id},
                                     actor_label="test")
        motions.open_motion(vote)
        if n == 0:  # closed like the small one's (an open motion has no result to read)
            results.close_motion(vote.id)
    assert isinstance(board, Council)
    with count_queries() as many:
        meeting_record(large)
    assert few.count == many.count
