"""A municipality typed by its kommunkod or its name: a searchable field in place of a select
that lists every municipality on every view of a page."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms import StringField
from wtforms.validators import StopValidation

from consortium import db
from consortium.members.models import Municipality

_CODE = re.compile(r"^\d{4}$")
_NAMED_CODE = re.compile(r"\((\d{4})\)\s*$")


def code_for(text: str) -> str | None:
    """The code of the municipality named by `text`: "0483", "Katrineholm" (any case) or
    "Katrineholm (0483)"; None when there is no such municipality or the name is ambiguous."""
    text = text.strip()
    named = _NAMED_CODE.search(text)
    if named:
        text = named.group(1)
    if _CODE.match(text):
        return db.session.scalar(select(Municipality.code).where(Municipality.code == text))
    for condition in (Municipality.name == text,
                      func.lower(Municipality.name) == text.lower()):
        found = list(db.session.scalars(select(Municipality.code).where(condition).limit(2)))
        if len(found) == 1:
            return found[0]
    return None


class MunicipalityField(StringField):
    """Its data is the municipality's code ("" when left empty); text that names no
    municipality fails with a message that says what to type."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        render_kw = {"placeholder": _l("Kommunkod or name, e.g. 0483 or Katrineholm"),
                     "autocomplete": "off", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.typed = ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        self.typed = (self.data or "").strip()
        self.data = (code_for(self.typed) or "") if self.typed else ""

    def pre_validate(self, form: Any) -> None:
        if self.typed and not self.data:
            raise StopValidation(_("No municipality has the code or name “%(text)s”.",
                                    text=self.typed))

    def _value(self) -> str:
        return self.typed or (self.data or "")
