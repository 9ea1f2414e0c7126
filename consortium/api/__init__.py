"""The JSON API under /api/v1: thin routes over the same services as the web pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from consortium.api import costs, governance, jobs, members, routes, tools  # noqa: E402,F401
