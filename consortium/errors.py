"""Refusals raised by services and shown by both faces: a form field error on the web,
`{"error": {...}}` with the matching status on the API."""

from __future__ import annotations


class DomainError(Exception):
    status = 422
    code = "invalid"

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class Invalid(DomainError):
    """The input breaks a rule (422)."""


class Conflict(DomainError):
    """The input clashes with what is stored: a duplicate, an overlap, a locked record (409)."""

    status = 409
    code = "conflict"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    """The user's role or municipality does not allow the action (403)."""

    status = 403
    code = "forbidden"
