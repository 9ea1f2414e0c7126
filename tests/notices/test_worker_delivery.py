"""The worker on real Redis delivering through a real SMTP server: a mail server that is down
and comes back, Redis that is down, and a worker killed with SIGKILL and started again: every
notice arrives exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from consortium import clock, db
from consortium.auth import service as auth
from consortium.config import ROOT
from consortium.governance import councils, motions
from consortium.members import service as members
from consortium.notices.models import Notice, NoticeStatus
from consortium.web.app import create_app
from tests.conftest import REDIS_URL, TEST_CONFIG, migrate, redis_or_skip
from tests.smtp import MailServer


def wait_for(condition, timeout=40.0, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(step)
    raise AssertionError(f"waited {timeout} s in vain")


@pytest.fixture
def own_database(tmp_path, app):
    """A database file of this test's own, which a worker process can open too."""
    url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    migrate(url)
    db.session.remove()
    other = create_app({**TEST_CONFIG, "DATABASE_URL": url, "JOBS_MODE": "rq"})
    yield other, url
    db.session.remove()
    db.engine_of(other).dispose()
    db.bind_to(app, app.extensions.get("db_bind"))


def seed(other, count: int) -> list[str]:
    """`count` member municipalities with a representative each, on a board with an open
    motion: `count` notices wait in the outbox."""
    with other.app_context():
        from consortium.members.national import municipalities

        codes = sorted(municipalities("SE"))[:count]
        for code in codes:
            entry = municipalities("SE")[code]
            municipality = members.create_municipality(
                {"code": code, "name": entry.name, "county": entry.county}, actor_label="test")
            members.change_membership(municipality, "admit", date(2010, 1, 1))
            auth.create_user(email=f"ombud{code}@example.se", role="representative",
                             password="a long password", municipality_code=code,
                             actor_label="test")
        board = councils.create_council({"kind": "board", "name": "Styrelse"},
                                        actor_label="test")
        councils.set_board_seats(board, codes)
        motion = motions.create_motion(board, {"title": "Verksamhetsplan 2027"},
                                       actor_label="test")
        motions.open_motion(motion, actor_label="test")
        db.commit()  # the test's unit of work, as a command's
        return list(db.session.scalars(select(Notice.id)))


def statuses(other) -> dict[str, int]:
    with other.app_context():
        return {status.value: n for status, n in db.session.execute(
            select(Notice.status, func.count()).group_by(Notice.status))}


def start_worker(url: str, queue: str, mail: MailServer) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": REDIS_URL, "JOBS_QUEUE": queue,
           "JOBS_MODE": "rq", "SECRET_KEY": TEST_CONFIG["SECRET_KEY"],
           "AUDIT_KEY": TEST_CONFIG["AUDIT_KEY"],
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(mail.port), "MAIL_TIMEOUT": "3",
           "WORKER_SWEEP_SECONDS": "0.2", "NOTICE_RETRY_SECONDS": "0.5"}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def test_a_killed_worker_and_a_mail_server_down_lose_nothing_and_send_nothing_twice(
        own_database):
    connection = redis_or_skip()
    other, url = own_database
    queue = f"test-{uuid.uuid4().hex[:8]}"
    mail = MailServer()
    notice_ids = seed(other, 12)
    assert len(notice_ids) == 12
    worker = start_worker(url, queue, mail)
    try:
        # The mail server is down: every notice is tried, fails, and waits for its next try
        def all_tried_and_waiting():
            with other.app_context():
                rows = db.session.execute(select(Notice.status, Notice.attempts,
                                                 Notice.next_attempt_at)).all()
            soon = clock.now() + timedelta(seconds=0.3)
            return all(status is NoticeStatus.QUEUED and attempts >= 1 and at > soon
                       for status, attempts, at in rows)

        wait_for(all_tried_and_waiting)
        worker.send_signal(signal.SIGKILL)  # no goodbye, between two tries
        worker.wait(timeout=10)
        assert statuses(other) == {"queued": 12}
        mail.start()
        worker = start_worker(url, queue, mail)
        wait_for(lambda: statuses(other) == {"sent": 12})
        time.sleep(1.0)  # a few more sweeps: nothing is sent again
        received = mail.inbox.ids()
        assert sorted(received) == sorted(notice_ids)  # each exactly once
        assert len(received) == len(set(received)) == 12
    finally:
        worker.kill()
        worker.wait(timeout=10)
        mail.stop()
        for key in connection.scan_iter(f"rq:*{queue}*"):
            connection.delete(key)


def test_notices_go_out_while_redis_is_down(own_database):
    """Notices do not pass through Redis: the worker's notices lane sends them from the
    outbox, so a Redis that is down holds none of them up."""
    other, _url = own_database
    notice_ids = seed(other, 3)
    other.config.update(REDIS_URL="redis://127.0.0.1:9/0", JOBS_QUEUE="nowhere")
    from consortium.notices.service import hand_over_due

    mail = MailServer()
    mail.start()
    try:
        other.config.update(JOBS_MODE="rq", MAIL_SERVER="127.0.0.1", MAIL_PORT=mail.port)
        with other.app_context():
            assert hand_over_due() == 3
        assert sorted(mail.inbox.ids()) == sorted(notice_ids)
    finally:
        mail.stop()


def test_a_notice_does_not_wait_behind_a_long_job(own_database):
    """Issue 22, item 11: six statement ZIPs delayed a notice from 1 s to 50 s. Notices have a
    lane of their own (a sweeper thread of the worker): here a job holds the worker's main
    thread for three seconds while the notices lane sends."""
    import threading

    from consortium import wiring
    from consortium.jobs import service as jobs

    other, _url = own_database
    notice_ids = seed(other, 3)
    mail = MailServer()
    mail.start()
    release = threading.Event()

    def slow(_params, _progress):
        release.wait(timeout=3)
        return jobs.Result(b"", "slow.txt", "text/plain")

    wiring.job_handler(other, "slow_test_job", slow)
    other.config.update(WORKER_SWEEP_SECONDS=0.1, JOBS_MODE="rq", MAIL_SERVER="127.0.0.1",
                        MAIL_PORT=mail.port)
    with other.app_context():
        job = jobs.submit("slow_test_job", {}, lang="en")
        db.session.commit()

    def run_the_job():
        with other.app_context():
            jobs.perform(job.id)

    runner = threading.Thread(target=run_the_job)
    runner.start()  # the worker's main thread, busy
    stop = jobs.start_sweeper(other)
    started = time.monotonic()
    try:
        while time.monotonic() - started < 2.5 and len(mail.inbox.ids()) < 3:
            time.sleep(0.05)
        delay = time.monotonic() - started
        assert sorted(mail.inbox.ids()) == sorted(notice_ids) and delay < 2.0, delay
        assert runner.is_alive()  # the job was still running meanwhile
    finally:
        release.set()
        stop.set()
        runner.join(timeout=5)
        mail.stop()
