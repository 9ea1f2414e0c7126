"""The living demo: the real Swedish municipality list and Sambruk's tools and councils."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """`flask seed-demo`."""
    from consortium.demo.cli import seed_demo

    app.cli.add_command(seed_demo)
