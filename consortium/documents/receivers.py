"""What the documents domain tells the record pages: the hash of the copy it keeps."""

from __future__ import annotations

from typing import Any

from consortium.documents.service import kept_hash
from consortium.signals import kept_document


@kept_document.connect
def kept_document_hash(kind: str, *, key: str, **_kwargs: Any) -> str | None:
    return kept_hash(kind, key)
