"""Helper of the restore drill (.ci/restore-drill), run against DATABASE_URL:
`keep` downloads two kept documents as a reader would; `compare SOURCE_URL` checks that the
restored database keeps the same documents with the same hashes as SOURCE_URL, and that the
app serves the restored data (a page and a kept PDF)."""

from __future__ import annotations

import hashlib
import os
import sys

from sqlalchemy import create_engine, text

from bench.common import signed_in
from consortium import db
from consortium.web.app import create_app

PAGES = ["/meetings/1/protocol.pdf", "/motions/1/result.pdf"]


def kept(url: str) -> list[tuple[str, str, str, str]]:
    engine = create_engine(db.normalise_url(url))
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT kind, key, lang, sha256 FROM stored_documents ORDER BY kind, key, lang"))
        found = [tuple(row) for row in rows]
    engine.dispose()
    return found  # type: ignore[return-value]


def main() -> int:
    app = create_app({"JOBS_MODE": "inline", "SESSION_COOKIE_SECURE": False})
    client = signed_in(app, "kansli@sambruk.demo")
    if sys.argv[1] == "keep":
        for page in PAGES:
            response = client.get(page, headers={"Accept-Language": "sv"})
            assert response.status_code == 200, (page, response.status_code)
        print(f"   kept {len(kept(os.environ['DATABASE_URL']))} documents")
        return 0
    source, restored = kept(sys.argv[2]), kept(os.environ["DATABASE_URL"])
    if not source or source != restored:
        print(f"   kept documents differ: {source} != {restored}", file=sys.stderr)
        return 1
    print(f"   {len(restored)} kept documents with the same SHA-256 as before the dump")
    page = client.get("/municipalities/0483", headers={"Accept-Language": "sv"})
    assert page.status_code == 200 and "Katrineholm" in page.get_data(as_text=True)
    pdf = client.get(PAGES[0], headers={"Accept-Language": "sv"})
    digest = hashlib.sha256(pdf.data).hexdigest()
    assert pdf.status_code == 200 and digest == pdf.headers["X-Content-SHA256"]
    assert digest in {row[3] for row in restored}, "the served PDF is not the kept one"
    print("   the app serves the restored register and the kept protocol, byte for byte")
    return 0


if __name__ == "__main__":
    sys.exit(main())
