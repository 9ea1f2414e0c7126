"""The API fuzzed from its own OpenAPI description (schemathesis): every operation, as an
administrator and as a representative, with bounded generated input; no answer is a 5xx,
every answer has a documented status and matches its schema. Run on SQLite (the PostgreSQL
run skips it).

Schemathesis's pytest plugin does not load with this pytest, so the operations are walked
here, each with Hypothesis driving schemathesis's strategy for it."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from consortium import db
from consortium.auth.models import Role
from tests.conftest import bearer

EXAMPLES = 10


def test_the_api_never_fails_and_answers_as_described(app, consortium, api_token):
    if db.session.get_bind().dialect.name != "sqlite":
        pytest.skip("fuzzed in the SQLite run")
    headers = {"admin": bearer(api_token(Role.ADMIN)),
               "representative": bearer(api_token(
                   Role.REPRESENTATIVE, municipality=consortium["municipalities"]["0483"]))}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    calls = []

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case):
            for who in headers.values():
                case.call_and_validate(headers=who, checks=[
                    not_a_server_error, response_schema_conformance, status_code_conformance])
                calls.append(case.operation.label)

        fuzz()
    assert len(operations) >= 46
    print(f"{len(operations)} operations, {len(calls)} calls")


ABSURD = {"date-time": ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"],
          "date": ["9999-12-31", "0001-01-01"], "integer": [2**63, -(2**63) - 1, 10**30],
          "number": [1e308, -1e308], "string": ["1e-999999", "9" * 5000, "\u2028\x0b"]}


def _absurd_bodies(body, properties):
    """One body per property and absurd value, the rest as generated."""
    for name, spec in (properties or {}).items():
        kind = spec.get("format") if spec.get("format") in ABSURD else spec.get("type")
        for value in ABSURD.get(kind, []):
            yield {**body, name: value}


def test_absurd_dates_and_numbers_in_every_body_are_refused_not_a_500(app, consortium,
                                                                       api_token):
    """Issue 22, item 8: the fuzzing covers absurd dates and numbers. Each generated body is
    sent again with one property at a time set to a value past what the registry keeps (year
    9999 with a negative offset, 2**63, 1e-999999, 5000 digits, a line separator)."""
    if db.session.get_bind().dialect.name != "sqlite":
        pytest.skip("fuzzed in the SQLite run")
    from datetime import date

    from consortium.governance import councils, meetings, motions

    admin = bearer(api_token(Role.ADMIN))
    board = councils.create_council({"kind": "board", "name": "Styrelse"}, actor_label="t")
    meeting = meetings.create_meeting(board, date(2026, 3, 18), "Västerås", None,
                                      actor_label="t")
    motion = motions.create_motion(board, {"title": "Förslag"}, actor_label="t")
    db.commit()
    # Real records in the paths, so that the bodies reach the code that reads them
    known = {"council_id": board.id, "meeting_id": meeting.id, "motion_id": motion.id,
             "code": "0483", "slug": "provisum", "year": 2026}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    document = schema.raw_schema
    sent = []
    for operation in (result.ok() for result in schema.get_all_operations()):
        spec = document["paths"][operation.path][operation.method.lower()]
        content = spec.get("requestBody", {}).get("content", {}).get("application/json")
        if not content:
            continue
        target = content["schema"]
        if "$ref" in target:
            target = document["components"]["schemas"][target["$ref"].rsplit("/", 1)[1]]

        properties = target.get("properties")

        @given(case=operation.as_strategy())
        @settings(max_examples=2, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def absurd(case):
            if not isinstance(case.body, dict):
                return
            case.path_parameters = {name: known.get(name, value)
                                    for name, value in (case.path_parameters or {}).items()}
            for body in _absurd_bodies(case.body, properties):  # noqa: B023  (run at once)
                case.body = body
                case.call_and_validate(headers=admin, checks=[not_a_server_error])
                sent.append(case.operation.label)

        absurd()
    assert len(sent) > 100
    print(f"{len(sent)} absurd bodies")
