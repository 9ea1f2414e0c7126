"""gunicorn.conf.py as production runs it: a worker that has grown past GUNICORN_MAX_RSS_MIB
finishes its request and is replaced (large PDFs leave memory behind in a worker); without
a limit the same worker goes on serving. A real gunicorn on a migrated database."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import migrate

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def worker_of(server: subprocess.Popen[bytes]) -> int | None:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return int(children[0]) if children else None


def health(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/healthz")
    status = connection.getresponse().status
    connection.close()
    return status


def workers_seen(tmp_path: Path, limit_mib: int, requests: int = 3) -> tuple[list[int], set[int]]:
    url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    migrate(url)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "test", "AUDIT_KEY": "test",
           "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1",
           "GUNICORN_MAX_RSS_MIB": str(limit_mib), "SIGNING_CERT": "", "SIGNING_KEY": ""}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "app:app"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    statuses, seen = [], set()
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        for _ in range(requests):
            before = worker_of(server)
            statuses.append(health(port))
            seen.add(before or 0)
            for _ in range(100):  # a replaced worker leaves; its successor is forked
                now = worker_of(server)
                if now is not None and (now != before or limit_mib == 0):
                    seen.add(now)
                    break
                time.sleep(0.05)
    finally:
        server.terminate()
        server.wait(timeout=20)
    return statuses, seen


def test_a_worker_over_the_memory_limit_is_replaced_after_its_request(tmp_path):
    statuses, seen = workers_seen(tmp_path, limit_mib=1)  # every worker is over 1 MiB
    assert statuses == [200, 200, 200]
    assert len(seen - {0}) == 4  # the first worker and one successor after each request


def test_without_a_limit_one_worker_serves_on(tmp_path):
    statuses, seen = workers_seen(tmp_path, limit_mib=0)
    assert statuses == [200, 200, 200] and len(seen - {0}) == 1


def test_what_the_master_loaded_is_frozen_before_a_worker_is_forked():
    """The pre_fork hook puts the preloaded app out of the collector's reach (gc.freeze):
    nothing of it is walked by a worker's full collections. Run apart: freezing is for the
    life of a process."""
    script = ("import gc, runpy; import app; "
              "hooks = runpy.run_path('gunicorn.conf.py'); "
              "before = gc.get_freeze_count(); hooks['pre_fork'](None, None); "
              "print(before, gc.get_freeze_count(), len(gc.get_objects()))")
    env = {**os.environ, "DATABASE_URL": "sqlite://", "SECRET_KEY": "test", "AUDIT_KEY": "test",
           "SIGNING_CERT": "", "SIGNING_KEY": ""}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)
    before, frozen, still_tracked = (int(n) for n in done.stdout.split())
    assert before == 0 and frozen > 100_000  # the app's objects: modules, mappers, routes
    assert still_tracked < 1_000  # all the collector still walks
