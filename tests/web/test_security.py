"""CSRF on every form, and the security headers on every response."""

from __future__ import annotations

from consortium.auth.models import Role
from tests.conftest import PASSWORD, csrf_token


def test_login_without_csrf_token_is_refused(client, make_user):
    user = make_user(Role.ADMIN)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_login_with_a_forged_csrf_token_is_refused(client, make_user):
    user = make_user(Role.ADMIN)
    csrf_token(client)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": "forged"})
    assert response.status_code == 400


def test_state_changing_forms_refuse_missing_csrf(client_as, make_user):
    admin = client_as(Role.ADMIN)
    target = make_user(Role.FINANCE)
    assert admin.post("/logout").status_code == 400
    assert admin.post(f"/admin/users/{target.id}/active").status_code == 400
    assert admin.post(f"/admin/users/{target.id}/tokens", data={"label": "x"}).status_code == 400
    assert admin.post("/language", data={"lang": "en"}).status_code == 400
    assert admin.get("/").status_code == 200  # still signed in: nothing happened


def test_security_headers_on_pages(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_security_headers_on_api_errors(client):
    response = client.get("/api/v1/me")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_carry_no_inline_script(client_as):
    page = client_as(Role.ADMIN).get("/").get_data(as_text=True)
    assert "<script>" not in page and "onclick=" not in page


def test_secret_key_is_required_outside_debug_and_demo(monkeypatch, database_url):
    import pytest

    from consortium.web.app import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("CONSORTIUM_DEMO", raising=False)
    monkeypatch.setattr("consortium.config._secret_from_instance", lambda *_args: None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": database_url})
    # and the audit chain's key, kept apart from the database like it
    monkeypatch.delenv("AUDIT_KEY", raising=False)
    with pytest.raises(RuntimeError, match="AUDIT_KEY"):
        create_app({"DATABASE_URL": database_url, "SECRET_KEY": "s"})
