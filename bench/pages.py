"""Requests per second of each main page, as a ratio to a bare floor measured in the same run,
at 290 municipalities (the demo: Sweden) and at 647 (the demo and Norway's 357 municipalities,
every one a member taking part in every tool).

Both the registry and the floor (bench/floor.py: Flask and Jinja serving the same tables from
memory) run under gunicorn -w 2 on PostgreSQL's machine; a client with a few threads asks for
each page for a few seconds, alternating registry and floor, best of the rounds. Also printed:
the SQL statements each page runs, how one municipality's statement and the finance overview
grow from 290 to 647, and how long a kept document takes to serve.

Usage: python bench/pages.py [POSTGRES_ADMIN_URL]  (default postgresql://postgres@127.0.0.1)"""

from __future__ import annotations

import csv
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.common import signed_in  # noqa: E402
from consortium import db  # noqa: E402
from tests.conftest import TEST_CONFIG, migrate  # noqa: E402

BIN = ROOT / ".venv" / "bin"
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
THREADS = 4
EMAIL, PASSWORD = "kansli@sambruk.demo", "sambruk-demo"
FINANCE = "ekonomi@sambruk.demo"  # pages written "finance:/path" are read as this user
TARGET = 3.0
# While working on a page: BENCH_REUSE=1 measures the databases of the last run again
# instead of building them, BENCH_ONLY="a tool,audit log" measures only the pages named.
REUSE = os.environ.get("BENCH_REUSE") == "1"
ONLY = {name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",") if name.strip()}


# --- data ---------------------------------------------------------------------------------

def fresh_database(admin_url: str, name: str) -> str:
    url = make_url(admin_url).set(database="postgres")
    engine = db.make_engine(url.render_as_string(hide_password=False),
                            isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def build(url: str, grow: bool) -> None:
    """The demo, grown by Norway's municipalities when asked."""
    from consortium.costs.derived import recompute_everything
    from consortium.demo.seed import POPULATION_YEAR, seed
    from consortium.members.models import (
        MembershipPeriod,
        MembershipStatus,
        Municipality,
        PopulationFigure,
    )
    from consortium.tools.models import Participation, Tool
    from consortium.web.app import create_app

    migrate(url)
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
    with app.app_context():
        seed()
        db.commit()
        if grow:  # Norway's municipalities under free four-digit codes (3000-3356)
            source = ROOT / "consortium" / "demo" / "data" / "no_municipalities.csv"
            with source.open(encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
            tools = list(db.session.scalars(select(Tool)))
            for index, row in enumerate(rows):
                municipality = Municipality(
                    code=f"{3000 + index}", name=row["name"], county=row["county"],
                    status=MembershipStatus.MEMBER, joined_on=date(2010, 1, 1))
                db.session.add(municipality)
                db.session.flush()
                db.session.add(MembershipPeriod(municipality_id=municipality.id,
                                                joined_on=date(2010, 1, 1)))
                db.session.add(PopulationFigure(municipality_id=municipality.id,
                                                year=POPULATION_YEAR,
                                                population=int(row["population"])))
                for tool in tools:
                    db.session.add(Participation(tool_id=tool.id, municipality_id=municipality.id,
                                                 joined_on=date(2020, 1, 1)))
            recompute_everything()
            db.session.commit()
        db.session.remove()
    db.engine_of(app).dispose()
    # A database in use has its planner statistics from autovacuum; this one was filled a
    # moment ago, before autovacuum looked at it (without them PostgreSQL plans for empty
    # tables: the municipality list took 33 ms in SQL instead of 2).
    engine = db.make_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()


def pages_of(url: str) -> dict[str, str]:
    """The pages to measure: the consortium's main pages, as the office and finance see them."""
    from consortium.governance.models import Council, Motion, MotionStatus
    from consortium.members.models import Municipality
    from consortium.web.app import create_app

    app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
    with app.app_context():
        assembly = db.session.scalar(select(Council.id).where(Council.kind == "assembly"))
        motion = db.session.scalar(select(Motion.id).where(Motion.status == MotionStatus.OPEN)
                                   .order_by(Motion.id.desc()))
        count = db.session.scalar(select(text("count(*)")).select_from(Municipality))
        db.session.remove()
    db.engine_of(app).dispose()
    print(f"  {count} municipalities")
    pages = {
        "municipality list": "/municipalities/",
        "a municipality": "/municipalities/0180",
        "participation matrix": "/tools/matrix",
        "finance overview": "/costs/2026",
        "a statement": "/costs/statements/0180/2026",
        "a council": f"/councils/{assembly}",
        "a motion": f"/motions/{motion}",
        "a tool": "/tools/provisum",
        "audit log": "/admin/audit",
        "office start page": "/",
        "finance start page": "finance:/",
    }
    return {name: path for name, path in pages.items() if not ONLY or name in ONLY}


def who_and_path(page: str) -> tuple[str, str]:
    return (FINANCE, page.removeprefix("finance:")) if page.startswith("finance:") \
        else (EMAIL, page)


def sql_counts(url: str, pages: dict[str, str]) -> dict[str, int]:
    from consortium.web.app import create_app

    app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
    clients = {EMAIL: signed_in(app, EMAIL), FINANCE: signed_in(app, FINANCE)}
    counted = {"n": 0}
    event.listen(db.engine_of(app), "before_cursor_execute",
                 lambda *_: counted.__setitem__("n", counted["n"] + 1))
    result = {}
    for name, page in pages.items():
        email, path = who_and_path(page)
        client = clients[email]
        client.get(path)
        counted["n"] = 0
        assert client.get(path).status_code == 200, path
        result[name] = counted["n"]
    db.engine_of(app).dispose()
    return result


# --- servers ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn(target: str, env: dict[str, str], workers: int = 2
             ) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", target], cwd=ROOT, env={**os.environ, **env})
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{target} did not start")


def request(port: int, path: str, cookie: str = "", method: str = "GET", body: str = "",
            ) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Accept-Language": "sv", "Cookie": cookie}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body or None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def log_in(port: int, email: str = EMAIL) -> str:
    from urllib.parse import urlencode

    _status, headers, page = request(port, "/login")
    cookie = headers.get("set-cookie", "").split(";")[0]
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
    status, headers, _ = request(port, "/login", cookie, "POST", urlencode(
        {"email": email, "password": PASSWORD, "csrf_token": token}))
    assert status == 302, "could not sign in"
    return headers["set-cookie"].split(";")[0]


def rps(port: int, path: str, cookie: str = "") -> float:
    done = [0] * THREADS
    stop = time.perf_counter() + SECONDS

    def client(index: int) -> None:
        while time.perf_counter() < stop:
            status, _h, _b = request(port, path, cookie)
            assert status == 200, (path, status)
            done[index] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


def latency_ms(port: int, path: str, cookie: str, count: int = 40,
               before: Any = None) -> float:
    """The median time of one request at a time; `before` runs (untimed) before each."""
    request(port, path, cookie)
    times = []
    for _ in range(count):
        if before is not None:
            before()
        started = time.perf_counter()
        status, _h, _b = request(port, path, cookie)
        assert status == 200, (path, status)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def renew_stamp(url: str) -> None:
    """What any write to a table behind the finance overview does (frame/stamps.py)."""
    import psycopg

    with psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(
            hide_password=False), autocommit=True) as conn:
        conn.execute("UPDATE data_stamps SET stamp = md5(random()::text) WHERE name = 'costs'")


# --- the floor's pages ----------------------------------------------------------------------

class Shape(HTMLParser):
    """The tables (rows of cell texts) and the other texts of a page's <main>."""

    def __init__(self) -> None:
        super().__init__()
        self.in_main = False
        self.tables: list[list[list[str]]] = []
        self.texts: list[str] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.title = ""
        self.in_h1 = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "main":
            self.in_main = True
        elif self.in_main and tag == "table":
            self.tables.append([])
        elif self.in_main and tag == "tr" and self.tables:
            self.row = []
        elif self.in_main and tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag == "h1":
            self.in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.in_main = False
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[-1].append(self.row)
            self.row = None
        elif tag == "h1":
            self.in_h1 = False

    def handle_data(self, data: str) -> None:
        if self.in_h1:
            self.title += data.strip()
        if self.cell is not None:
            self.cell.append(data)
        elif self.in_main and data.strip() and not self.in_h1:
            self.texts.append(data.strip())


def shape_of(html: bytes) -> dict[str, Any]:
    parser = Shape()
    parser.feed(html.decode("utf-8"))
    return {"title": parser.title, "tables": parser.tables, "texts": parser.texts}


# --- one size -----------------------------------------------------------------------------

def measure(admin_url: str, grow: bool) -> dict[str, Any]:
    size = "647" if grow else "290"
    name = f"consortium_bench_pages_{size}"
    if REUSE:
        print(f"\n== {size} municipalities: the database of the last run")
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    else:
        print(f"\n== {size} municipalities: building the database")
        url = fresh_database(admin_url, name)
        build(url, grow)
    pages = pages_of(url)
    counts = sql_counts(url, pages)
    app, app_port = gunicorn("app:app", {
        "DATABASE_URL": url, "SECRET_KEY": "bench", "AUDIT_KEY": "bench",
        "SESSION_COOKIE_SECURE": "0",
        "JOBS_MODE": "thread", "LOGIN_THROTTLE": "100 per minute"})
    floor = None
    try:
        cookies = {EMAIL: log_in(app_port), FINANCE: log_in(app_port, FINANCE)}
        cookie = cookies[EMAIL]
        shapes = {}
        for name, page in pages.items():
            email, path = who_and_path(page)
            status, _h, html = request(app_port, path, cookies[email])
            assert status == 200, (path, status)
            shapes[re.sub(r"\W", "-", name)] = shape_of(html)
        shapes_file = Path(tempfile.mkdtemp()) / "shapes.json"
        shapes_file.write_text(json.dumps(shapes, ensure_ascii=False), encoding="utf-8")
        floor, floor_port = gunicorn("bench.floor:app", {"FLOOR_SHAPES": str(shapes_file)})
        results = {}
        print(f"{'page':22} {'SQL':>4} {'registry/s':>11} {'floor/s':>9} {'ratio':>6}")
        for name, page in pages.items():
            email, path = who_and_path(page)
            floor_path = "/floor/" + re.sub(r"\W", "-", name)
            real, bare = 0.0, 0.0
            for _ in range(ROUNDS):
                real = max(real, rps(app_port, path, cookies[email]))
                bare = max(bare, rps(floor_port, floor_path))
            results[name] = {"rps": real, "floor": bare, "ratio": bare / real,
                             "sql": counts[name]}
            mark = "" if bare / real <= TARGET else "  > 3x"
            print(f"{name:22} {counts[name]:>4} {real:>11.0f} {bare:>9.0f} "
                  f"{bare / real:>5.1f}x{mark}", flush=True)
        kept_path = "/costs/budgets/provisum/2025/allocation.pdf"  # adopted: kept at first
        kept = latency_ms(app_port, kept_path, cookie)
        smallest = "a-municipality" if "a municipality" in pages else \
            re.sub(r"\W", "-", next(iter(pages)))
        floor_latency = latency_ms(floor_port, f"/floor/{smallest}", "")
        print(f"a kept document (adopted allocation PDF): {kept:.1f} ms per request "
              f"(the floor's {smallest}: {floor_latency:.1f} ms)")
        if "finance overview" in pages:  # measured above as kept: between changes
            _who, overview = who_and_path(pages["finance overview"])
            kept_page = latency_ms(app_port, overview, cookies[FINANCE])
            made_page = latency_ms(app_port, overview, cookies[FINANCE],
                                   before=lambda: renew_stamp(url))
            floor_page = latency_ms(floor_port, "/floor/finance-overview", "")
            print(f"the finance overview one request at a time: kept {kept_page:.1f} ms, "
                  f"made afresh (the first view after a change) {made_page:.1f} ms; "
                  f"the floor {floor_page:.1f} ms")
        return {"pages": results, "kept_ms": kept, "url": url}
    finally:
        app.terminate()
        if floor is not None:
            floor.terminate()


def cold_start(url: str, runs: int = 5) -> tuple[float, float]:
    """Seconds from a new Python process to an app ready to serve (`import app`, as gunicorn
    and every `flask` command begin), and the same for the floor; best of `runs` each, with
    the compiled bytecode in place (a second start, as in production)."""
    env = {key: value for key, value in os.environ.items()
           if key != "PYTHONDONTWRITEBYTECODE"}
    python = str(BIN / "python")

    def best(code: str, extra: dict[str, str]) -> float:
        times = []
        for _ in range(runs + 1):  # the first writes the bytecode
            started = time.perf_counter()
            subprocess.run([python, "-c", code], cwd=ROOT, env={**env, **extra}, check=True)
            times.append(time.perf_counter() - started)
        return min(times[1:])

    with tempfile.TemporaryDirectory() as folder:
        shapes = Path(folder) / "shapes.json"
        shapes.write_text("{}", encoding="utf-8")
        floor = best("import bench.floor", {"FLOOR_SHAPES": str(shapes)})
    registry = best("import app", {"DATABASE_URL": url, "SECRET_KEY": "bench",
                                   "AUDIT_KEY": "bench"})
    return registry, floor


def main() -> None:
    admin_url = sys.argv[1] if len(sys.argv) > 1 else "postgresql://postgres@127.0.0.1"
    print(f"{os.cpu_count()} cores; gunicorn -w 2 for registry and floor; {THREADS} client "
          f"threads, {SECONDS:.0f} s per page and server, best of {ROUNDS}")
    small = measure(admin_url, grow=False)
    large = measure(admin_url, grow=True)
    print("\n== from 290 to 647 municipalities (time per request, 647 / 290)")
    for name in small["pages"]:
        growth = small["pages"][name]["rps"] / large["pages"][name]["rps"]
        print(f"{name:22} {growth:>5.2f}x  SQL {small['pages'][name]['sql']} -> "
              f"{large['pages'][name]['sql']}")
    registry, floor = cold_start(large["url"])
    print(f"\n== cold start (a new process to an app ready to serve, best of 5): registry "
          f"{registry:.2f} s, floor {floor:.2f} s, {registry / floor:.1f}x")
    print("targets: every page within 3x of its floor; a statement within 1.5x and the "
          "finance overview within 2x from 290 to 647; a kept document in <= 5 ms; a cold "
          "start within 3x of the floor's")


if __name__ == "__main__":
    main()
