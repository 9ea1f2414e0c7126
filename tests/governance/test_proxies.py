"""Proxies (fullmakter): registration rules, voting by proxy, revocation, and the pages."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from consortium import clock, db
from consortium.auth.models import User
from consortium.governance.models import Ballot
from tests.conftest import csrf_token
from tests.governance.test_governance_api import council, motion, vote

EN = {"Accept-Language": "en"}


def email_of(code):
    return db.session.scalar(select(User.email).join(User.municipality).where(
        User.municipality.has(code=code)))


def add_proxy(client, c, council_id, **body):
    return client.post(f"/api/v1/councils/{council_id}/proxies", headers=c["admin"], json=body)


def test_a_proxy_for_a_period_lets_the_holder_cast_and_is_recorded(client, consortium):
    c = consortium
    assembly = council(client, c)
    created = add_proxy(client, c, assembly["id"], principal="1860", holder=email_of("0483"),
                        valid_from=clock.today().isoformat(),
                        valid_until=(clock.today() + timedelta(days=30)).isoformat(),
                        reference="Fullmakt KS 2026/14")
    assert created.status_code == 201, created.json
    assert created.json["principal"] == "1860" and created.json["revoked_on"] is None
    motion_id = motion(client, c, assembly["id"])
    client.post(f"/api/v1/motions/{motion_id}/open", headers=c["admin"])
    # Katrineholm's representative casts Laxå's ballot, and Katrineholm's own
    by_proxy = client.post(f"/api/v1/motions/{motion_id}/ballots", headers=c["reps"]["0483"],
                           json={"municipality": "1860", "choice": "no"})
    assert by_proxy.status_code == 201 and by_proxy.json["by_proxy"] is True
    own = vote(client, c, motion_id, "0483", "yes")
    assert own.status_code == 201 and own.json["by_proxy"] is False
    # One ballot per seat either way: Laxå's own representative is refused now
    assert vote(client, c, motion_id, "1860", "yes").status_code == 409
    # Stockholm's representative holds no proxy for Laxå
    refused = client.post(f"/api/v1/motions/{motion_id}/ballots", headers=c["reps"]["0180"],
                          json={"municipality": "1860", "choice": "yes"})
    assert refused.status_code == 403
    stored = {b.municipality.code: b.proxy_id for b in db.session.scalars(
        select(Ballot).where(Ballot.motion_id == motion_id))}
    assert stored == {"1860": created.json["id"], "0483": None}


def test_overlap_and_the_holders_limit_answer_409(client, consortium):
    c = consortium
    assembly = council(client, c)
    period = {"valid_from": "2030-01-01", "valid_until": "2030-06-30"}
    assert add_proxy(client, c, assembly["id"], principal="1860", holder=email_of("0483"),
                     **period).status_code == 201
    overlap = add_proxy(client, c, assembly["id"], principal="1860", holder=email_of("0180"),
                        valid_from="2030-06-30", valid_until="2030-12-31")
    assert overlap.status_code == 409
    assert "Laxå already has a proxy in this council from 2030-01-01 to 2030-06-30" in \
        overlap.json["error"]["message"]
    # The holder's limit is 1: a second principal in the same period is refused...
    limit = add_proxy(client, c, assembly["id"], principal="1280", holder=email_of("0483"),
                      valid_from="2030-03-01", valid_until="2030-03-31")
    assert limit.status_code == 409 and "the limit is 1" in limit.json["error"]["message"]
    # ...but not after the first has ended
    assert add_proxy(client, c, assembly["id"], principal="1280", holder=email_of("0483"),
                     valid_from="2030-07-01", valid_until="2030-07-31").status_code == 201
    # The next period of the same principal, once the first has ended, is fine too
    assert add_proxy(client, c, assembly["id"], principal="1860", holder=email_of("0180"),
                     valid_from="2030-08-01", valid_until="2030-12-31").status_code == 201


def test_bad_proxies_get_clear_errors_and_write_nothing(client, consortium):
    c = consortium
    assembly = council(client, c)
    cases = [
        ({"principal": "9999", "holder": email_of("0483"), "valid_from": "2030-01-01",
          "valid_until": "2030-01-02"}, "principal"),
        ({"principal": "1860", "holder": "nobody@example.se", "valid_from": "2030-01-01",
          "valid_until": "2030-01-02"}, "holder"),
        ({"principal": "1860", "holder": email_of("1860"), "valid_from": "2030-01-01",
          "valid_until": "2030-01-02"}, "holder"),
        ({"principal": "1860", "holder": email_of("0483"), "valid_from": "2030-02-01",
          "valid_until": "2030-01-02"}, "valid_until"),
        ({"principal": "1860", "holder": email_of("0483")}, "valid_from"),
    ]
    for body, field in cases:
        answer = add_proxy(client, c, assembly["id"], **body)
        assert answer.status_code == 422 and field in answer.json["error"]["fields"], answer.json
    assert client.get(f"/api/v1/councils/{assembly['id']}/proxies",
                      headers=c["observer"]).json == []


def test_revoking_stops_the_proxy_but_ballots_cast_stand(client, consortium):
    c = consortium
    assembly = council(client, c)
    proxy = add_proxy(client, c, assembly["id"], principal="1860", holder=email_of("0483"),
                      valid_from=clock.today().isoformat(),
                      valid_until=clock.today().isoformat()).json
    first = motion(client, c, assembly["id"])
    second = motion(client, c, assembly["id"], title="Andra")
    for motion_id in (first, second):
        client.post(f"/api/v1/motions/{motion_id}/open", headers=c["admin"])
    cast = {"municipality": "1860", "choice": "yes"}
    assert client.post(f"/api/v1/motions/{first}/ballots", headers=c["reps"]["0483"],
                       json=cast).status_code == 201
    revoked = client.post(f"/api/v1/proxies/{proxy['id']}/revoke", headers=c["admin"], json={})
    assert revoked.status_code == 200 and revoked.json["revoked_on"] == clock.today().isoformat()
    assert client.post(f"/api/v1/proxies/{proxy['id']}/revoke", headers=c["admin"],
                       json={}).status_code == 409
    assert client.post(f"/api/v1/motions/{second}/ballots", headers=c["reps"]["0483"],
                       json=cast).status_code == 403
    assert db.session.scalar(select(Ballot.proxy_id).where(Ballot.motion_id == first)) \
        == proxy["id"]
    # Only the office registers proxies
    assert add_proxy(client, {**c, "admin": c["observer"]}, assembly["id"], principal="1280",
                     holder=email_of("0483"), valid_from="2031-01-01",
                     valid_until="2031-01-02").status_code == 403


def test_a_meeting_proxy_counts_for_that_meetings_motions_only(client, consortium):
    c = consortium
    assembly = council(client, c)
    meeting = client.post(f"/api/v1/councils/{assembly['id']}/meetings", headers=c["admin"],
                          json={"date": clock.today().isoformat(), "place": "Stockholm"}).json
    proxy = add_proxy(client, c, assembly["id"], principal="1280", holder=email_of("0483"),
                      meeting_id=meeting["id"], reference="Stämma 2026")
    assert proxy.status_code == 201 and proxy.json["valid_from"] == clock.today().isoformat()
    on_meeting = motion(client, c, assembly["id"], meeting_id=meeting["id"])
    per_capsulam = motion(client, c, assembly["id"], title="Per capsulam")
    for motion_id in (on_meeting, per_capsulam):
        client.post(f"/api/v1/motions/{motion_id}/open", headers=c["admin"])
    cast = {"municipality": "1280", "choice": "no"}
    assert client.post(f"/api/v1/motions/{on_meeting}/ballots", headers=c["reps"]["0483"],
                       json=cast).status_code == 201
    assert client.post(f"/api/v1/motions/{per_capsulam}/ballots", headers=c["reps"]["0483"],
                       json=cast).status_code == 403


def test_secret_ballots_by_proxy_record_no_proxy(client, consortium):
    c = consortium
    assembly = council(client, c)
    add_proxy(client, c, assembly["id"], principal="1860", holder=email_of("0483"),
              valid_from=clock.today().isoformat(), valid_until=clock.today().isoformat())
    motion_id = motion(client, c, assembly["id"], secret=True)
    client.post(f"/api/v1/motions/{motion_id}/open", headers=c["admin"])
    assert client.post(f"/api/v1/motions/{motion_id}/ballots", headers=c["reps"]["0483"],
                       json={"municipality": "1860", "choice": "no"}).status_code == 201
    ballot = db.session.scalar(select(Ballot).where(Ballot.motion_id == motion_id))
    assert ballot.choice is None and ballot.proxy_id is None


def test_the_office_registers_a_proxy_and_the_holder_votes_in_the_browser(
        client, client_as, consortium):
    c = consortium
    assembly = council(client, c)
    admin = client_as("admin")
    holder = client_as("representative", municipality=c["municipalities"]["0483"],
                       email="ombud@katrineholm.se")
    page = f"/councils/{assembly['id']}/proxies"
    bad = admin.post(page, headers=EN, data={"csrf_token": csrf_token(admin, page),
                                             "principal": "Laxå", "holder": holder.user.email})
    assert bad.status_code == 422
    assert "Give the meeting, or the first day of the period." in bad.get_data(as_text=True)
    made = admin.post(page, headers=EN, data={
        "csrf_token": csrf_token(admin, page), "principal": "Laxå",
        "holder": "Ombud@Katrineholm.se", "valid_from": clock.today().isoformat(),
        "valid_until": clock.today().isoformat(),
        "reference": "KS 2026/14"}, follow_redirects=True)
    html = made.get_data(as_text=True)
    assert "The proxy for Laxå was registered." in html and "KS 2026/14" in html
    motion_id = motion(client, c, assembly["id"], title="Verksamhetsplan 2027")
    client.post(f"/api/v1/motions/{motion_id}/open", headers=c["admin"])
    home = holder.get("/", headers=EN).get_data(as_text=True)
    assert "Seats you may vote for" in home and "your own municipality" in home
    assert "by proxy in Föreningsstämma" in home and "fullmakt KS 2026/14" in home
    assert f"/motions/{motion_id}/vote/1860" in home and f"/motions/{motion_id}/vote/0483" in home
    vote_page = f"/motions/{motion_id}/vote/1860"
    form = holder.get(vote_page, headers=EN).get_data(as_text=True)
    assert "You vote for Laxå." in form and "You cast it by proxy (fullmakt KS 2026/14)." in form
    cast = holder.post(vote_page, headers=EN, data={
        "csrf_token": csrf_token(holder, vote_page), "choice": "no"})
    assert cast.status_code == 303
    receipt = holder.get(cast.headers["Location"], headers=EN).get_data(as_text=True)
    assert "The ballot of Laxå" in receipt and "by proxy" in receipt and ">No<" in receipt
    # Revoked in the browser: the proxy no longer shows as a seat
    proxy_id = client.get(f"/api/v1/councils/{assembly['id']}/proxies",
                          headers=c["observer"]).json[0]["id"]
    admin.post(f"/proxies/{proxy_id}/revoke", data={"csrf_token": csrf_token(admin, page),
                                                   "on": clock.today().isoformat()})
    assert "by proxy in" not in holder.get("/", headers=EN).get_data(as_text=True)
    assert holder.get(vote_page).status_code == 403


def test_the_auditor_reads_the_fullmakter_and_changes_none(client, consortium, client_as):
    c = consortium
    assembly = council(client, c)
    made = add_proxy(client, c, assembly["id"], principal="1860", holder=email_of("0483"),
                     valid_from=clock.today().isoformat(),
                     valid_until=clock.today().isoformat(), reference="KS 2026/9")
    assert made.status_code == 201, made.json
    auditor = client_as("observer")
    page = auditor.get(f"/councils/{assembly['id']}/proxies", headers=EN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Laxå" in html and "Register a proxy" not in html and "Revoke</button>" not in html
    assert auditor.post(f"/councils/{assembly['id']}/proxies", headers=EN, data={
        "csrf_token": csrf_token(auditor, f"/councils/{assembly['id']}/proxies"),
        "principal": "Malmö", "holder": "x@example.se"}).status_code == 403
    assert client_as("finance").get(f"/councils/{assembly['id']}/proxies").status_code == 403
