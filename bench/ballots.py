"""647 representatives (Sweden's 290 municipalities and Norway's 357) cast their ballots at the
same time, over HTTP, against gunicorn (gunicorn.conf.py: gthread workers) on PostgreSQL,
while two pollers read the motion's live count every 100 ms: one through the pool that takes
the ballots, one through a read pool (a second gunicorn of the same app, one worker, where
the proxy sends the live counts: README, "Production"). Prints the time to the last ballot,
ballots stored, lost or duplicated (must be 0), the p50/p95 of a ballot request and of each
poller's reads, whether a count read ever went back, and how many database sessions were
waiting for a lock (sampled every 5 ms); then every municipality tries a second ballot,
which must be refused. The worker runs beside them (`flask worker`: its linker puts the
ballots' audit events into the hash chain); printed at the end: how long after the last
ballot the chain had every event, and whether it is whole.
Usage: python bench/ballots.py [POSTGRES_ADMIN_URL]  (default postgresql://postgres@127.0.0.1)"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.pages import gunicorn  # noqa: E402
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
READ_WORKERS = 1
CLIENT_THREADS = 48
AUDIT_KEY = "bench-audit"  # the same for the set-up, the servers and the worker


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
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url, "AUDIT_KEY": AUDIT_KEY})
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


def poll_every(port: int, motion_id: int, token: str, done: threading.Event
               ) -> list[tuple[int, float]]:
    polled: list[tuple[int, float]] = []
    while not done.is_set():
        started = time.perf_counter()
        polled.append(live_count(port, motion_id, token))
        time.sleep(max(0.0, POLL_SECONDS - (time.perf_counter() - started)))
    return polled


def lock_waits(url: str, done: threading.Event) -> list[int]:
    """Every 5 ms: how many of the database's sessions wait for a lock (a row, a
    transaction) rather than work."""
    engine = db.make_engine(url, isolation_level="AUTOCOMMIT")
    samples = []
    with engine.connect() as conn:
        while not done.is_set():
            samples.append(conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")).scalar_one())
            time.sleep(0.005)
    engine.dispose()
    return samples


Polled = dict[str, list[tuple[int, float]]]


def wave(port: int, motion_id: int, tokens: dict[str, str], pollers: dict[str, int] | None
         = None, poll_token: str = "", url: str = ""
         ) -> tuple[list[tuple[int, float]], float, Polled, list[int]]:
    def run(item: tuple[str, str]) -> tuple[int, float]:
        code, token = item
        return ballot(port, motion_id, code, token)

    done = threading.Event()
    polled: Polled = {}
    waits: list[int] = []

    def watch(name: str, at: int) -> None:
        polled[name] = poll_every(at, motion_id, poll_token, done)

    watchers = [threading.Thread(target=watch, args=item) for item in (pollers or {}).items()]
    if url:
        watchers.append(threading.Thread(target=lambda: waits.extend(lock_waits(url, done))))
    started = time.perf_counter()
    for watcher in watchers:
        watcher.start()
    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        results = list(pool.map(run, tokens.items()))
    elapsed = time.perf_counter() - started
    done.set()
    for watcher in watchers:
        watcher.join()
    return results, elapsed, polled, waits


def environment(url: str) -> dict[str, str]:
    return {"DATABASE_URL": url, "SECRET_KEY": "bench-secret", "AUDIT_KEY": AUDIT_KEY,
            "RATELIMIT_STORAGE_URI": "memory://"}


def serve(url: str, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    return gunicorn("app:app", environment(url), workers)


def worker(url: str) -> subprocess.Popen[bytes]:
    """The registry's worker, as production runs it (its linker chains the audit events)."""
    return subprocess.Popen([str(ROOT / ".venv" / "bin" / "flask"), "--app", "app", "worker"],
                            cwd=ROOT, env={**os.environ, **environment(url)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def linked_after(url: str, stop_waiting: float = 30.0) -> tuple[float, bool, int]:
    """Seconds until no audit event waits for its place in the chain (from now), whether the
    chain is then whole, and how many events it has."""
    from consortium.audit.chain import pending, verify

    app = create_app({**TEST_CONFIG, "DATABASE_URL": url, "AUDIT_KEY": AUDIT_KEY})
    started = time.perf_counter()
    with app.app_context():
        try:
            while pending() and time.perf_counter() - started < stop_waiting:
                db.session.rollback()
                time.sleep(0.05)
            waited = time.perf_counter() - started
            report = verify(documents=False)
            return waited, report.whole and report.pending == 0, report.events
        finally:
            db.session.remove()
            db.engine_of(app).dispose()


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    return (f"p50 {statistics.median(ordered):.0f} ms, "
            f"p95 {ordered[max(0, int(len(ordered) * 0.95) - 1)]:.0f} ms, "
            f"max {ordered[-1]:.0f} ms")


def main() -> None:
    admin_url = sys.argv[1] if len(sys.argv) > 1 else "postgresql://postgres@127.0.0.1:5432/x"
    url = fresh_database(admin_url)
    print(f"preparing {'647' if NORWAY else '290'} members, representatives and tokens on "
          f"{DATABASE} ...")
    motion_id, tokens = prepare(url)
    server, port = serve(url, WORKERS)
    reader, read_port = serve(url, READ_WORKERS)
    linker = worker(url)
    try:
        time.sleep(0.5)
        warm_token = next(iter(tokens.values()))

        def warm(at: int) -> None:  # every worker imports and connects before timing
            connection = http.client.HTTPConnection("127.0.0.1", at, timeout=60)
            connection.request("GET", f"/api/v1/motions/{motion_id}",
                               headers={"Authorization": f"Bearer {warm_token}"})
            connection.getresponse().read()
            connection.close()

        with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
            list(pool.map(warm, [port] * 200 + [read_port] * 20))
        poll_token = tokens.pop(next(iter(tokens)))  # one seat only watches
        results, elapsed, polled, waits = wave(
            port, motion_id, tokens, {"the ballots' pool": port, "the read pool": read_port},
            poll_token, url)
        statuses = [status for status, _ in results]
        print(f"gunicorn -w {WORKERS} (gthread) for the ballots, -w {READ_WORKERS} for the "
              f"live counts; {CLIENT_THREADS} concurrent clients, {len(tokens)} ballots:")
        print(f"  time to the last ballot: {elapsed:.2f} s "
              f"({len(results) / elapsed:.0f} ballots/s)")
        print(f"  answers: {sorted((s, statuses.count(s)) for s in set(statuses))}")
        print("  ballot request " + percentiles([ms for _, ms in results]))
        for name, reads in polled.items():
            counts = [count for count, _ in reads]
            back = any(b < a for a, b in zip(counts, counts[1:], strict=False))
            print(f"  live count every {POLL_SECONDS * 1000:.0f} ms through {name}: "
                  f"{len(reads)} reads, {percentiles([ms for _, ms in reads])}; "
                  f"went back: {back}")
        print(f"  sessions waiting for a lock: mean {statistics.mean(waits):.2f}, "
              f"max {max(waits)} ({len(waits)} samples)")
        waited, whole, events = linked_after(url)
        print(f"  audit events linked into the chain {waited:.2f} s after the last ballot; "
              f"the chain of {events} events is whole: {whole}")
        again, _elapsed, _polled, _waits = wave(port, motion_id, tokens)
        refused = sum(1 for status, _ in again if status == 409)
        print(f"  second ballot of every municipality: {refused} of {len(tokens)} refused "
              "(409)")
    finally:
        for running in (server, reader, linker):
            running.terminate()
            running.wait(timeout=10)
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
