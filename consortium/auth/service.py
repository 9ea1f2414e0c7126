"""Users, passwords and API tokens: the operations, each one transaction with its audit event."""

from __future__ import annotations

import secrets
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from consortium import clock, db, wiring
from consortium.audit.service import record, snapshot
from consortium.auth.models import ApiToken, Role, User
from consortium.rules import MUNICIPALITY_DIRECTORY

USER_FIELDS = ("email", "name", "role", "municipality_id", "active")
MIN_PASSWORD_LENGTH = 10
# A hash to check against when the e-mail is unknown, so both cases take the same time: one
# per hashing method, made when first needed (not at import: it costs what a login costs).
_DUMMY_HASHES: dict[str, str] = {}


def _method() -> str:
    """werkzeug's hashing method for new passwords (PASSWORD_HASH_METHOD; its scrypt by
    default)."""
    return str(db.app_config().get("PASSWORD_HASH_METHOD") or "scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_method())


def _dummy_hash() -> str:
    method = _method()
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("not-a-real-password", method=method)
    return _DUMMY_HASHES[method]


class AuthError(ValueError):
    """A refused user operation, with a message meant for the person who asked."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    user = find_user(email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = clock.now()
    record("user.login", "user", user.id, actor=user)
    return user


def create_user(
    *,
    email: str,
    role: Role | str,
    password: str,
    name: str = "",
    municipality_code: str | None = None,
    actor: User | None = None,
    actor_label: str | None = None,
) -> User:
    email = normalise_email(email)
    try:
        role = Role(role)
    except ValueError:
        raise AuthError(_("Unknown role %(role)s.", role=role), "role") from None
    if "@" not in email:
        raise AuthError(_("Enter a valid e-mail address."), "email")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(
            _("The password must have at least %(min)s characters.", min=MIN_PASSWORD_LENGTH),
            "password",
        )
    if db.session.scalar(select(func.count()).where(User.email == email)):
        raise AuthError(_("A user with the e-mail %(email)s already exists.", email=email),
                        "email")
    municipality_id = _municipality_for(role, municipality_code)
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        municipality_id=municipality_id,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    record("user.create", "user", user.id, after=snapshot(user, *USER_FIELDS),
           actor=actor, actor_label=actor_label)
    return user


def _municipality_for(role: Role, municipality_code: str | None) -> int | None:
    """The id of the user's municipality, found by the register (auth knows no members)."""
    municipality = None
    if municipality_code:
        municipality = wiring.rule(MUNICIPALITY_DIRECTORY).id_for(municipality_code)
        if municipality is None:
            raise AuthError(_("No municipality has the code %(code)s.", code=municipality_code),
                            "municipality")
    if role is Role.REPRESENTATIVE and municipality is None:
        raise AuthError(_("A representative must belong to a municipality."), "municipality")
    if role in (Role.ADMIN, Role.OBSERVER) and municipality is not None:
        raise AuthError(_("Only representatives and finance users belong to a municipality."),
                        "municipality")
    return municipality


def update_user(user: User, *, name: str, role: Role | str, municipality_code: str | None,
                actor: User) -> User:
    """Change a user's name, role and municipality (the e-mail is who they are)."""
    try:
        role = Role(role)
    except ValueError:
        raise AuthError(_("Unknown role %(role)s.", role=role), "role") from None
    if user.id == actor.id and role is not user.role:
        raise AuthError(_("You cannot change your own role; ask another administrator."),
                        "role")
    municipality_id = _municipality_for(role, municipality_code)
    before = snapshot(user, *USER_FIELDS)
    user.name, user.role, user.municipality_id = name.strip()[:150], role, municipality_id
    db.session.flush()
    db.session.expire(user, ["municipality"])  # loaded again by its new id when read
    after = snapshot(user, *USER_FIELDS)
    if after != before:
        record("user.update", "user", user.id, before=before, after=after, actor=actor)
    return user


def check_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def set_password(user: User, password: str, *, actor: User | None = None,
                 actor_label: str | None = None) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(
            _("The password must have at least %(min)s characters.", min=MIN_PASSWORD_LENGTH),
            "password",
        )
    user.password_hash = hash_password(password)
    end_sessions(user)
    record("user.password", "user", user.id, after={"changed": True}, actor=actor,
           actor_label=actor_label)


# A password-reset link: signed with the SECRET_KEY, expiring, and one-time because it names
# the password it replaces (a fingerprint of the current hash): once used, it no longer fits.
RESET_SALT = "password-reset"
RESET_MAX_AGE = 48 * 3600


def _serializer() -> Any:
    from itsdangerous import URLSafeTimedSerializer

    from consortium.db import app_config

    return URLSafeTimedSerializer(app_config()["SECRET_KEY"], salt=RESET_SALT)


def _fingerprint(user: User) -> str:
    import hashlib

    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def reset_token(user: User) -> str:
    return str(_serializer().dumps({"u": user.id, "p": _fingerprint(user)}))


def user_for_reset(token: str, max_age: int = RESET_MAX_AGE) -> User | None:
    """The user a reset link is for, or None when it is forged, expired, used or the user is
    deactivated."""
    from itsdangerous import BadSignature

    try:
        data = _serializer().loads(token, max_age=max_age)
    except BadSignature:  # SignatureExpired is one too
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("p") != _fingerprint(user):
        return None
    return user


def send_password_reset(user: User, *, actor: User | None = None) -> None:
    """Write the reset link to the outbox (the worker e-mails it); nothing for an inactive
    user."""
    from consortium.notices.service import notify

    if not user.active:
        return
    token = reset_token(user)
    notify([user], "password_reset", {"hours": RESET_MAX_AGE // 3600}, f"/password/{token}")
    record("user.password_reset", "user", user.id, after={"sent_to": user.email},
           actor=actor, actor_label=None if actor else "self-service")


RESET_JOB = "password_reset"


def ask_for_reset(email: str) -> None:
    """Someone asked for a reset link for `email`. The request does the same work whether the
    address is known or not (one job row; issue 22: a known address took twice as long, so
    addresses could be enumerated); the worker looks the address up and, for an active user,
    writes the link to the outbox."""
    from consortium.jobs.service import start, submit

    job = submit(RESET_JOB, {"email": normalise_email(email)[:254]})
    db.after_commit(lambda: start(job.id))


def reset_job(params: dict[str, Any], _progress: Any) -> Any:
    """The worker's half of `ask_for_reset`: nothing is told to anyone about the address."""
    from consortium.jobs.service import Result

    user = find_user(str(params.get("email", "")))
    if user is not None:
        send_password_reset(user)
    return Result(b"", "", "text/plain")


def end_sessions(user: User) -> None:
    """Every session of the user made before now stops working (checked on each request)."""
    user.session_generation = (user.session_generation or 0) + 1


def sign_out_everywhere(user: User) -> None:
    end_sessions(user)


def set_active(user: User, active: bool, *, actor: User) -> None:
    if user.id == actor.id and not active:
        raise AuthError(_("You cannot deactivate your own account."))
    before = snapshot(user, *USER_FIELDS)
    user.active = active
    if not active:
        end_sessions(user)
        for token in user_tokens(user):
            token.revoked_at = token.revoked_at or clock.now()
    record("user.activate" if active else "user.deactivate", "user", user.id,
           before=before, after=snapshot(user, *USER_FIELDS), actor=actor)


def issue_token(
    user: User, *, label: str = "", actor: User | None = None, actor_label: str | None = None
) -> str:
    """Make a new API token for `user` and return it; only its hash is stored."""
    token = "crt_" + secrets.token_urlsafe(32)
    row = ApiToken(user=user, label=label.strip()[:100], token_hash=ApiToken.hash_token(token),
                   prefix=token[:12])
    db.session.add(row)
    db.session.flush()
    record("token.create", "api_token", row.id,
           after={"user": user.email, "label": row.label, "prefix": row.prefix},
           actor=actor, actor_label=actor_label)
    return token


def revoke_token(token: ApiToken, *, actor: User) -> None:
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        record("token.revoke", "api_token", token.id,
               after={"user": token.user.email, "prefix": token.prefix}, actor=actor)


def user_tokens(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at)
    ))
