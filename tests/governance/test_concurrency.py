"""Two representatives of one municipality press "vote" at the same moment: exactly one
ballot is stored, the other is refused. Runs on a real, committed database (SQLite, or
PostgreSQL in the PostgreSQL run), with one connection per thread."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from consortium import db
from consortium.auth import service as auth
from consortium.errors import Conflict
from consortium.governance import councils, motions
from consortium.governance.models import Ballot, SealedBallot
from consortium.members import service as members
from consortium.web.app import create_app
from tests.conftest import TEST_CONFIG, fresh_database, migrate


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory):
    with fresh_database(tmp_path_factory, "concurrency") as url:
        migrate(url)
        app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
        yield app
        db.engine_of(app).dispose()


def in_thread(app, function):
    """Run `function` in a new thread inside the app, with that thread's own session and its
    own unit of work (committed when it returns, as a job's)."""
    box = {}

    def run():
        with app.app_context():
            try:
                with db.unit_of_work():
                    box["value"] = function()
            except Exception as error:  # noqa: BLE001 - handed to the caller
                box["error"] = error
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    if "error" in box:
        raise box["error"]
    return box.get("value")


@pytest.mark.parametrize("secret", [False, True])
def test_two_simultaneous_ballots_for_one_municipality_store_exactly_one(shared_app, secret):
    suffix = "s" if secret else "o"

    def setup():
        code = "0180" if not secret else "1280"
        municipality = members.create_municipality(
            {"code": code, "name": f"Kommun {suffix}", "county": "Skåne län"},
            actor_label="test")
        members.change_membership(municipality, "admit", date(2010, 1, 1))
        reps = [auth.create_user(email=f"rep{i}{suffix}@example.se", role="representative",
                                 password="a long password", municipality_code=code,
                                 actor_label="test") for i in range(2)]
        council = councils.create_council({"kind": "board", "name": f"Styrelse {suffix}"},
                                          actor_label="test")
        councils.set_board_seats(council, [code])
        motion = motions.create_motion(council, {"title": "Beslut", "secret": secret},
                                       actor_label="test")
        motions.open_motion(motion, actor_label="test")
        return motion.id, code, [rep.id for rep in reps]

    motion_id, code, rep_ids = in_thread(shared_app, setup)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def cast(user_id, choice):
        def run():
            from consortium.auth.models import User

            user = db.session.get(User, user_id)
            db.session.commit()  # hold no transaction while waiting for the other thread
            barrier.wait(timeout=30)
            try:
                motions.cast_ballot(motion_id, code, choice, user)
                outcomes.append("stored")
            except Conflict:
                db.rollback()  # as the request does with a refusal
                outcomes.append("refused")

        return lambda: in_thread(shared_app, run)

    threads = [threading.Thread(target=cast(rep_ids[0], "yes")),
               threading.Thread(target=cast(rep_ids[1], "no"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["refused", "stored"]

    def count():
        ballots = db.session.scalars(db_select(Ballot).where(Ballot.motion_id == motion_id)).all()
        sealed = db.session.scalars(db_select(SealedBallot).where(
            SealedBallot.motion_id == motion_id)).all()
        return len(ballots), len(sealed)

    ballots, tallied = in_thread(shared_app, count)
    assert ballots == 1
    assert tallied == (1 if secret else 0)


def db_select(entity):
    from sqlalchemy import select

    return select(entity)


def test_forty_readers_at_the_closing_moment_get_no_error_and_one_close(shared_app):
    """Issue 22, item 6: when a vote closed by itself, 6-15 of 40 concurrent readers got 500
    (two requests closed it). Reads never close now; the sweep closes once."""
    import time
    from datetime import timedelta

    from sqlalchemy import func, select, update

    from consortium import clock
    from consortium.audit.models import AuditEvent
    from consortium.governance.models import Motion, MotionResult
    from consortium.jobs.service import sweep

    def setup():
        municipality = members.create_municipality(
            {"code": "1860", "name": "Laxå", "county": "Örebro län"}, actor_label="test")
        members.change_membership(municipality, "admit", date(2010, 1, 1))
        council = councils.create_council({"kind": "board", "name": "Styrelse r"},
                                          actor_label="test")
        councils.set_board_seats(council, ["1860"])
        motion = motions.create_motion(council, {
            "title": "Stängs", "closes_at": clock.now() + timedelta(hours=1)},
            actor_label="test")
        motions.open_motion(motion, actor_label="test")
        token = auth.issue_token(auth.create_user(
            email="revisor-r@example.se", role="observer", password="a long password",
            actor_label="test"), actor_label="test")
        return motion.id, token

    motion_id, token = in_thread(shared_app, setup)
    in_thread(shared_app, lambda: db.session.execute(update(Motion).where(
        Motion.id == motion_id).values(closes_at=clock.now() + timedelta(seconds=1))))
    statuses: list[int] = []
    seen: set[str] = set()
    lock = threading.Lock()
    deadline = time.monotonic() + 3

    def read():
        client = shared_app.test_client()
        while time.monotonic() < deadline:
            for path in (f"/api/v1/motions/{motion_id}", f"/api/v1/motions/{motion_id}/result"):
                answer = client.get(path, headers={"Authorization": f"Bearer {token}"})
                with lock:
                    statuses.append(answer.status_code)
                    if path.endswith(str(motion_id)):
                        seen.add(answer.json["status"])

    sweeps: list[object] = []

    def sweeper():
        # Sweeps during the readers and after them, until one has closed the vote (a sweep
        # may wait for a connection while forty readers hold the pool: on a slow machine the
        # first ones can take seconds)
        while time.monotonic() < deadline + 20:
            sweeps.append(in_thread(shared_app, sweep)["close_motions_whose_time_has_come"])
            if time.monotonic() > deadline and any(n for n in sweeps if isinstance(n, int)):
                break
            time.sleep(0.2)

    threads = [threading.Thread(target=read) for _ in range(40)]
    threads.append(threading.Thread(target=sweeper))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses and all(status < 500 for status in statuses), sorted(set(statuses))
    assert "open" in seen and seen <= {"open", "closing", "closed"}
    assert "failed" not in sweeps and sum(n for n in sweeps if isinstance(n, int)) == 1
    final = shared_app.test_client().get(f"/api/v1/motions/{motion_id}",
                                         headers={"Authorization": f"Bearer {token}"})
    assert final.json["status"] == "closed"

    def closes():
        results = db.session.scalar(select(func.count()).select_from(MotionResult).where(
            MotionResult.motion_id == motion_id))
        events = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "motion.close", AuditEvent.object_id == str(motion_id)))
        return results, events

    assert in_thread(shared_app, closes) == (1, 1)
