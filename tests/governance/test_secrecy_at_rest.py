"""Secret ballots stay secret at rest: after the close, no stored row (with PostgreSQL's system
column xmin, the transaction that wrote it) ties a choice to a ballot; while open, no tally
is readable. See consortium/governance/sealing.py for the design."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import inspect, select, text

from consortium import db
from consortium.governance import councils, motions, results
from consortium.governance.models import Ballot, SealedBallot

CHOICES = {"0180": "yes", "1280": "no", "0483": "yes", "1860": "abstain"}


def representatives(client_as, consortium):
    return {code: client_as("representative", municipality=consortium["municipalities"][code])
            .user for code in CHOICES}


def open_secret_vote(consortium, weighting="population"):
    board = councils.create_council({"kind": "board", "name": "Styrelse"}, actor_label="test")
    councils.set_board_seats(board, list(CHOICES))
    motion = motions.create_motion(board, {"title": "Val av ordförande", "secret": True,
                                           "weighting": weighting}, actor_label="test")
    motions.open_motion(motion, actor_label="test")
    return motion


def every_row_with_xmin():
    """(table, xmin, row as JSON text) of every row of every table."""
    rows = []
    for table in inspect(db.session.get_bind()).get_table_names():
        for xmin, row in db.session.execute(text(
                f'SELECT xmin::text, row_to_json(t)::text FROM "{table}" t')):
            rows.append((table, xmin, row))
    return rows


def test_after_the_close_no_row_ties_a_choice_to_a_ballot_postgres(client_as, consortium):
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("xmin is a PostgreSQL system column")
    reps = representatives(client_as, consortium)
    motion = open_secret_vote(consortium)
    db.commit()  # the set-up, then each ballot in a request (a transaction) of its own
    for code, choice in CHOICES.items():
        motions.cast_ballot(motion.id, code, choice, reps[code])
        db.commit()  # each ballot is its own request, and so its own transaction
    ballot_xmins = {xmin for (xmin,) in db.session.execute(text(
        "SELECT xmin::text FROM ballots WHERE motion_id = :m"), {"m": motion.id})}
    assert len(ballot_xmins) == 4  # each ballot was its own (sub)transaction
    # While open: the sealed rows share the ballots' transactions, but say nothing readable
    during = [row for table, xmin, row in every_row_with_xmin() if xmin in ballot_xmins]
    assert not any(choice in row for row in during for choice in ('"yes"', '"no"',
                                                                  '"abstain"'))
    results.close_motion(motion.id, actor_label="test")
    db.commit()  # the close is a request of its own (its audit events are chained at commit)
    tied = [(table, json.loads(row)) for table, xmin, row in every_row_with_xmin()
            if xmin in ballot_xmins]
    # What the ballots' transactions left: the ballot rows (no choice) and their audit
    # events (the municipality, no choice); nothing else
    assert {table for table, _row in tied} == {"ballots", "audit_events"}
    for table, row in tied:
        if table == "ballots":
            assert row["choice"] is None and row["proxy_id"] is None
        else:
            assert row["action"] == "ballot.cast" and set(row["after"]) == {"municipality"}
    assert db.session.scalars(select(SealedBallot)).all() == []
    assert "secret_tallies" not in inspect(db.session.get_bind()).get_table_names()
    # The totals are right, and stored by the closing transaction alone
    result = results.result_of(motion)
    # Weighed by population on 31 December 2016
    assert (result.yes, result.no, result.abstain) == (935_619 + 33_722, 328_494, 5_631)
    (result_xmin,) = db.session.execute(text(
        "SELECT xmin::text FROM motion_results WHERE motion_id = :m"), {"m": motion.id}).one()
    assert result_xmin not in ballot_xmins


def test_no_running_tally_of_an_open_secret_vote(client, client_as, consortium):
    reps = representatives(client_as, consortium)
    motion = open_secret_vote(consortium, weighting="equal")
    motions.cast_ballot(motion.id, "0180", "yes", reps["0180"])
    motions.cast_ballot(motion.id, "1280", "yes", reps["1280"])
    sealed = [row.sealed for row in db.session.scalars(select(SealedBallot))]
    assert len(sealed) == 2 and sealed[0] != sealed[1]  # the same choice seals differently
    assert all(b"yes" not in blob for blob in sealed)
    stored = db.session.scalars(select(Ballot).where(Ballot.motion_id == motion.id)).all()
    assert all(ballot.choice is None for ballot in stored)
    during = client.get(f"/api/v1/motions/{motion.id}", headers=consortium["admin"]).json
    assert during["ballots"] == 2 and "yes" not in json.dumps(during)
    admin = client_as("admin")
    page = admin.get(f"/motions/{motion.id}", headers={"Accept-Language": "en"}) \
        .get_data(as_text=True)
    assert "2 of 4 seats have voted." in page and "Live tally" not in page
    assert client.get(f"/api/v1/motions/{motion.id}/result",
                      headers=consortium["admin"]).status_code == 409


MARKS = {"0180": ["Eva Ek", "Olle Ås"], "1280": ["Per Pil"], "0483": ["Eva Ek"], "1860": []}


def test_a_secret_election_leaves_no_mark_tied_to_a_seat_postgres(client_as, consortium):
    """SPEC item 11: after the close of a secret election nothing stored ties a seat to its
    marks: no row written by a ballot's transaction names a candidate, no mark row exists."""
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("xmin is a PostgreSQL system column")
    reps = representatives(client_as, consortium)
    board = councils.create_council({"kind": "board", "name": "Styrelse"}, actor_label="test")
    councils.set_board_seats(board, list(MARKS))
    election = motions.create_election(board, {
        "title": "Val av revisorer", "positions": 2, "weighting": "population",
        "candidates": [{"name": "Eva Ek"}, {"name": "Olle Ås"}, {"name": "Per Pil"}]},
        actor_label="test")
    assert election.secret  # an election is held by closed ballot unless said otherwise
    motions.open_motion(election, actor_label="test")
    db.commit()
    for code, marks in MARKS.items():
        motions.cast_ballot(election.id, code, None, reps[code], candidates=marks)
        db.commit()
    ballot_xmins = {xmin for (xmin,) in db.session.execute(text(
        "SELECT xmin::text FROM ballots WHERE motion_id = :m"), {"m": election.id})}
    assert len(ballot_xmins) == 4
    during = [row for _table, xmin, row in every_row_with_xmin() if xmin in ballot_xmins]
    assert not any(name in row for row in during for name in ("Eva", "Olle", "Per Pil"))
    sealed = db.session.scalars(select(SealedBallot.sealed)).all()
    assert len({len(blob) for blob in sealed}) == 1  # a blank ballot seals as long as any
    results.close_motion(election.id, actor_label="test")
    db.commit()
    tied = [(table, json.loads(row)) for table, xmin, row in every_row_with_xmin()
            if xmin in ballot_xmins]
    assert {table for table, _row in tied} == {"ballots", "audit_events"}
    assert all(row.get("choice") is None for table, row in tied if table == "ballots")
    assert db.session.execute(text("SELECT count(*) FROM ballot_marks")).scalar() == 0
    assert db.session.scalars(select(SealedBallot)).all() == []
    scores = dict(db.session.execute(text(
        "SELECT text, score FROM poll_options WHERE motion_id = :m"), {"m": election.id}).all())
    assert scores == {"Eva Ek": 935_619 + 33_722, "Olle Ås": 935_619, "Per Pil": 328_494}
    elected = set(db.session.scalars(text(
        "SELECT text FROM poll_options WHERE motion_id = :m AND elected"), {"m": election.id}))
    assert elected == {"Eva Ek", "Olle Ås"}
