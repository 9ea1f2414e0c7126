"""SPEC "Time": an admission with a future date makes an admitted member (blivande medlem)
that is listed, but has no seat, no fee and no count as a member before its day."""

from datetime import date, timedelta

from consortium import clock, db
from consortium.costs import inputs
from consortium.governance import councils
from consortium.governance.models import Council, CouncilKind
from consortium.members import service as members
from consortium.members.models import Municipality


def test_a_future_admission_is_admitted_not_a_member(make_municipality):
    future = clock.today() + timedelta(days=38)
    lysekil = make_municipality("1484", "Lysekil", "Västra Götalands län")
    members.change_membership(lysekil, "admit", future)
    assert lysekil.standing() == "admitted"
    assert lysekil.standing(future - timedelta(days=1)) == "admitted"
    assert lysekil.standing(future) == "member"


def test_a_resignation_with_a_later_day_leaves_a_member_until_then(make_municipality):
    trosa = make_municipality("0488", "Trosa", "Södermanlands län")
    members.change_membership(trosa, "admit", date(2010, 1, 1))
    last_day = clock.today() + timedelta(days=10)
    members.change_membership(trosa, "resign", last_day)
    assert trosa.standing() == "member"
    assert trosa.standing(last_day + timedelta(days=1)) == "resigned"


def test_the_register_counts_and_filters_by_the_standing_of_today(client_as,
                                                                  make_municipality):
    stockholm = make_municipality("0180", "Stockholm", "Stockholms län")
    lysekil = make_municipality("1484", "Lysekil", "Västra Götalands län")
    members.change_membership(stockholm, "admit", date(2009, 1, 1))
    members.change_membership(lysekil, "admit", date(clock.today().year + 1, 1, 1))
    admin = client_as("admin")
    only_members = admin.get("/municipalities/?status=member").get_data(as_text=True)
    assert 'href="/municipalities/0180"' in only_members
    assert 'href="/municipalities/1484"' not in only_members
    admitted = admin.get("/municipalities/?status=admitted").get_data(as_text=True)
    assert 'href="/municipalities/1484"' in admitted
    assert 'href="/municipalities/0180"' not in admitted
    assert "Blivande medlem" in admitted
    page = admin.get("/municipalities/1484").get_data(as_text=True)
    assert f"från {clock.today().year + 1}-01-01" in page
    home = admin.get("/").get_data(as_text=True)
    assert "<dd>1</dd>" in home.split("Medlemskommuner", 1)[1][:40]


def test_an_admitted_member_has_no_seat_and_no_fee_before_its_day(make_municipality):
    stockholm = make_municipality("0180", "Stockholm", "Stockholms län")
    lysekil = make_municipality("1484", "Lysekil", "Västra Götalands län")
    members.change_membership(stockholm, "admit", date(2009, 1, 1))
    next_year = clock.today().year + 1
    members.change_membership(lysekil, "admit", date(next_year, 1, 1))
    assembly = Council(kind=CouncilKind.ASSEMBLY, name="Föreningsstämma")
    db.session.add(assembly)
    db.session.commit()
    assert [m.code for m in councils.seats_on(assembly, clock.today())] == ["0180"]
    assert [m.code for m in councils.seats_on(assembly, date(next_year, 1, 1))] == [
        "1484", "0180"]
    billed_now = [member.code for _mid, member in inputs.members(clock.today().year, 2016)]
    billed_next = [member.code for _mid, member in inputs.members(next_year, 2016)]
    assert billed_now == ["0180"]
    assert sorted(billed_next) == ["0180", "1484"]
    assert db.session.get(Municipality, lysekil.id).standing() == "admitted"
