"""`flask users create` and `flask users token`."""

from __future__ import annotations

from sqlalchemy import select

from consortium import db
from consortium.audit.models import AuditEvent
from consortium.auth.models import Role, User
from tests.conftest import bearer


def test_users_create_with_password(runner, make_municipality):
    make_municipality("0483", "Katrineholm", "Södermanlands län")
    result = runner.invoke(args=["users", "create", "--email", "Ombud@Katrineholm.se",
                                 "--role", "representative", "--municipality", "0483",
                                 "--password", "a long password"])
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User).where(User.email == "ombud@katrineholm.se")).one()
    assert user.role is Role.REPRESENTATIVE and user.municipality.code == "0483"
    assert user.password_hash.startswith("scrypt:") and "a long password" not in user.password_hash
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.create")).one()
    assert event.actor_label == "cli"


def test_users_create_prompts_for_the_password(runner):
    result = runner.invoke(args=["users", "create", "--email", "kansli@example.se",
                                 "--role", "admin"], input="a long password\na long password\n")
    assert result.exit_code == 0, result.output
    assert "Password" in result.output
    assert db.session.scalars(select(User).where(User.email == "kansli@example.se")).one()


def test_users_create_refuses_an_unknown_role(runner):
    result = runner.invoke(args=["users", "create", "--email", "x@example.se", "--role", "king",
                                 "--password", "a long password"])
    assert result.exit_code == 2
    assert "king" in result.output


def test_users_create_refuses_a_duplicate_email(runner, make_user):
    make_user(Role.ADMIN, email="kansli@example.se")
    result = runner.invoke(args=["users", "create", "--email", "kansli@example.se",
                                 "--role", "admin", "--password", "a long password"])
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_users_create_refuses_a_representative_without_municipality(runner):
    result = runner.invoke(args=["users", "create", "--email", "r@example.se",
                                 "--role", "representative", "--password", "a long password"])
    assert result.exit_code == 1
    assert "must belong to a municipality" in result.output
    assert db.session.scalars(select(User).where(User.email == "r@example.se")).first() is None


def test_users_token_prints_a_working_token_on_its_last_line(runner, client, make_user):
    user = make_user(Role.OBSERVER, email="revisor@example.se")
    result = runner.invoke(args=["users", "token", "revisor@example.se"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 200 and response.json["email"] == user.email


def test_users_token_for_an_unknown_user_fails(runner):
    result = runner.invoke(args=["users", "token", "nobody@example.se"])
    assert result.exit_code == 1
    assert "No user" in result.output
