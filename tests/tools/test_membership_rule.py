"""SPEC "Time": a participant is a member on every day of its participation, unless the tool
is open to non-members; a non-member participant pays its share but holds no seat."""

from datetime import date

import pytest

from consortium import db
from consortium.errors import Invalid
from consortium.governance import councils
from consortium.governance.models import Council, CouncilKind
from consortium.members import service as members
from consortium.tools import service as tools
from tests.conftest import csrf_token


@pytest.fixture
def ale(make_municipality):
    return make_municipality("1440", "Ale", "Västra Götalands län")


def test_a_non_member_cannot_join_a_members_only_tool(make_tool, ale):
    provisum = make_tool("provisum", "Provisum")
    with pytest.raises(Invalid) as refused:
        tools.set_participation(provisum, ale, date(2020, 1, 1), None)
    assert "Ale" in refused.value.message
    assert "from 2020-01-01 on" in refused.value.message
    assert provisum.participations == []


def test_the_error_names_exactly_the_days_without_membership(make_tool, ale):
    members.change_membership(ale, "admit", date(2021, 1, 1))
    provisum = make_tool("provisum", "Provisum")
    with pytest.raises(Invalid) as refused:
        tools.set_participation(provisum, ale, date(2020, 7, 1), date(2022, 12, 31))
    assert "2020-07-01–2020-12-31" in refused.value.message
    tools.set_participation(provisum, ale, date(2021, 1, 1), date(2022, 12, 31))  # covered


def test_a_participation_outliving_the_membership_is_refused(make_tool, ale):
    members.change_membership(ale, "admit", date(2015, 1, 1))
    members.change_membership(ale, "resign", date(2023, 12, 31))
    with pytest.raises(Invalid) as refused:
        tools.set_participation(make_tool("egil", "Egil"), ale, date(2022, 1, 1), None)
    assert "from 2024-01-01 on" in refused.value.message


def test_uncovered_spans():
    spans = tools.uncovered(date(2020, 1, 1), date(2020, 12, 31),
                            [(date(2019, 1, 1), date(2020, 3, 31)), (date(2020, 6, 1), None)])
    assert spans == [(date(2020, 4, 1), date(2020, 5, 31))]
    assert tools.uncovered(date(2020, 1, 1), None, [(date(2010, 1, 1), None)]) == []


def test_an_open_tool_takes_a_non_member_who_holds_no_seat(make_tool, ale, make_municipality):
    stockholm = make_municipality("0180", "Stockholm", "Stockholms län")
    members.change_membership(stockholm, "admit", date(2009, 1, 1))
    bibblix = make_tool("bibblix", "Bibblix", open_to_non_members=True)
    tools.set_participation(bibblix, ale, date(2020, 1, 1), None)
    tools.set_participation(bibblix, stockholm, date(2020, 1, 1), None)
    council = Council(kind=CouncilKind.TOOL, name="Förvaltningsråd Bibblix", tool_id=bibblix.id)
    db.session.add(council)
    db.session.commit()
    assert [m.code for m in councils.seats_on(council, date(2024, 1, 1))] == ["0180"]


def test_the_api_and_the_form_say_which_days(client, api_token, make_tool, ale, client_as):
    make_tool("provisum", "Provisum")
    token = {"Authorization": f"Bearer {api_token('admin')}"}
    refused = client.put("/api/v1/tools/provisum/participants/1440", headers=token,
                         json={"joined_on": "2020-01-01"})
    assert refused.status_code == 422
    assert "from 2020-01-01 on" in refused.json["error"]["fields"]["joined_on"]
    admin = client_as("admin")
    page = admin.post("/tools/provisum/participants", data={
        "csrf_token": csrf_token(admin, "/tools/provisum"), "municipality": "1440",
        "joined_on": "2020-01-01", "left_on": ""})
    assert page.status_code == 422
    assert "är inte medlem i föreningen" in page.get_data(as_text=True)
    opened = client.patch("/api/v1/tools/provisum", headers=token,
                          json={"open_to_non_members": True})
    assert opened.status_code == 200 and opened.json["open_to_non_members"] is True
    assert client.put("/api/v1/tools/provisum/participants/1440", headers=token,
                      json={"joined_on": "2020-01-01"}).status_code == 201
