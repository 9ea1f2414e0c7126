"""Administrators create users, issue and revoke API tokens in the browser."""

from __future__ import annotations

from sqlalchemy import func, select

from consortium import db
from consortium.auth.models import ApiToken, Role, User
from tests.conftest import bearer, csrf_token


def _form(admin, **fields):
    data = {"email": "ny@example.se", "name": "", "role": "observer", "municipality": "",
            "password": "a long password", "confirm": "a long password",
            "csrf_token": csrf_token(admin, "/admin/users/new")}
    data.update(fields)
    return data


def test_bad_user_form_shows_errors_and_writes_nothing(client_as):
    admin = client_as(Role.ADMIN)
    before = db.session.scalar(select(func.count()).select_from(User))
    response = admin.post("/admin/users/new", headers={"Accept-Language": "en"},
                          data=_form(admin, email="not-an-email", password="short",
                                     confirm="other"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Invalid email address." in html
    assert "The passwords differ." in html
    assert 'aria-invalid="true"' in html
    assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_representative_needs_a_municipality(client_as):
    admin = client_as(Role.ADMIN)
    response = admin.post("/admin/users/new", headers={"Accept-Language": "en"},
                          data=_form(admin, role="representative"))
    assert response.status_code == 422
    assert "A representative must belong to a municipality." in response.get_data(as_text=True)


def test_admin_creates_a_representative(client_as, make_municipality):
    make_municipality("1280", "Malmö", "Skåne län")
    admin = client_as(Role.ADMIN)
    response = admin.post("/admin/users/new",
                          data=_form(admin, role="representative", municipality="1280"))
    assert response.status_code == 302
    user = db.session.scalars(select(User).where(User.email == "ny@example.se")).one()
    assert user.municipality.name == "Malmö"


def test_token_is_shown_once_and_works(client_as, client, make_user):
    admin = client_as(Role.ADMIN)
    target = make_user(Role.FINANCE)
    page = f"/admin/users/{target.id}"
    response = admin.post(f"{page}/tokens", data={"label": "ekonomisystem",
                                                  "csrf_token": csrf_token(admin, page)})
    html = response.get_data(as_text=True)
    token = html.split('<code class="token">')[1].split("</code>")[0]
    assert client.get("/api/v1/me", headers=bearer(token)).json["email"] == target.email
    assert token not in admin.get(page).get_data(as_text=True)
    stored = db.session.scalars(select(ApiToken).where(ApiToken.user_id == target.id)).one()
    assert stored.token_hash != token and stored.label == "ekonomisystem"


def test_admin_revokes_a_token(client_as, client, make_user):
    from consortium.auth import service

    admin = client_as(Role.ADMIN)
    target = make_user(Role.FINANCE)
    token = service.issue_token(target, actor_label="test")
    row = db.session.scalars(select(ApiToken).where(ApiToken.user_id == target.id)).one()
    page = f"/admin/users/{target.id}"
    admin.post(f"{page}/tokens/{row.id}/revoke", data={"csrf_token": csrf_token(admin, page)})
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_admin_cannot_deactivate_themselves(client_as):
    admin = client_as(Role.ADMIN)
    page = f"/admin/users/{admin.user.id}"
    admin.post(f"{page}/active", data={"csrf_token": csrf_token(admin, page)})
    assert admin.get("/").status_code == 200
