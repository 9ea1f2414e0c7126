"""A refused request changes nothing: every API write, sent so that it is refused (an empty
or unknown object, a missing record), leaves every table as it was, audit log included."""

from __future__ import annotations

import re

from sqlalchemy import func, inspect, select, table

from consortium import db
from consortium.auth.models import Role
from tests.auth.test_role_matrix import VALUES, WRITES
from tests.conftest import bearer, end_the_test_s_unit_of_work


def counts():
    names = inspect(db.session.get_bind()).get_table_names()
    return {name: db.session.scalar(select(func.count()).select_from(table(name)))
            for name in names if name != "alembic_version"}


def test_every_refused_api_write_changes_nothing(app, client, consortium, api_token):
    admin = bearer(api_token(Role.ADMIN))
    tied = bearer(api_token(Role.FINANCE, municipality=consortium["municipalities"]["0483"]))
    end_the_test_s_unit_of_work()  # the setting up, audit events included, is written
    before = counts()
    changed, answered = [], []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        for method in sorted((rule.methods or set()) & WRITES):
            url = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>",
                         lambda m: "999999" if m.group(1) not in VALUES else (
                             "1900" if m.group(1) == "year" else VALUES[m.group(1)]),
                         rule.rule)
            for headers, body in ((admin, {"unknown": True}), (tied, {})):
                response = client.open(url, method=method, json=body, headers=headers)
                answered.append(response.status_code)
                if response.status_code < 400:
                    before = counts()  # accepted (nothing to refuse in it): not our case
                    continue
                now = counts()
                if now != before:
                    changed.append(f"{method} {url} ({response.status_code}): " + ", ".join(
                        f"{k} {before[k]}->{now[k]}" for k in now if now[k] != before[k]))
                    before = now
    assert changed == []
    assert 500 not in answered and sum(status >= 400 for status in answered) >= 55
