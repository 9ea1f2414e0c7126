"""Helpers shared by the web forms of every domain."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import flash
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from consortium import db
from consortium.errors import DomainError


def show_domain_error(form: FlaskForm | None, error: DomainError,
                      aliases: dict[str, str] | None = None) -> None:
    """The one way a page answers a service's refusal: the request's unit of work is rolled
    back (nothing was written), each field error goes next to its field, the rest (or all of
    it, when there is no form) is a message at the top."""
    db.rollback()
    if form is None:
        flash(" ".join(dict.fromkeys([error.message, *error.fields.values()])), "error")
        return
    aliases = aliases or {}
    placed = False
    for key, message in error.fields.items():
        name = aliases.get(key, key)
        if name in form._fields:
            field = form._fields[name]
            field.errors = [*field.errors, message] if isinstance(field.errors, list) \
                else [message]
            placed = True
    if not placed or set(error.fields) - set(form._fields) - set(aliases):
        flash(error.message, "error")


def flash_form_errors(form: FlaskForm) -> None:
    """A form posted from a page that shows it folded away: its errors as one message at the
    top, each with its field's label."""
    flash(" ".join(f"{form[name].label.text}: {' '.join(errors)}"
                   for name, errors in form.errors.items()), "error")


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def choices(pairs: Iterable[tuple[str, Any]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs; labels may be lazy translations."""
    return [SelectChoice(value, str(label)) for value, label in pairs]
