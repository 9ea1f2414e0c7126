"""Who may open which route: declared on the route, checked centrally before each request.

A route without a declared rule is refused (403) and a test walks the URL map to make sure
none exists. API routes authenticate with a Bearer token only, never the session cookie."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, request, session
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from consortium import clock, db
from consortium.auth.models import ApiToken, Role, User

F = TypeVar("F", bound=Callable[..., Any])

ALL_ROLES = frozenset(Role)
TOKEN_USE_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class AccessRule:
    public: bool = False
    roles: frozenset[Role] = ALL_ROLES
    # Changes consortium-wide figures: a user tied to a municipality may not (SPEC roles)
    consortium_wide: bool = False

    def allows(self, user: User | None) -> bool:
        if self.public:
            return True
        if user is None or user.role not in self.roles:
            return False
        return not (self.consortium_wide and user.municipality_id is not None)


def _declare(rule: AccessRule) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        view.access_rule = rule  # type: ignore[attr-defined]
        return view

    return decorator


def public(view: F) -> F:
    """Open to anyone, signed in or not (login page, language switch, health check)."""
    return _declare(AccessRule(public=True))(view)


def roles(*allowed: Role) -> Callable[[F], F]:
    """Open to signed-in users with one of these roles."""
    return _declare(AccessRule(roles=frozenset(allowed)))


#: Every signed-in user may read.
readers = roles(*Role)
admin_only = roles(Role.ADMIN)
#: Budgets, keys, usage, fees, adoption and closing: the office and finance officers who are
#: not tied to a municipality.
consortium_finance = _declare(AccessRule(roles=frozenset({Role.ADMIN, Role.FINANCE}),
                                         consortium_wide=True))


def may_change_consortium_figures(user: User | None) -> bool:
    return user is not None and user.role in (Role.ADMIN, Role.FINANCE) \
        and user.municipality_id is None


def rule_of(app: Flask, endpoint: str) -> AccessRule | None:
    view = app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def acting_user() -> User | None:
    """The user of this request: the token's user on the API, the session's on the web."""
    return g.get("user")


def require_user() -> User:
    """The user of this request, where the route's rule has already let only a signed-in
    user through; 401 if there is none (a route declared public by mistake)."""
    user = acting_user()
    if user is None:
        abort(401)
    return user


def is_api_request() -> bool:
    return request.blueprint == "api" or request.path.startswith("/api/")


def _user_from_bearer() -> User | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    token_row = db.session.scalar(
        select(ApiToken)
        .options(joinedload(ApiToken.user))
        .where(ApiToken.token_hash == ApiToken.hash_token(token.strip()))
        .where(ApiToken.revoked_at.is_(None))
    )
    if token_row is None or not token_row.user.active:
        return None
    now = clock.now()
    if token_row.last_used_at is None or now - token_row.last_used_at > TOKEN_USE_PRECISION:
        # When it was last used, to the minute: one write a minute at most, not one per read
        # (committed with the request's own unit of work)
        token_row.last_used_at = now
    return token_row.user


def enforce(app: Flask) -> None:
    @app.before_request
    def _check_access() -> Any:
        endpoint = request.endpoint
        if endpoint is None or endpoint == "static":
            return None  # 404 / static files
        rule = rule_of(current_app, endpoint)
        if rule is None:
            current_app.logger.error("Route %s declares no access rule; refused.", endpoint)
            abort(403)
        if is_api_request():
            g.user = _user_from_bearer()
        else:
            user = current_user._get_current_object()
            # The user, not the proxy. A session ends here when its user was deactivated, or
            # signed out, or changed password since it was made (a newer generation).
            g.user = user if (user.is_authenticated and user.is_active and session.get(
                "generation") == user.session_generation) else None
        if rule.public:
            return None
        if g.user is None:
            if is_api_request():
                abort(401)
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        if not rule.allows(g.user):
            abort(403)
        return None
