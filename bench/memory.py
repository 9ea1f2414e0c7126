"""A web worker's memory over 50 large PDFs: the draft allocation of a tool among 383 of 647
municipalities (rendered anew each time: a draft's PDF is never kept), asked of one gunicorn
worker (gunicorn.conf.py) on PostgreSQL. Runs twice: without a memory limit, printing the
worker's resident memory before, after every tenth PDF, and the growth per PDF after the
first ten (which fill the caches that stay: fonts, styles); then with GUNICORN_MAX_RSS_MIB
(default here 240), printing the highest memory any worker reached and how many workers were
replaced on the way.

Uses the 647-municipality database that bench/pages.py builds (built here when missing).
Usage: python bench/memory.py [POSTGRES_ADMIN_URL]  (default postgresql://postgres@127.0.0.1)"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.pages import FINANCE, build, fresh_database, gunicorn, log_in, request  # noqa: E402
from consortium import db  # noqa: E402

DATABASE = "consortium_bench_pages_647"
PDFS = 50
PATH = "/costs/budgets/egil/2026/allocation.pdf"


def database(admin_url: str) -> str:
    url = make_url(admin_url).set(database=DATABASE).render_as_string(hide_password=False)
    try:
        engine = db.make_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1 FROM municipalities LIMIT 1"))
        engine.dispose()
    except Exception:  # noqa: BLE001 - missing: build it as bench/pages.py does
        url = fresh_database(admin_url, DATABASE)
        build(url, grow=True)
    return url


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def the_worker(server_pid: int) -> int | None:
    for _ in range(100):
        children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.05)
    return None


def run(url: str, limit_mib: int) -> None:
    server, port = gunicorn("app:app", {
        "DATABASE_URL": url, "SECRET_KEY": "bench", "AUDIT_KEY": "bench",
        "SESSION_COOKIE_SECURE": "0", "JOBS_MODE": "thread", "LOGIN_THROTTLE": "100 per minute",
        "GUNICORN_MAX_RSS_MIB": str(limit_mib)}, workers=1)
    try:
        cookie = log_in(port, FINANCE)
        request(port, "/", cookie)
        worker = the_worker(server.pid)
        assert worker is not None
        print(f"one gunicorn worker, GUNICORN_MAX_RSS_MIB={limit_mib}; {PDFS} times {PATH}")
        print(f"  before: {rss_mib(worker):.1f} MiB")
        workers, peak, after_ten, size = {worker}, 0.0, 0.0, 0
        started = time.perf_counter()
        for number in range(1, PDFS + 1):
            status, _headers, body = request(port, PATH, cookie)
            assert status == 200 and body.startswith(b"%PDF"), status
            size = len(body)
            current = the_worker(server.pid)
            if current is not None:
                workers.add(current)
                try:
                    now = rss_mib(current)
                except (FileNotFoundError, RuntimeError):  # it was just replaced
                    continue
                peak = max(peak, now)
                if number == 10:
                    after_ten = now
                if number % 10 == 0:
                    print(f"  after {number:>2} PDFs: {now:.1f} MiB (pid {current})")
        elapsed = time.perf_counter() - started
        print(f"  {elapsed / PDFS * 1000:.0f} ms per PDF ({size // 1024} kB); highest "
              f"{peak:.1f} MiB; workers replaced: {len(workers) - 1}")
        if limit_mib == 0:
            print(f"  growth after the first 10: "
                  f"{(rss_mib(worker) - after_ten) / (PDFS - 10) * 1024:.0f} KiB per PDF")
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    admin_url = sys.argv[1] if len(sys.argv) > 1 else "postgresql://postgres@127.0.0.1"
    url = database(admin_url)
    run(url, 0)
    run(url, int(os.environ.get("BENCH_MAX_RSS_MIB", "240")))


if __name__ == "__main__":
    main()
