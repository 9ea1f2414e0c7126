"""Every write route × role × tied/untied, generated from the app's URL map: a route added
without an entry here fails, and each entry is checked on the server (SPEC "Users and roles":
a finance user tied to a municipality changes nothing consortium-wide)."""

from __future__ import annotations

import re

import pytest

from consortium.auth.models import Role
from tests.conftest import bearer, csrf_token

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
ADMIN = {"admin"}
FINANCE = {"admin", "finance"}  # consortium-wide finance; never a tied one
EVERYONE = {"admin", "finance", "finance_tied", "representative", "observer"}
READERS_OF_EVERY_STATEMENT = {"admin", "finance", "observer"}

# Who passes each write route (endpoint, method). Routes whose outcome for an allowed role
# depends on the data (signing needs an officer, casting a seat) are only checked one way:
# the others are refused.
EXPECTED: dict[str, set[str]] = {
    # the office's own work
    "auth.toggle_active": ADMIN, "auth.edit_user": ADMIN, "auth.send_reset": ADMIN,
    "auth.create_token": ADMIN, "auth.revoke_token": ADMIN, "auth.new_user": ADMIN,
    "api.create_council": ADMIN, "api.create_meeting": ADMIN, "api.create_motion": ADMIN,
    "api.create_proxy": ADMIN, "api.put_seats": ADMIN, "api.add_attendance": ADMIN,
    "api.mark_held": ADMIN, "api.add_item": ADMIN, "api.set_officer": ADMIN,
    "api.fix_roll": ADMIN, "api.change_roll": ADMIN, "api.close_motion": ADMIN,
    "api.open_motion": ADMIN, "api.create_municipality": ADMIN,
    "api.patch_municipality": ADMIN, "api.put_population": ADMIN, "api.revoke_proxy": ADMIN,
    "api.create_tool": ADMIN, "api.patch_tool": ADMIN, "api.put_participant": ADMIN,
    "governance.councils": ADMIN, "governance.create_meeting": ADMIN,
    "governance.create_motion": ADMIN, "governance.register_proxy": ADMIN,
    "governance.council_seats": ADMIN, "governance.meeting_attendance": ADMIN,
    "governance.meeting_held": ADMIN, "governance.meeting_item": ADMIN,
    "governance.meeting_officer": ADMIN, "governance.meeting_roll_change": ADMIN,
    "governance.meeting_roll_fix": ADMIN, "governance.motion_close": ADMIN,
    "governance.motion_open": ADMIN, "governance.revoke_proxy": ADMIN,
    "members.delete": ADMIN, "members.edit": ADMIN, "members.membership": ADMIN,
    "members.population": ADMIN, "members.import_file": ADMIN, "members.import_confirm": ADMIN,
    "members.new": ADMIN, "api.create_import": ADMIN, "tools.edit": ADMIN,
    "tools.add_participant": ADMIN,
    "tools.end_participation": ADMIN, "tools.new": ADMIN, "web.send_notice_again": ADMIN,
    "api.disqualify": ADMIN, "api.requalify": ADMIN, "governance.motion_disqualify": ADMIN,
    "governance.motion_requalify": ADMIN,
    "api.create_election": ADMIN, "api.disqualify_in_election": ADMIN,
    "api.open_election": ADMIN, "api.close_election": ADMIN,
    "governance.create_election": ADMIN, "api.change_meeting": ADMIN, "api.cancel_meeting": ADMIN,
    "governance.meeting_change": ADMIN, "governance.meeting_cancel": ADMIN,
    "api.patch_council": ADMIN, "governance.council_public": ADMIN,
    # checking a PDF one holds: anyone signed in (it writes nothing)
    "documents.verify": EVERYONE,
    "audit.verify_now": {"admin", "observer"},
    "api.call_meeting": ADMIN, "governance.meeting_call": ADMIN,
    "api.put_invoicing_settings": ADMIN, "invoicing.settings": ADMIN,
    "api.issue_invoices": FINANCE, "invoicing.issue": FINANCE,
    "api.credit_invoice": FINANCE, "invoicing.credit": FINANCE,
    "api.record_payment": FINANCE, "invoicing.payment": FINANCE,
    "documents.invoices_zip": READERS_OF_EVERY_STATEMENT,
    # consortium-wide figures: budgets, keys, usage, fees, adoption, closing
    "api.put_fees": FINANCE, "api.put_budget": FINANCE, "api.adopt": FINANCE,
    "api.post_version": FINANCE, "api.put_usage": FINANCE, "api.close_year": FINANCE,
    "costs.close_year": FINANCE, "costs.save_budget": FINANCE, "costs.adopt": FINANCE,
    "costs.fees": FINANCE, "tools.set_usage": FINANCE,
    # every statement of a year at once
    "api.make_statements_zip": READERS_OF_EVERY_STATEMENT,
    "documents.make_statements_zip": READERS_OF_EVERY_STATEMENT,
    # a seat's ballot and reservation: representatives (which seat: the data decides)
    "api.cast": {"representative"}, "governance.vote": {"representative"},
    "api.cast_in_election": {"representative"},
    "governance.motion_reservation": {"representative"},
    "api.reserve": {"admin", "representative"},
    # signing: whoever is named signer (the data decides)
    "api.sign": EVERYONE, "governance.meeting_sign": EVERYONE,
    # one's own settings, and the doors
    "web.settings": EVERYONE, "web.new_calendar_link": EVERYONE, "web.change_password": EVERYONE,
    "auth.logout": EVERYONE, "web.set_language": EVERYONE, "auth.login": EVERYONE,
    "auth.reset_password": EVERYONE, "auth.forgot_password": EVERYONE,
}
DATA_DECIDES = {"api.cast", "api.cast_in_election", "governance.vote",
                "governance.motion_reservation", "api.reserve",
                "api.sign", "governance.meeting_sign"}
VALUES = {"slug": "provisum", "year": "2026", "code": "0483", "token": "not-a-token",
          "fmt": "csv"}


def write_routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & WRITES):
            if rule.endpoint == "auth.logout":
                continue  # it signs the client out: checked on its own below
            url = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>",
                         lambda m: VALUES.get(m.group(1), "999999"), rule.rule)
            yield rule.endpoint, method, url


def test_every_write_route_is_in_the_table(app):
    missing = sorted({endpoint for endpoint, _m, _u in write_routes(app)} - set(EXPECTED))
    assert missing == [], f"add these routes to EXPECTED: {missing}"


@pytest.fixture
def principals(consortium, client_as, api_token):
    tied = consortium["municipalities"]["0483"]
    web = {"admin": client_as(Role.ADMIN), "finance": client_as(Role.FINANCE),
           "finance_tied": client_as(Role.FINANCE, municipality=tied),
           "representative": client_as(Role.REPRESENTATIVE, municipality=tied),
           "observer": client_as(Role.OBSERVER)}
    api = {"admin": api_token(Role.ADMIN), "finance": api_token(Role.FINANCE),
           "finance_tied": api_token(Role.FINANCE, municipality=tied),
           "representative": api_token(Role.REPRESENTATIVE, municipality=tied),
           "observer": api_token(Role.OBSERVER)}
    return web, api


def test_every_write_route_refuses_exactly_whom_it_should(app, client, principals):
    web, api = principals
    tokens = {name: csrf_token(c, "/") for name, c in web.items()}
    wrong = []
    for endpoint, method, url in sorted(write_routes(app)):
        for name in sorted(EVERYONE):
            if url.startswith("/api/"):
                response = client.open(url, method=method, json={},
                                       headers=bearer(api[name]))
            else:
                response = web[name].open(url, method=method,
                                          data={"csrf_token": tokens[name]})
            allowed = name in EXPECTED[endpoint]
            refused = response.status_code == 403
            if (not allowed and not refused) or (
                    allowed and refused and endpoint not in DATA_DECIDES):
                wrong.append(f"{method} {url} as {name}: {response.status_code}")
    assert wrong == []


def test_signing_out_is_for_the_signed_in(client, client_as):
    assert client.post("/logout").status_code in (302, 400)  # no session: to the login page
    user = client_as(Role.OBSERVER)
    assert user.post("/logout", data={"csrf_token": csrf_token(user, "/")}).status_code == 302
    assert user.get("/").status_code == 302
