"""The application factory: configuration, extensions, blueprints, command line."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import Any

from flask import Flask, has_request_context, request, session
from werkzeug.routing import IntegerConverter, Map

import consortium.api
import consortium.audit
import consortium.auth
import consortium.costs
import consortium.demo
import consortium.documents
import consortium.governance
import consortium.invoicing
import consortium.jobs
import consortium.members
import consortium.notices
import consortium.tools
import consortium.web
from consortium import clock, config, db, rules, wiring
from consortium.config import LANGUAGES, ROOT

Domain = ModuleType  # a package with init_app(app)
# Base first, then the domains bottom-up: each may rely on what those before it registered.
DOMAINS: tuple[Domain, ...] = (
    consortium.auth, consortium.audit, consortium.jobs, consortium.notices,
    consortium.members, consortium.tools, consortium.costs, consortium.governance,
    consortium.invoicing, consortium.documents, consortium.api, consortium.demo, consortium.web,
)


def create_app(test_config: dict[str, Any] | None = None,
               domains: Sequence[Domain] | None = None) -> Flask:
    """The application: configuration, extensions, then each domain's `init_app` in the
    layer order (DOMAINS), which registers all it adds. `domains` is for tests that prove an
    app without a required rule does not start."""
    domains = DOMAINS if domains is None else domains
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
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # å, ä, ö as they are
    if app.config["PROXY_FIX_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    db.init_app(app)
    register_extensions(app)
    for domain in domains:  # in the layer order, base first (README "Architecture")
        domain.init_app(app)
    wiring.start(app, required=rules.REQUIRED)  # no app without the rules others must ask
    if app.config["JOBS_MODE"] == "thread" and not app.testing:
        from consortium.jobs.service import start_sweeper

        start_sweeper(app)  # no worker in this mode: the web process sweeps
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
    if request.args.get("lang") in LANGUAGES:  # a public page's language links
        return str(request.args["lang"])
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "sv"


def register_extensions(app: Flask) -> None:
    from sqlalchemy.orm import configure_mappers

    from consortium import models  # noqa: F401  (every table known to the metadata)
    from consortium.cli import db_cli
    from consortium.extensions import babel, csrf, limiter
    from consortium.frame import translating

    # The mappers are configured now, once, not by the first requests of several threads at
    # the same time (gthread workers: that race ends in a RecursionError in SQLAlchemy)
    configure_mappers()
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    translating.install(app)
    limiter.init_app(app)
    app.cli.add_command(db_cli)
