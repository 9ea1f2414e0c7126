"""What a record's page shows of its kept document, asked of the documents domain by signal."""

from __future__ import annotations

from consortium.signals import answers, kept_document


def kept_hash(kind: str, key: str) -> str | None:
    """The SHA-256 of the kept copy of the document (kind, key), or None if none is kept."""
    found = answers(kept_document.send(kind, key=key))
    return str(found[0]) if found else None
