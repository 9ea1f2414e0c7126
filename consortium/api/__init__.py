"""The JSON API under /api/v1: thin routes over the same services as the web pages."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app: Flask) -> None:
    """/api/v1: every route module joins the one blueprint here; bearer tokens only, so no
    CSRF (no cookie, so no cross-site request to forge)."""
    from consortium.api import (
        costs,
        elections,
        governance,
        invoicing,
        jobs,
        meetings,
        members,
        routes,
        tools,
    )
    from consortium.extensions import csrf

    # imported for their routes
    del costs, elections, governance, invoicing, jobs, meetings, members, routes, tools
    csrf.exempt(bp)
    app.register_blueprint(bp)
