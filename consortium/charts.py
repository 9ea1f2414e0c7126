"""SVG charts made on the server with leather: the same markup serves the page and the PDF.
Leather draws with presentation attributes only, so the charts need no inline CSS (CSP)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from babel.numbers import format_decimal
from markupsafe import Markup, escape

if TYPE_CHECKING:
    import leather as leather_module

FONT = "DejaVu Sans, sans-serif"
BRAND = "#1f4e79"


@cache
def _leather() -> Any:
    """leather with the registry's theme, imported by the first chart (not when the app
    starts: most requests draw none)."""
    import leather

    for name in ("tick_font_family", "title_font_family", "legend_font_family",
                 "axis_title_font_family"):
        setattr(leather.theme, name, FONT)
    leather.theme.background_color = "#ffffff"
    leather.theme.default_series_colors = [BRAND, "#c26a00", "#2e7d32", "#6a3d9a", "#b3261e"]
    leather.theme.tick_font_size = 12
    leather.theme.title_font_size = 14
    return leather

_PROLOG = re.compile(r"^<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?", re.S)


def _number_formatter(locale: str) -> Callable[[float, int, int], str]:
    def format_tick(value: float, _index: int, _count: int) -> str:
        return format_decimal(round(value), locale=locale)

    return format_tick


def _finish(chart: leather_module.Chart, width: int, height: int, label: str) -> Markup:
    buffer = io.StringIO()
    chart.to_svg(buffer, width=width, height=height)
    svg = _PROLOG.sub("", buffer.getvalue())
    svg = svg.replace(
        f'<svg width="{width}" height="{height}"',
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(label)}" class="chart"', 1)
    return Markup(svg)


def columns(points: Sequence[tuple[str, int]], *, label: str, locale: str = "sv",
            width: int = 520, height: int = 240) -> Markup:
    """Vertical columns, one per category (e.g. population per year)."""
    chart = _leather().Chart()
    chart.add_columns([(str(category), value) for category, value in points])
    chart.add_y_axis(tick_formatter=_number_formatter(locale))
    return _finish(chart, width, height, label)


def bars(points: Sequence[tuple[str, int | float]], *, label: str, locale: str = "sv",
         width: int = 640, height: int | None = None) -> Markup:
    """Horizontal bars, one per category (e.g. the largest shares of an allocation)."""
    chart = _leather().Chart()
    chart.add_bars([(value, str(category)) for category, value in points])
    chart.add_x_axis(tick_formatter=_number_formatter(locale))
    return _finish(chart, width, height or max(150, 50 + 24 * len(points)), label)
