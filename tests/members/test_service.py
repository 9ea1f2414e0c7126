"""Municipality rules: codes, organisation numbers, membership periods, population figures."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from consortium import db
from consortium.audit.models import AuditEvent
from consortium.errors import Conflict, Invalid
from consortium.members import service
from consortium.members.models import MembershipStatus, Municipality

BASE = {"name": "Laxå", "county": "Örebro län"}


def create(**fields):
    return service.create_municipality({"code": "1860", **BASE, **fields}, actor_label="test")


def test_create_writes_the_municipality_and_an_audit_event():
    municipality = create(org_number="2120001884")
    assert municipality.code == "1860" and municipality.status is None
    assert municipality.org_number == "212000-1884"
    db.commit()  # the audit log is written as the unit of work commits
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "municipality.create")).one()
    assert event.after["name"] == "Laxå" and event.object_id == "1860"


@pytest.mark.parametrize("code", ["180", "01800", "O180", "", "01 8"])
def test_code_must_be_four_digits(code):
    with pytest.raises(Invalid) as caught:
        service.create_municipality({"code": code, **BASE}, actor_label="test")
    assert "four digits" in caught.value.fields["code"]
    assert db.session.scalar(select(Municipality).where(Municipality.name == "Laxå")) is None


def test_duplicate_code_is_a_conflict():
    create()
    with pytest.raises(Conflict):
        create(name="Another")


def test_organisation_number_is_checked_by_its_check_digit():
    with pytest.raises(Invalid) as caught:
        create(org_number="212000-1885")
    assert "check digit" in caught.value.fields["org_number"]


def test_name_and_county_are_required():
    with pytest.raises(Invalid) as caught:
        service.create_municipality({"code": "1860", "name": " ", "county": ""},
                                    actor_label="test")
    assert set(caught.value.fields) == {"name", "county"}


def test_member_needs_a_joining_date():
    with pytest.raises(Invalid) as caught:
        create(status="member")
    assert "joined_on" in caught.value.fields


def test_created_member_gets_a_membership_period():
    municipality = create(status="member", joined_on=date(2015, 1, 1))
    assert [(p.joined_on, p.left_on) for p in municipality.membership_periods] == [
        (date(2015, 1, 1), None)]


def test_admit_resign_and_rejoin_keep_every_period():
    municipality = create(status="applicant")
    service.change_membership(municipality, "admit", date(2010, 1, 1))
    service.change_membership(municipality, "resign", date(2014, 12, 31))
    assert municipality.status is MembershipStatus.RESIGNED
    service.change_membership(municipality, "admit", date(2020, 1, 1))
    periods = [(p.joined_on, p.left_on) for p in municipality.membership_periods]
    assert periods == [(date(2010, 1, 1), date(2014, 12, 31)), (date(2020, 1, 1), None)]
    assert (municipality.status, municipality.joined_on, municipality.left_on) == (
        MembershipStatus.MEMBER, date(2020, 1, 1), None)


def test_rejoining_before_leaving_is_refused():
    municipality = create(status="member", joined_on=date(2010, 1, 1))
    service.change_membership(municipality, "resign", date(2014, 12, 31))
    with pytest.raises(Invalid):
        service.change_membership(municipality, "admit", date(2014, 6, 1))


def test_resigning_before_joining_is_refused():
    municipality = create(status="member", joined_on=date(2010, 1, 1))
    with pytest.raises(Invalid):
        service.change_membership(municipality, "resign", date(2009, 12, 31))


def test_a_member_cannot_apply_or_be_admitted_again():
    municipality = create(status="member", joined_on=date(2010, 1, 1))
    with pytest.raises(Conflict):
        service.change_membership(municipality, "apply", None)
    with pytest.raises(Conflict):
        service.change_membership(municipality, "admit", date(2011, 1, 1))


def test_resigning_a_non_member_is_refused():
    municipality = create()
    with pytest.raises(Conflict):
        service.change_membership(municipality, "resign", date(2020, 1, 1))


def test_population_is_added_then_corrected():
    municipality = create()
    figure, created = service.set_population(municipality, 2024, 5631, actor_label="test")
    assert created and figure.population == 5631
    figure, created = service.set_population(municipality, 2024, 5640, actor_label="test")
    assert not created and figure.population == 5640
    db.commit()
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "population.set").order_by(AuditEvent.id)).all()
    assert [e.before for e in events] == [None, {"year": 2024, "population": 5631}]


@pytest.mark.parametrize("value", [-1, "5631", 5631.0, True, None])
def test_population_must_be_a_non_negative_whole_number(value):
    municipality = create()
    with pytest.raises(Invalid) as caught:
        service.set_population(municipality, 2024, value)
    assert "population" in caught.value.fields


def test_population_year_must_be_plausible():
    with pytest.raises(Invalid) as caught:
        service.set_population(create(), 20240, 5631)
    assert "year" in caught.value.fields


def test_a_municipality_with_history_is_never_deleted(make_user):
    admin = make_user("admin")
    municipality = create()
    service.set_population(municipality, 2024, 5631)
    with pytest.raises(Conflict):
        service.delete_municipality(municipality, actor=admin)
    assert db.session.get(Municipality, municipality.id) is not None


def test_a_mistaken_entry_without_history_can_be_deleted(make_user):
    admin = make_user("admin")
    municipality = create()
    service.delete_municipality(municipality, actor=admin)
    assert db.session.scalar(select(Municipality).where(Municipality.code == "1860")) is None
    db.commit()
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "municipality.delete")).one().before["name"] == "Laxå"
