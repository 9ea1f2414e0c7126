"""Prints how fast the register's pages answer with the demo's 290 municipalities, and how many
SQL statements each page runs. Usage: python bench/register.py [DATABASE_URL]
(default: a fresh SQLite file; give a PostgreSQL URL of an empty database to measure that)."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import signed_in  # noqa: E402
from consortium import db  # noqa: E402
from consortium.demo.seed import seed  # noqa: E402
from consortium.web.app import create_app  # noqa: E402
from tests.conftest import TEST_CONFIG, migrate  # noqa: E402

PAGES = [
    ("list, first page", "/municipalities/"),
    ("list, sorted by population", "/municipalities/?sort=population&dir=desc"),
    ("list, search 'sala'", "/municipalities/?q=sala"),
    ("detail, Stockholm", "/municipalities/0180"),
    ("tool, Provisum", "/tools/provisum"),
    ("participation matrix, all 290", "/tools/matrix?all=1"),
    ("export CSV, all 290", "/municipalities/export.csv"),
    ("export XLSX, all 290", "/municipalities/export.xlsx"),
    ("API list, all 290", "/api/v1/municipalities"),
]
ROUNDS = 40


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else \
        f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    migrate(url)
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
    with app.app_context():
        started = time.perf_counter()
        seed()
        elapsed = time.perf_counter() - started
        print(f"seed-demo: {elapsed:.2f} s on {db.engine_of(app).dialect.name}")
        from consortium.auth import service

        token = service.issue_token(service.find_user("kansli@sambruk.demo"), label="bench")
        db.commit()
        db.session.remove()
    client = signed_in(app, "kansli@sambruk.demo")
    statements = {"n": 0}
    event.listen(db.engine_of(app), "before_cursor_execute",
                 lambda *_: statements.__setitem__("n", statements["n"] + 1))
    print(f"{'page':34} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'bytes':>8}")
    for name, path in PAGES:
        headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {}
        client.get(path, headers=headers)
        statements["n"] = 0
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code)
        queries = statements["n"]
        times = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            client.get(path, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(f"{name:34} {queries:>7} {statistics.median(times):>10.1f} "
              f"{times[int(len(times) * 0.95) - 1]:>8.1f} {len(response.data):>8}")


if __name__ == "__main__":
    main()
