"""Error pages for people and JSON errors for the API; neither shows internals."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, jsonify, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from consortium import db
from consortium.auth.access import is_api_request
from consortium.errors import DomainError

API_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    500: "internal_error",
}


def api_error(status: int, message: str, fields: dict[str, Any] | None = None,
              code: str | None = None) -> Any:
    body: dict[str, Any] = {"code": code or API_CODES.get(status, "error"), "message": message}
    if fields:
        body["fields"] = fields
    response = jsonify({"error": body})
    response.status_code = status
    return response


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Go back and try again.")),
        401: (_("Sign in required"), _("Sign in to see this page.")),
        403: (_("Not allowed"), _("Your role does not allow this page or action.")),
        404: (_("Not found"), _("There is no such page. It may have been moved or removed.")),
        405: (_("Not allowed"), _("This address does not accept that kind of request.")),
        413: (_("The file is too large"),
              _("The registry accepts uploads of at most %(mb)s MB. A file of every Swedish "
                "municipality's population is about 15 kB: check that you chose the right "
                "file. Nothing was saved.",
                mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))),
        429: (_("Too many attempts"),
              _("Too many attempts in a short time. Wait a few minutes and try again.")),
        500: (_("Something went wrong"),
              _("The registry could not finish the request. Nothing was saved. "
                "Try again, and tell the consortium office if it happens again.")),
    }


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> Any:
        if is_api_request():
            return api_error(400, "Missing or invalid CSRF token.", code="csrf")
        return render_template(
            "errors/error.html", status=400, title=_("The form has expired"),
            message=_("The form was too old or incomplete. Go back, reload the page and "
                      "send it again."),
        ), 400

    @app.errorhandler(DomainError)
    def _domain(error: DomainError) -> Any:
        db.session.rollback()
        if is_api_request():
            return api_error(error.status, error.message, error.fields, error.code)
        return render_template("errors/error.html", status=error.status, title=error.message,
                               message=" ".join(error.fields.values())), error.status

    @app.errorhandler(DataError)
    def _data(_error: DataError) -> Any:
        # The database refused a value (e.g. a number beyond its column): bad input, not a crash.
        db.session.rollback()
        message = _("A value is out of range.")
        if is_api_request():
            return api_error(422, message)
        return render_template("errors/error.html", status=422, title=message,
                               message=_("Go back and check the numbers you entered.")), 422

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Any:
        status = error.code or 500
        if is_api_request():
            message = error.description or "" if status not in (500,) else "Internal error."
            if status == 401:
                message = "Missing or invalid bearer token."
            if status == 413:
                message = (f"The request is larger than the "
                           f"{current_app.config['MAX_CONTENT_LENGTH'] // (1024 * 1024)} MB "
                           f"the registry accepts.")
            return api_error(status, message)
        title, message = _messages().get(status, (error.name, error.description or ""))
        return render_template("errors/error.html", status=status, title=title,
                               message=message), status

    @app.errorhandler(OperationalError)
    def _database_down(error: OperationalError) -> Any:
        # The database does not answer (or refused the connection): a 503 that says so, not a
        # crash; nothing can have been saved.
        db.session.rollback()
        current_app.logger.error("The database does not answer: %s", error.orig)
        message = _("The registry cannot reach its database right now. Nothing was saved. "
                    "Try again in a few minutes.")
        if is_api_request():
            return api_error(503, "The database does not answer; nothing was saved.",
                             code="unavailable")
        return render_template("errors/error.html", status=503,
                               title=_("The registry is unavailable"), message=message), 503

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Any:
        if isinstance(error, HTTPException):
            return _http(error)
        if isinstance(error, DomainError):
            return _domain(error)
        if isinstance(error, DataError):
            return _data(error)
        if isinstance(error, OperationalError):
            return _database_down(error)
        db.session.rollback()
        current_app.logger.exception("Unhandled error")
        return _http(InternalServerError())
