"""Notices: e-mail about what waits for a person, written to an outbox with the event and
delivered by the worker."""

from __future__ import annotations

from flask import Flask

from consortium import wiring


def init_app(app: Flask) -> None:
    """The sweep sends due notices in a lane of its own (a thread of the worker that nothing
    else holds up; order 10: after the tasks that write notices, when all run at once)."""
    from consortium.notices.service import hand_over_due

    wiring.periodic_task(app, hand_over_due, order=10, lane="notices")
