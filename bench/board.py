"""Sealed protocols and the notice board: how long sealing one protocol takes (rendering the
PDF/A, then the PAdES signature alone), and the requests per second of /anslagstavla and its
Atom feed as a ratio to the bare floor (bench/floor.py: the same page shape served by Flask
and Jinja from memory), both under gunicorn -w 2, measured in the same run, on the demo.

Usage: python bench/board.py [POSTGRES_ADMIN_URL]  (default postgresql://postgres@127.0.0.1)"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bench.pages import (  # noqa: E402
    ROUNDS,
    SECONDS,
    THREADS,
    fresh_database,
    gunicorn,
    request,
    rps,
    shape_of,
)
from consortium import db  # noqa: E402
from tests.conftest import SIGNING, TEST_CONFIG, migrate  # noqa: E402

SEALS = 10


def build(url: str) -> dict[str, float]:
    """The demo; the extra stämma's last justering (sealing it), then SEALS more seals of its
    protocol, timed apart from the rendering."""
    from flask_babel import force_locale

    from consortium.auth.service import find_user
    from consortium.demo.seed import seed
    from consortium.documents import data, renderer, signing
    from consortium.governance import meetings
    from consortium.governance.models import Meeting, MeetingStatus
    from consortium.web.app import create_app

    migrate(url)
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
    with app.test_request_context("/"), force_locale("sv"):
        seed()
        db.commit()
        extra = db.session.scalar(select(Meeting).where(Meeting.status == MeetingStatus.HELD))
        adjuster = find_user("ombud.katrineholm@sambruk.demo")
        started = time.perf_counter()
        meetings.sign_minutes(extra, adjuster)  # renders, seals and keeps the protocol
        db.commit()
        last_signature = time.perf_counter() - started
        renders, seals = [], []
        for _ in range(SEALS):
            started = time.perf_counter()
            content = renderer.render("protocol", pdf_variant="pdf/a-2b",
                                      doc=data.frame("Protokoll"), p=data.protocol_data(extra))
            renders.append(time.perf_counter() - started)
            started = time.perf_counter()
            signing.seal(content, reason="bench", location="bench")
            seals.append(time.perf_counter() - started)
        db.session.remove()
    return {"last_signature": last_signature, "render": statistics.median(renders),
            "seal": statistics.median(seals)}


def main() -> None:
    admin_url = sys.argv[1] if len(sys.argv) > 1 else "postgresql://postgres@127.0.0.1"
    print(f"{os.cpu_count()} cores; gunicorn -w 2 for registry and floor; {THREADS} client "
          f"threads, {SECONDS:.0f} s per page and server, best of {ROUNDS}")
    url = fresh_database(admin_url, "consortium_bench_board")
    timing = build(url)
    print(f"the last justering, sealing included: {timing['last_signature'] * 1000:.0f} ms; "
          f"rendering the PDF/A protocol: {timing['render'] * 1000:.0f} ms; the PAdES "
          f"signature alone: {timing['seal'] * 1000:.0f} ms (medians of {SEALS})")
    env = {"DATABASE_URL": url, "SECRET_KEY": "bench", "AUDIT_KEY": "bench",
           "SIGNING_CERT": str(SIGNING.cert), "SIGNING_KEY": str(SIGNING.key),
           "SIGNING_TRUST_ROOT": str(SIGNING.root), "JOBS_MODE": "thread"}
    app, app_port = gunicorn("app:app", env)
    floor = None
    try:
        pages = {"notice board": "/anslagstavla", "its Atom feed": "/anslagstavla.atom"}
        shapes = {}
        for name, path in pages.items():
            status, _headers, body = request(app_port, path)
            assert status == 200, (path, status)
            shapes[name.replace(" ", "-")] = shape_of(body) if path.endswith("stavla") else {
                "title": "feed", "tables": [], "texts": [body.decode("utf-8")]}
        shapes_file = Path(tempfile.mkdtemp()) / "shapes.json"
        shapes_file.write_text(json.dumps(shapes, ensure_ascii=False), encoding="utf-8")
        floor, floor_port = gunicorn("bench.floor:app", {"FLOOR_SHAPES": str(shapes_file)})
        print(f"{'page':16} {'registry/s':>11} {'floor/s':>9} {'ratio':>6}")
        for name, path in pages.items():
            real = bare = 0.0
            for _ in range(ROUNDS):
                real = max(real, rps(app_port, path))
                bare = max(bare, rps(floor_port, "/floor/" + name.replace(" ", "-")))
            print(f"{name:16} {real:>11.0f} {bare:>9.0f} {bare / real:>5.1f}x", flush=True)
    finally:
        app.terminate()
        if floor is not None:
            floor.terminate()


if __name__ == "__main__":
    main()
