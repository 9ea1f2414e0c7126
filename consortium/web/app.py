"""The application factory: configuration, extensions, blueprints, command line."""

from __future__ import annotations

from typing import Any

from flask import Flask, has_request_context, request, session
from werkzeug.routing import IntegerConverter, Map

from consortium import clock, config, db
from consortium.config import LANGUAGES, ROOT


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    config.load(app, test_config)
    clock.configure(app.config["TIMEZONE"])
    # An <int:…> in a URL is at most what a BIGINT column holds: a larger number names no
    # record (404), rather than overflowing the database driver (a 500).
    app.url_map.converters["int"] = BoundedIntConverter

    @app.url_value_preprocessor
    def _years_in_range(_endpoint: str | None, values: dict[str, Any] | None) -> None:
        """A year in a URL is one the registry keeps (1900-2100); any other names nothing."""
        year = (values or {}).get("year")
        if isinstance(year, int) and not 1900 <= year <= 2100:
            from flask import abort

            abort(404)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  (å, ä, ö as they are)
    if app.config["PROXY_FIX_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    db.init_app(app)
    register_extensions(app)
    register_blueprints(app)
    register_receivers()
    register_cli(app)
    if app.config["JOBS_MODE"] == "thread" and not app.testing:
        from consortium.jobs.service import start_sweeper

        start_sweeper(app)  # no worker in this mode: the web process sweeps
    from consortium.web import errors, navigation, security

    errors.register(app)
    security.register(app)
    navigation.register(app)
    return app


class BoundedIntConverter(IntegerConverter):
    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = None, signed: bool = False) -> None:
        super().__init__(url_map, fixed_digits=fixed_digits, min=min,
                         max=2**63 - 1 if max is None else max, signed=signed)


def select_locale() -> str:
    """The web follows the switch, then the browser (Swedish by default); the API and the
    command line answer in English unless the client asks for Swedish."""
    if not has_request_context():
        return "en"
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(("en", "sv")) or "en"
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "sv"


def register_extensions(app: Flask) -> None:
    from consortium import models  # noqa: F401  (every table known to the metadata)
    from consortium.auth.access import enforce
    from consortium.auth.models import User
    from consortium.extensions import babel, csrf, limiter, login_manager

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return db.session.get(User, int(user_id))

    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Sign in to see this page.")
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    enforce(app)


def register_blueprints(app: Flask) -> None:
    from consortium.api import bp as api_bp
    from consortium.audit.views import bp as audit_bp
    from consortium.auth.views import bp as auth_bp
    from consortium.costs.views import bp as costs_bp
    from consortium.documents.views import bp as documents_bp
    from consortium.extensions import csrf
    from consortium.governance.views import bp as governance_bp
    from consortium.members.views import bp as members_bp
    from consortium.tools.views import bp as tools_bp
    from consortium.web.views import bp as web_bp

    app.register_blueprint(web_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(members_bp)
    app.register_blueprint(tools_bp)
    app.register_blueprint(costs_bp)
    app.register_blueprint(governance_bp)
    app.register_blueprint(documents_bp)
    csrf.exempt(api_bp)  # Bearer tokens only: no cookie, so no cross-site request to forge
    app.register_blueprint(api_bp)


def register_receivers() -> None:
    """Connect the higher domains' answers to the lower domains' signals (see
    consortium/signals.py). Importing a receivers module connects it; blinker keeps one
    connection per function, so a second app in the same process adds nothing."""
    from consortium.costs import receivers as _costs  # noqa: F401
    from consortium.documents import bulk as _bulk  # noqa: F401  (its job handler)
    from consortium.documents import receivers as _documents  # noqa: F401
    from consortium.governance import receivers as _governance  # noqa: F401
    from consortium.notices import service as _notices  # noqa: F401  (hands notices over)
    from consortium.tools import receivers as _tools  # noqa: F401


def register_cli(app: Flask) -> None:
    from consortium.audit.cli import audit_cli
    from consortium.auth.cli import users_cli
    from consortium.cli import db_cli
    from consortium.costs.cli import costs_cli
    from consortium.demo.cli import seed_demo
    from consortium.documents.cli import export_cli
    from consortium.jobs.cli import worker
    from consortium.members.cli import import_cli

    app.cli.add_command(db_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(import_cli)
    app.cli.add_command(export_cli)
    app.cli.add_command(costs_cli)
    app.cli.add_command(worker)
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_demo)
