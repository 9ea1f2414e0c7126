"""Cost sharing: budgets, allocation, fees, statements and the closing of a year."""

from __future__ import annotations

from flask import Flask

from consortium import wiring


def init_app(app: Flask) -> None:
    """What happens when a figure of the register changes: the closed-year guard may refuse
    it, and in the same transaction the draft allocations and open fees it touches are
    stored again (rules.py, provided here; the app does not start without them). Also the
    cost pages (/costs), `flask costs`, the municipality page's statements and the
    references that keep a municipality with allocation lines."""
    from consortium.costs import receivers
    from consortium.costs.cli import costs_cli
    from consortium.costs.rules import ClosedYears, StoredFigures
    from consortium.costs.views import bp
    from consortium.rules import CLOSED_YEAR_GUARD, DERIVED_FIGURES
    from consortium.signals import municipality_in_use, municipality_sections

    wiring.provide(app, CLOSED_YEAR_GUARD, ClosedYears())
    wiring.provide(app, DERIVED_FIGURES, StoredFigures())
    app.register_blueprint(bp)
    app.cli.add_command(costs_cli)
    municipality_sections.connect(receivers.statements_section)
    municipality_in_use.connect(receivers.allocation_references)
