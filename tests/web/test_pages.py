"""The frame: language from the browser and the switch, error pages that leak nothing."""

from __future__ import annotations

from consortium.auth.models import Role
from tests.conftest import csrf_token


def test_swedish_is_chosen_from_the_browser(client):
    page = client.get("/login", headers={"Accept-Language": "sv-SE,sv;q=0.9,en;q=0.5"})
    html = page.get_data(as_text=True)
    assert '<html lang="sv">' in html
    assert "Logga in" in html and "E-post" in html


def test_english_is_chosen_from_the_browser(client):
    page = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"})
    html = page.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Sign in" in html and "Logga in" not in html


def test_the_language_switch_overrides_the_browser(client):
    token = csrf_token(client)
    response = client.post("/language", data={"lang": "en", "next": "/login",
                                              "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    html = client.get("/login", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert '<html lang="en">' in html


def test_the_language_switch_refuses_unknown_languages(client):
    token = csrf_token(client)
    assert client.post("/language", data={"lang": "de", "csrf_token": token}).status_code == 400


def test_the_language_switch_does_not_redirect_off_site(client):
    token = csrf_token(client)
    response = client.post("/language", data={"lang": "sv", "next": "//evil.example",
                                              "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_not_found_page_is_friendly(client_as):
    response = client_as(Role.OBSERVER).get("/no/such/page", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "There is no such page" in response.get_data(as_text=True)


def test_forbidden_page_explains_itself_in_swedish(client_as):
    response = client_as(Role.OBSERVER).get("/admin/users", headers={"Accept-Language": "sv"})
    assert response.status_code == 403
    assert "Din roll ger inte tillgång" in response.get_data(as_text=True)


def test_server_error_page_shows_no_internals(database_url):
    from consortium.auth.access import public
    from consortium.web.app import create_app
    from tests.conftest import TEST_CONFIG

    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url})

    @app.route("/boom")
    @public
    def boom():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom", headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Nothing was saved" in html
    assert "secret internal detail" not in html and "Traceback" not in html


def test_health_check_answers_without_login(client):
    # The tests run jobs inline and count logins in memory: Redis is not used here
    assert client.get("/healthz").json == {"status": "ok", "parts": {
        "database": "ok", "redis": "not used", "signing": "ok"}}


def test_static_stylesheet_ships_with_the_app(client):
    with client.get("/static/css/app.css") as response:
        assert response.status_code == 200
        assert b"http://" not in response.data and b"https://" not in response.data
