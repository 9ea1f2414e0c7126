"""Tools, participation and usage figures."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The tools' pages; the register's "tools in use" column, the municipality page's
    tools, and the references that keep a participant from being deleted."""
    from consortium.signals import municipality_in_use, municipality_sections, register_columns
    from consortium.tools import receivers
    from consortium.tools.views import bp

    app.register_blueprint(bp)
    register_columns.connect(receivers.tools_in_use)
    municipality_sections.connect(receivers.tools_section)
    municipality_in_use.connect(receivers.tool_references)
