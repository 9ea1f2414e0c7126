"""Councils, meetings, motions, ballots, proxies, the voting register and results."""

from __future__ import annotations

from flask import Flask

from consortium import wiring


def init_app(app: Flask) -> None:
    """The councils' pages (councils, meetings, motions, proxies); the sweep's tasks: close
    the motions whose time has come (order 0), then remind before closing (order 5); the
    municipality page's ballots and the references that keep a seat's municipality."""
    from consortium.governance import (
        election_views,
        motion_views,
        notices,
        proxy_views,
        receivers,
        views,
    )
    from consortium.signals import municipality_in_use, municipality_sections

    # their routes join the councils' blueprint (views.bp)
    del election_views, motion_views, proxy_views
    app.register_blueprint(views.bp)
    wiring.periodic_task(app, notices.close_motions_whose_time_has_come, order=0)
    wiring.periodic_task(app, notices.remind_before_closing, order=5)
    municipality_sections.connect(receivers.ballots_section)
    municipality_in_use.connect(receivers.governance_references)
