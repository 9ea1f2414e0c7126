"""A part of a page contributed by another domain through a signal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PageSection:
    """Rendered by `{% include section.template %}`; the template reads `section.context`.
    Sections show in the order of `order`, lowest first."""

    order: int
    template: str
    context: dict[str, Any] = field(default_factory=dict)
