"""What the documents domain tells the record pages: the hash of the copy it keeps."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select

from consortium import db
from consortium.documents.models import StoredDocument
from consortium.documents.service import kept_hash


def kept_document_hash(kind: str, *, key: str, **_kwargs: Any) -> str | None:
    return kept_hash(kind, key)


def seal_the_protocol(meeting: Any, **_kwargs: Any) -> None:
    """The last justering: render, seal and keep the protocol in the consortium's language,
    in the signing transaction (other languages are sealed and kept on their first
    download)."""
    from flask import current_app, has_app_context
    from flask_babel import force_locale

    from consortium.documents import pdfs

    if not has_app_context():  # a service called on its own (tests): sealed on download
        return
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        pdfs.protocol_pdf(meeting)


def signing_status(_sender: object, **_kwargs: Any) -> tuple[bool, str]:
    from consortium.documents import signing

    return signing.status()


def rehash_kept_documents(_sender: object, **_kwargs: Any) -> tuple[int, list[str]]:
    checked, broken = 0, []
    for kind, key, lang, stored, content in db.session.execute(
            select(StoredDocument.kind, StoredDocument.key, StoredDocument.lang,
                   StoredDocument.sha256, StoredDocument.content)
            .order_by(StoredDocument.id).execution_options(yield_per=50)):
        checked += 1
        if hashlib.sha256(content).hexdigest() != stored:
            broken.append(f"{kind} {key} ({lang})")
    return checked, broken
