"""647 representatives (Sweden's 290 municipalities and Norway's 357) cast their ballots at the
same time, over HTTP, against gunicorn (gunicorn.conf.py: gthread workers) on PostgreSQL,
while a poller reads the motion's live count every 100 ms. Prints the time to the last
ballot, ballots stored, lost or duplicated (must be 0), the p50/p95 of a ballot request and
of the poller's reads, and whether the count it read ever went back; then every municipality
tries a second ballot, which must be refused.
Usage: python bench/ballots.py [POSTGRES_ADMIN_URL]  (default postgresql://postgres@127.0.0.1)"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from consortium import db  # noqa: E402
from consortium.auth.models import ApiToken, User  # noqa: E402
from consortium.governance import councils, motions  # noqa: E402
from consortium.governance.models import Ballot  # noqa: E402
from consortium.members import importing  # noqa: E402
from consortium.members.models import MembershipPeriod, Municipality  # noqa: E402
from consortium.web.app import create_app  # noqa: E402
from tests.conftest import TEST_CONFIG, migrate  # noqa: E402

DATABASE = "consortium_bench_ballots"
NORWAY = os.environ.get("BENCH_NORWAY", "1") != "0"
POLL_SECONDS = 0.1
WORKERS = 4
CLIENT_THREADS = 48


def fresh_database(admin_url: str) -> str:
    url = make_url(admin_url).set(database="postgres")
    engine = db.make_engine(url.render_as_string(hide_password=False),
                            isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    engine.dispose()
    return url.set(database=DATABASE).render_as_string(hide_password=False)


def prepare(url: str) -> tuple[int, dict[str, str]]:
    """290 member municipalities, one representative with a token each, an open motion."""
    migrate(url)
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
    with app.app_context():
        source = ROOT / "consortium" / "demo" / "data" / "se_municipalities.csv"
        data = source.read_bytes()
        importing.apply(importing.read(data), source="bench", data=data,
                        actor_label="bench")
        if NORWAY:  # Norway's municipalities under free four-digit codes (3000-3356)
            import csv

            norway = ROOT / "consortium" / "demo" / "data" / "no_municipalities.csv"
            with norway.open(encoding="utf-8") as handle:
                for index, row in enumerate(csv.DictReader(handle)):
                    db.session.add(Municipality(code=f"{3000 + index}", name=row["name"],
                                                county=row["county"]))
            db.session.flush()
        everyone = list(db.session.scalars(select(Municipality).order_by(Municipality.code)))
        for municipality in everyone:
            db.session.add(MembershipPeriod(municipality_id=municipality.id,
                                            joined_on=date(2010, 1, 1)))
            municipality.status = "member"
        # One password hash shared by all bench users: hashing 290 passwords would only
        # measure scrypt. Tokens are made as the CLI makes them.
        from werkzeug.security import generate_password_hash

        shared = generate_password_hash("bench-password")
        tokens = {}
        for municipality in everyone:
            user = User(email=f"rep{municipality.code}@bench.example", name="",
                        password_hash=shared, role="representative",
                        municipality_id=municipality.id)
            db.session.add(user)
            db.session.flush()
            token = f"crt_bench_{municipality.code}_{os.urandom(12).hex()}"
            db.session.add(ApiToken(user_id=user.id, label="bench", prefix=token[:12],
                                    token_hash=ApiToken.hash_token(token)))
            tokens[municipality.code] = token
        db.session.commit()
        council = councils.create_council({"kind": "assembly", "name": "Föreningsstämma"},
                                            actor_label="bench")
        motion = motions.create_motion(council, {"title": "Bench", "weighting": "equal"},
                                          actor_label="bench")
        motions.open_motion(motion, actor_label="bench")
        motion_id = motion.id
        db.commit()
        db.session.remove()
    db.engine_of(app).dispose()
    return motion_id, tokens


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ballot(port: int, motion_id: int, code: str, token: str) -> tuple[int, float]:
    body = json.dumps({"municipality": code, "choice": ("yes", "no", "abstain")[int(code) % 3]})
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("POST", f"/api/v1/motions/{motion_id}/ballots", body=body,
                       headers={"Authorization": f"Bearer {token}",
                                "Content-Type": "application/json"})
    status = connection.getresponse().status
    connection.close()
    return status, (time.perf_counter() - started) * 1000


def live_count(port: int, motion_id: int, token: str) -> tuple[int, float]:
    """The number of ballots cast, as the motion's page and API read it; and the time taken."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", f"/api/v1/motions/{motion_id}/tally",
                       headers={"Authorization": f"Bearer {token}"})
    body = json.loads(connection.getresponse().read())
    connection.close()
    return int(body["ballots"]), (time.perf_counter() - started) * 1000


def wave(port: int, motion_id: int, tokens: dict[str, str], poll_token: str | None = None
         ) -> tuple[list[tuple[int, float]], float, list[tuple[int, float]]]:
    def run(item: tuple[str, str]) -> tuple[int, float]:
        code, token = item
        return ballot(port, motion_id, code, token)

    polled: list[tuple[int, float]] = []
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            started = time.perf_counter()
            polled.append(live_count(port, motion_id, poll_token or ""))
            time.sleep(max(0.0, POLL_SECONDS - (time.perf_counter() - started)))

    poller = threading.Thread(target=poll) if poll_token else None
    started = time.perf_counter()
    if poller:
        poller.start()
    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        results = list(pool.map(run, tokens.items()))
    elapsed = time.perf_counter() - started
    done.set()
    if poller:
        poller.join()
    return results, elapsed, polled


def main() -> None:
    admin_url = sys.argv[1] if len(sys.argv) > 1 else "postgresql://postgres@127.0.0.1:5432/x"
    url = fresh_database(admin_url)
    print(f"preparing {'647' if NORWAY else '290'} members, representatives and tokens on "
          f"{DATABASE} ...")
    motion_id, tokens = prepare(url)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret",
           "AUDIT_KEY": "bench-audit",
           "RATELIMIT_STORAGE_URI": "memory://"}
    log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-w", str(WORKERS),
                               "-b", f"127.0.0.1:{port}", "app:app"], cwd=ROOT, env=env,
                              stdout=log, stderr=log)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(0.5)
        warm_token = next(iter(tokens.values()))

        def warm(_index: int) -> None:  # every worker imports and connects before timing
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", f"/api/v1/motions/{motion_id}",
                               headers={"Authorization": f"Bearer {warm_token}"})
            connection.getresponse().read()
            connection.close()

        with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
            list(pool.map(warm, range(200)))
        poll_token = tokens.pop(next(iter(tokens)))  # one seat only watches
        results, elapsed, polled = wave(port, motion_id, tokens, poll_token)
        statuses = [status for status, _ in results]
        latencies = sorted(ms for _, ms in results)
        reads = sorted(ms for _, ms in polled)
        counts = [count for count, _ in polled]
        print(f"gunicorn -w {WORKERS} (gthread), {CLIENT_THREADS} concurrent clients, "
              f"{len(tokens)} ballots:")
        print(f"  time to the last ballot: {elapsed:.2f} s "
              f"({len(results) / elapsed:.0f} ballots/s)")
        print(f"  answers: {sorted((s, statuses.count(s)) for s in set(statuses))}")
        print(f"  ballot request p50 {statistics.median(latencies):.0f} ms, "
              f"p95 {latencies[int(len(latencies) * 0.95) - 1]:.0f} ms, "
              f"max {latencies[-1]:.0f} ms")
        print(f"  live count read every {POLL_SECONDS * 1000:.0f} ms during the storm: "
              f"{len(reads)} reads, p50 {statistics.median(reads):.0f} ms, "
              f"p95 {reads[int(len(reads) * 0.95) - 1]:.0f} ms, max {reads[-1]:.0f} ms; "
              f"went back: {any(b < a for a, b in zip(counts, counts[1:], strict=False))}")
        again, _elapsed, _polled = wave(port, motion_id, tokens)
        refused = sum(1 for status, _ in again if status == 409)
        print(f"  second ballot of every municipality: {refused} of {len(tokens)} refused "
              "(409)")
    finally:
        server.terminate()
        server.wait(timeout=10)
    engine = db.make_engine(url)
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(Ballot)
                              .where(Ballot.motion_id == motion_id)).scalar_one()
        duplicated = conn.execute(text(
            "SELECT count(*) FROM (SELECT municipality_id FROM ballots WHERE motion_id = :m "
            "GROUP BY municipality_id HAVING count(*) > 1) d"), {"m": motion_id}).scalar_one()
    engine.dispose()
    print(f"  ballots stored: {stored}, lost: {len(tokens) - stored}, "
          f"duplicated: {duplicated}")


if __name__ == "__main__":
    main()
