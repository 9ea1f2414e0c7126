"""Every route declares who may open it, and the server enforces it on web and API."""

from __future__ import annotations

import pytest

from consortium.auth.access import rule_of
from consortium.auth.models import Role
from tests.conftest import bearer

ADMIN_PAGES = ["/admin/users", "/admin/users/new"]
NOT_ADMIN = [Role.FINANCE, Role.REPRESENTATIVE, Role.OBSERVER]
AUDIT_PAGES = ["/admin/audit", "/admin/audit.csv"]


def test_every_route_declares_an_access_rule(app):
    missing = [rule.endpoint for rule in app.url_map.iter_rules()
               if rule.endpoint != "static" and rule_of(app, rule.endpoint) is None]
    assert missing == []


def test_a_route_without_a_rule_is_refused(app, database_url):
    from consortium.web.app import create_app
    from tests.conftest import TEST_CONFIG

    other = create_app({**TEST_CONFIG, "DATABASE_URL": database_url})

    @other.route("/forgotten")
    def forgotten():
        return "should never be served"

    response = other.test_client().get("/forgotten")
    assert response.status_code == 403
    assert b"should never be served" not in response.data


@pytest.mark.parametrize("path", ADMIN_PAGES)
@pytest.mark.parametrize("role", NOT_ADMIN)
def test_admin_pages_refuse_other_roles(client_as, role, path):
    assert client_as(role).get(path).status_code == 403


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_open_for_admins(client_as, path):
    assert client_as(Role.ADMIN).get(path).status_code == 200


@pytest.mark.parametrize("path", AUDIT_PAGES)
@pytest.mark.parametrize("role", [Role.FINANCE, Role.REPRESENTATIVE])
def test_the_audit_log_refuses_finance_and_representatives(client_as, role, path):
    assert client_as(role).get(path).status_code == 403


@pytest.mark.parametrize("path", AUDIT_PAGES)
@pytest.mark.parametrize("role", [Role.ADMIN, Role.OBSERVER])
def test_the_audit_log_is_read_by_admins_and_observers(client_as, role, path):
    assert client_as(role).get(path).status_code == 200


@pytest.mark.parametrize("path", ADMIN_PAGES + AUDIT_PAGES + ["/"])
def test_pages_need_a_signed_in_user(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_a_home_page(client_as, role):
    assert client_as(role).get("/").status_code == 200


def test_menu_shows_only_what_the_role_may_open(client_as):
    admin_page = client_as(Role.ADMIN).get("/").get_data(as_text=True)
    observer_page = client_as(Role.OBSERVER).get("/").get_data(as_text=True)
    finance_page = client_as(Role.FINANCE).get("/").get_data(as_text=True)
    assert 'href="/admin/users"' in admin_page and 'href="/admin/audit"' in admin_page
    assert 'href="/admin/users"' not in observer_page
    assert 'href="/admin/audit"' in observer_page  # revisorer read the audit log
    assert 'href="/admin/audit"' not in finance_page


def test_api_without_token_is_401_with_the_error_format(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert response.json["error"]["message"]


def test_api_with_a_wrong_token_is_401(client):
    assert client.get("/api/v1/me", headers=bearer("crt_not-a-token")).status_code == 401


def test_api_with_a_token_answers(client, api_token):
    response = client.get("/api/v1/me", headers=bearer(api_token(Role.FINANCE)))
    assert response.status_code == 200
    assert response.json["role"] == "finance"


@pytest.mark.parametrize("role", [Role.FINANCE, Role.REPRESENTATIVE])
def test_api_refuses_a_role_with_403(client, api_token, role):
    response = client.get("/api/v1/audit-events", headers=bearer(api_token(role)))
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"


def test_api_admin_reads_the_audit_log(client, api_token):
    response = client.get("/api/v1/audit-events", headers=bearer(api_token(Role.ADMIN)))
    assert response.status_code == 200
    assert {"action": "token.create"}.items() <= response.json[0].items()


def test_api_ignores_the_session_cookie(client_as):
    web_client = client_as(Role.ADMIN)
    assert web_client.get("/").status_code == 200
    assert web_client.get("/api/v1/me").status_code == 401


def test_api_unknown_path_is_a_json_404(client, api_token):
    response = client.get("/api/v1/nothing-here", headers=bearer(api_token(Role.ADMIN)))
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_revoked_token_is_refused(client, make_user):
    from consortium import db
    from consortium.auth import service
    from consortium.auth.models import ApiToken

    user = make_user(Role.ADMIN)
    token = service.issue_token(user, actor_label="test")
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    row = db.session.query(ApiToken).filter_by(user_id=user.id).one()
    service.revoke_token(row, actor=user)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_token_of_a_deactivated_user_is_refused(client, make_user):
    from consortium.auth import service

    admin, user = make_user(Role.ADMIN), make_user(Role.FINANCE)
    token = service.issue_token(user, actor_label="test")
    service.set_active(user, False, actor=admin)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_a_tokens_last_use_is_kept_to_the_minute(client, make_user):
    from consortium import db
    from consortium.auth import service
    from consortium.auth.models import ApiToken

    user = make_user(Role.OBSERVER)
    token = service.issue_token(user, label="script", actor_label="test")
    row_id = db.session.query(ApiToken).filter_by(user_id=user.id).one().id

    def last_used():
        return db.session.get(ApiToken, row_id, populate_existing=True).last_used_at

    assert last_used() is None
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    first = last_used()
    assert first is not None
    client.get("/api/v1/me", headers=bearer(token))
    assert last_used() == first  # not written again within the minute
