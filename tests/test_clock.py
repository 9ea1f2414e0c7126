"""The consortium's day: dates are decided in the installation's time zone, never the
server's (UTC here). The clock is moved with time-machine, across local midnight and across
the changes to and from summer time."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from consortium import clock
from tests.governance.test_governance_api import council

STOCKHOLM_0042_ON_5_DECEMBER = datetime(2026, 12, 4, 23, 42, tzinfo=UTC)


def test_today_is_the_consortium_s_day_not_the_server_s(app):
    with time_machine.travel(STOCKHOLM_0042_ON_5_DECEMBER, tick=False):
        assert datetime.now(UTC).date() == date(2026, 12, 4)  # the server's (UTC) day
        with app.app_context():
            assert clock.today() == date(2026, 12, 5)
            assert clock.now().isoformat() == "2026-12-05T00:42:00+01:00"


def test_a_meeting_is_marked_held_just_after_local_midnight(client, consortium):
    """At 00:42 in Stockholm on 5 December (23:42 UTC on the 4th) that day's meeting was held."""
    c = consortium
    council_id = council(client, c)["id"]
    with time_machine.travel(STOCKHOLM_0042_ON_5_DECEMBER, tick=False):
        meeting = client.post(f"/api/v1/councils/{council_id}/meetings", headers=c["admin"],
                              json={"date": "2026-12-05", "place": "Katrineholm"}).json
        held = client.post(f"/api/v1/meetings/{meeting['id']}/held", headers=c["admin"])
        assert held.status_code == 200, held.json
        assert held.json["status"] == "held"
    with time_machine.travel(datetime(2026, 12, 4, 22, 59, tzinfo=UTC), tick=False):
        # 23:59 on the 4th in Stockholm: tomorrow's meeting is not held yet.
        later = client.post(f"/api/v1/councils/{council_id}/meetings", headers=c["admin"],
                            json={"date": "2026-12-05", "place": "Katrineholm"}).json
        refused = client.post(f"/api/v1/meetings/{later['id']}/held", headers=c["admin"])
        assert refused.status_code == 409
        assert "2026-12-05" in refused.json["error"]["message"]


def test_an_export_is_named_by_the_consortium_s_day(client, client_as):
    from consortium.auth.models import Role

    with time_machine.travel(STOCKHOLM_0042_ON_5_DECEMBER, tick=False):
        response = client_as(Role.ADMIN).get("/municipalities/export.csv")
    assert response.status_code == 200
    assert 'filename="kommuner-2026-12-05.csv"' in response.headers["Content-Disposition"]


def test_days_across_the_changes_of_summer_time(app):
    with app.app_context():
        # 29 March 2026: 02:00 CET becomes 03:00 CEST; 25 October: 03:00 CEST becomes 02:00 CET.
        with time_machine.travel(datetime(2026, 3, 28, 23, 30, tzinfo=UTC), tick=False):
            assert clock.today() == date(2026, 3, 29)
            assert clock.now().utcoffset().total_seconds() == 3600
        with time_machine.travel(datetime(2026, 3, 29, 22, 30, tzinfo=UTC), tick=False):
            assert clock.today() == date(2026, 3, 30)  # 00:30 CEST
            assert clock.now().utcoffset().total_seconds() == 7200
        with time_machine.travel(datetime(2026, 10, 24, 22, 30, tzinfo=UTC), tick=False):
            assert clock.today() == date(2026, 10, 25)  # 00:30 CEST
        with time_machine.travel(datetime(2026, 10, 25, 22, 59, tzinfo=UTC), tick=False):
            assert clock.today() == date(2026, 10, 25)  # 23:59 CET
        # The day of the change is 23 and 25 hours long.
        assert (clock.end_of(date(2026, 3, 29)) - clock.start_of(date(2026, 3, 29))
                ).total_seconds() == 23 * 3600
        assert (clock.end_of(date(2026, 10, 25)) - clock.start_of(date(2026, 10, 25))
                ).total_seconds() == 25 * 3600


def test_a_norwegian_installation_counts_oslo_s_day(database_url):
    from consortium.web.app import create_app
    from tests.conftest import TEST_CONFIG

    oslo = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, "TIMEZONE": "Europe/Oslo"})
    try:
        with oslo.app_context(), time_machine.travel(datetime(2026, 6, 30, 22, 5, tzinfo=UTC),
                                                     tick=False):
            assert clock.today() == date(2026, 7, 1)
            assert clock.zone().key == "Europe/Oslo"
    finally:
        clock.configure("Europe/Stockholm")
