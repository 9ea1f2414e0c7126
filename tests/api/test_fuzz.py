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
