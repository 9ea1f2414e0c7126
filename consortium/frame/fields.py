"""A municipality typed by its kommunkod or its name: a searchable field in place of a select
that lists every municipality on every view of a page. The register answers who is meant
(consortium.rules.MunicipalityDirectory, provided by members)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import StopValidation

from consortium import wiring
from consortium.rules import MUNICIPALITY_DIRECTORY


def code_for(text: str) -> str | None:
    return wiring.rule(MUNICIPALITY_DIRECTORY).code_for(text)


class MunicipalityField(StringField):
    """Its data is the municipality's code ("" when left empty); text that names no
    municipality fails with a message that says what to type."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        render_kw = {"placeholder": _l("Kommunkod or name, e.g. 0483 or Katrineholm"),
                     "autocomplete": "off", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.typed = ""
        self.data: str | None

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
