"""Rendering the documents and keeping those of records that can no longer change."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from consortium import db
from consortium.audit import checkpoints
from consortium.documents.models import StoredDocument


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def kept(kind: str, key: str, lang: str | None = None) -> StoredDocument | None:
    return db.session.scalar(select(StoredDocument).where(
        StoredDocument.kind == kind, StoredDocument.key == key,
        StoredDocument.lang == (lang or str(get_locale()))))


def pdf(kind: str, key: str, final: bool, render: Callable[[], bytes]) -> tuple[bytes, str]:
    """The PDF and its SHA-256. A final record's PDF is rendered once and kept; later
    downloads serve the kept file, so a printed copy can be checked against the hash."""
    lang = str(get_locale())
    if final:
        found = kept(kind, key, lang)
        if found is not None:
            return found.content, found.sha256
    content = render()
    digest = sha256(content)
    if final and not keep(kind, key, lang, content):
        found = kept(kind, key, lang)  # another request kept it first: serve that one
        if found is not None:
            return found.content, found.sha256
    return content, digest


def keep(kind: str, key: str, lang: str, content: bytes) -> bool:
    """Keep a document once, with the newest checkpoint of the audit chain, in the caller's
    unit of work; False when another request or job kept it first."""
    try:
        with db.session.begin_nested():
            db.session.add(StoredDocument(kind=kind, key=key, lang=lang,
                                          sha256=sha256(content), content=content,
                                          audit_checkpoint_id=checkpoints.latest_id()))
    except IntegrityError:
        return False
    return True


def kept_hash(kind: str, key: str) -> str | None:
    """The SHA-256 of a kept document, for the record's page (None if none is kept)."""
    return db.session.scalar(select(StoredDocument.sha256).where(  # not the content itself
        StoredDocument.kind == kind, StoredDocument.key == key,
        StoredDocument.lang == str(get_locale())))
