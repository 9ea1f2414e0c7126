"""A part of a page contributed by another domain through a signal."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from markupsafe import Markup


@dataclass(frozen=True)
class PageSection:
    """Rendered by `{% include section.template %}`; the template reads `section.context`.
    Sections show in the order of `order`, lowest first. A section made already (`made`:
    kept between requests, frame/stamps.py) is shown as it is."""

    order: int
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    made: Markup | None = None

    def rendered(self) -> PageSection:
        """The section with its template rendered (within a request), without the context it
        was rendered from (kept, it holds only its markup)."""
        from flask import render_template

        return replace(self, made=Markup(render_template(self.template, section=self)),
                       context={})
