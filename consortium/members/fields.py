"""A municipality found by its kommunkod or its name, for the base's municipality field
(consortium/frame/fields.py) and a user's municipality: provided in `members.init_app`."""

from __future__ import annotations

import re

from sqlalchemy import func, select

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


class Directory:
    """The register's answer to consortium.rules.MunicipalityDirectory."""

    def code_for(self, text: str) -> str | None:
        return code_for(text)

    def id_for(self, code: str) -> int | None:
        return db.session.scalar(select(Municipality.id).where(Municipality.code == code))
