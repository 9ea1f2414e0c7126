"""The top of the house: the application factory, home pages, navigation, language, error
pages and security headers. It may import every domain; nothing imports it."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The start pages, settings and calendar (one blueprint, "web"), the audit log's pages
    ("audit": they name every domain's objects), error pages, security headers, navigation."""
    from consortium.web import audit_log, errors, me, navigation, notices_page, security, views

    del me, notices_page  # settings, calendar and the office's notices: routes of views.bp
    app.register_blueprint(views.bp)
    app.register_blueprint(audit_log.bp)
    from consortium import wiring

    wiring.job_handler(app, audit_log.VERIFY_KIND, audit_log.verification_job)
    errors.register(app)
    security.register(app)
    navigation.register(app)
