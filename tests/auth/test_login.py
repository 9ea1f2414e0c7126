"""Signing in and out, wrong passwords, throttling and the session cookie."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consortium import db
from consortium.audit.models import AuditEvent
from consortium.auth.models import Role
from tests.conftest import PASSWORD, csrf_token, login


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_login_with_right_password_opens_the_home_page(client, make_user):
    user = make_user(Role.ADMIN, name="Kansliet")
    response = login(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/", headers={"Accept-Language": "en"})
    assert home.status_code == 200
    assert "Welcome, Kansliet" in home.get_data(as_text=True)


def test_login_is_case_insensitive_in_the_email(client, make_user):
    user = make_user(Role.OBSERVER, email="revisor@example.se")
    assert login(client, "  Revisor@Example.SE ").status_code == 302
    assert client.get("/").status_code == 200
    assert user.email == "revisor@example.se"


def test_wrong_password_is_refused_with_a_message(client, make_user):
    user = make_user(Role.ADMIN)
    response = client.post("/login", headers={"Accept-Language": "en"}, data={
        "email": user.email, "password": "wrong password", "csrf_token": csrf_token(client)})
    assert response.status_code == 401
    assert "Wrong e-mail or password." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client):
    response = client.post("/login", headers={"Accept-Language": "en"}, data={
        "email": "nobody@example.se", "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert response.status_code == 401
    assert "Wrong e-mail or password." in response.get_data(as_text=True)


def test_deactivated_user_cannot_sign_in(client, make_user):
    user = make_user(Role.FINANCE)
    user.active = False
    db.session.commit()
    assert login(client, user.email).status_code == 401


def test_login_is_audited(client, make_user):
    user = make_user(Role.OBSERVER)
    login(client, user.email)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.login")).one()
    assert event.actor_id == user.id and event.object_id == str(user.id)


def test_logout_ends_the_session(client, make_user):
    user = make_user(Role.ADMIN)
    login(client, user.email)
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_login_starts_a_new_session(client, make_user):
    user = make_user(Role.ADMIN)
    token = csrf_token(client)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == str(user.id)


def test_next_parameter_only_redirects_inside_the_site(client, make_user):
    user = make_user(Role.ADMIN)
    token = csrf_token(client)
    response = client.post("/login?next=//evil.example/x",
                           data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    response = client.post("/login?next=/admin/audit", data={
        "email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/admin/audit"


def test_repeated_wrong_passwords_are_throttled(client, make_user):
    user = make_user(Role.ADMIN)
    token = csrf_token(client)
    form = {"email": user.email, "password": "wrong", "csrf_token": token}
    statuses = [client.post("/login", data=form).status_code for _ in range(5)]
    assert statuses == [401] * 5
    blocked = client.post("/login", headers={"Accept-Language": "en"},
                          data={**form, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)
    assert int(blocked.headers["Retry-After"]) > 0


def test_successful_logins_do_not_count_towards_the_throttle(client, make_user):
    user = make_user(Role.ADMIN)
    for _ in range(7):
        assert login(client, user.email).status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def test_throttle_is_per_account(client, make_user):
    victim, other = make_user(Role.ADMIN), make_user(Role.ADMIN)
    token = csrf_token(client)
    for _ in range(5):
        client.post("/login", data={"email": victim.email, "password": "x", "csrf_token": token})
    assert login(client, other.email).status_code == 302


def test_session_cookie_is_http_only_and_same_site(client, make_user):
    user = make_user(Role.ADMIN)
    response = login(client, user.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.mark.parametrize("target", ["/%0A/evil.example", "/%09/evil.example/",
                                    "/%5C/evil.example", "//evil.example", "https://evil.example",
                                    "/\\evil.example", "/ok%0d%0aSet-Cookie:x=1"])
def test_login_never_sends_the_browser_away(client, make_user, target):
    make_user("observer", email="revisor@example.se")
    token = csrf_token(client)
    response = client.post(f"/login?next={target}", data={
        "email": "revisor@example.se", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/", response.headers["Location"]


def test_the_language_switch_stays_on_the_site(client):
    token = csrf_token(client)
    for target in ("/\t/evil.example", "//evil.example", "/tools/?q=a"):
        response = client.post("/language", data={"lang": "en", "next": target,
                                                  "csrf_token": token})
        assert response.headers["Location"] == ("/tools/?q=a" if target == "/tools/?q=a"
                                                else "/")


def test_a_cookie_copied_before_logout_no_longer_works(app, client_as):
    user = client_as(Role.OBSERVER)
    assert user.get("/").status_code == 200
    cookie = user.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get("/").status_code == 200  # the copy works while the owner is signed in
    user.post("/logout", data={"csrf_token": csrf_token(user, "/")})
    replay = thief.get("/")
    assert replay.status_code == 302 and "/login" in replay.headers["Location"]


def test_a_password_change_ends_the_other_sessions_but_not_this_one(app, client_as):
    user = client_as(Role.OBSERVER)
    other = app.test_client()
    login(other, user.user.email)
    assert other.get("/").status_code == 200
    user.post("/settings/password", data={
        "csrf_token": csrf_token(user, "/settings"), "current": PASSWORD,
        "password": "ett nytt långt lösenord", "confirm": "ett nytt långt lösenord"})
    assert user.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out(app, make_user):
    owner = make_user(Role.ADMIN)
    attacker = app.test_client()
    token = csrf_token(attacker)
    for _ in range(5):
        attacker.post("/login", environ_base={"REMOTE_ADDR": "203.0.113.9"}, data={
            "email": owner.email, "password": "wrong", "csrf_token": token})
    assert attacker.post("/login", environ_base={"REMOTE_ADDR": "203.0.113.9"}, data={
        "email": owner.email, "password": PASSWORD, "csrf_token": token}).status_code == 429
    office = app.test_client()
    assert office.post("/login", environ_base={"REMOTE_ADDR": "198.51.100.7"}, data={
        "email": owner.email, "password": PASSWORD,
        "csrf_token": csrf_token(office)}).status_code == 302


def test_one_client_trying_many_accounts_is_slowed(app, make_user):
    client = app.test_client()
    token = csrf_token(client)
    limit = int(app.config["LOGIN_CLIENT_THROTTLE"].split()[0])
    statuses = [client.post("/login", data={"email": f"gissning{n}@example.se",
                                            "password": "wrong", "csrf_token": token}).status_code
                for n in range(limit + 1)]
    assert statuses[:limit] == [401] * limit and statuses[-1] == 429


def test_passwords_are_hashed_with_werkzeugs_full_scrypt_unless_configured(app, monkeypatch):
    from consortium.auth.service import hash_password

    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", None)  # as when not set
    with app.app_context():
        assert hash_password("a long password").startswith("scrypt:32768:8:1$")
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "scrypt:1024:8:1")
    with app.app_context():
        assert hash_password("a long password").startswith("scrypt:1024:8:1$")
