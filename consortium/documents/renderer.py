"""One renderer for every PDF: HTML from a Jinja template, one print stylesheet, the fonts of
static/fonts. WeasyPrint is imported once per process (the import alone takes most of a
second) and the stylesheet and font configuration are parsed once. Nothing is fetched over
the network: the URL fetcher serves files from static/ and refuses everything else."""

from __future__ import annotations

import threading
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from flask import render_template

STATIC = (Path(__file__).resolve().parent.parent.parent / "static").resolve()
STYLESHEET = STATIC / "css" / "print.css"
_lock = threading.Lock()
_loaded: dict[str, Any] = {}


class RefusedFetch(ValueError):
    pass


def fetch(url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
    """Only files inside static/; no network, no other part of the file system."""
    parsed = urlparse(url)
    if parsed.scheme != "file":
        raise RefusedFetch(f"Documents may not fetch {url!r}.")
    path = Path(unquote(parsed.path)).resolve()
    if STATIC not in path.parents:
        raise RefusedFetch(f"Documents may only use files in static/, not {path}.")
    from weasyprint import default_url_fetcher

    return default_url_fetcher(path.as_uri(), timeout=timeout, ssl_context=ssl_context)


def _weasyprint() -> dict[str, Any]:
    with _lock:
        if not _loaded:
            import weasyprint
            from weasyprint.text.fonts import FontConfiguration

            fonts = FontConfiguration()
            _loaded["module"] = weasyprint
            _loaded["fonts"] = fonts
            _loaded["css"] = weasyprint.CSS(filename=str(STYLESHEET), font_config=fonts,
                                            url_fetcher=fetch)
        return _loaded


def html_of(template: str, **context: Any) -> str:
    return render_template(f"documents/{template}.html", **context)


def pdf_from_html(html: str, pdf_variant: str | None = None) -> bytes:
    """The PDF; `pdf_variant` "pdf/a-2b" makes it PDF/A-2b for the archive (embedded fonts,
    an sRGB output intent and the XMP metadata that declares it)."""
    loaded = _weasyprint()
    document = loaded["module"].HTML(string=html, base_url=STATIC.as_uri() + "/",
                                     url_fetcher=fetch)
    with warnings.catch_warnings():
        # WeasyPrint 70 opens its sRGB profile for the PDF/A output intent and leaves the
        # file to the garbage collector (a ResourceWarning, nothing more)
        warnings.simplefilter("ignore", ResourceWarning)
        return document.write_pdf(stylesheets=[loaded["css"]], font_config=loaded["fonts"],
                                  pdf_variant=pdf_variant)


def render(template: str, pdf_variant: str | None = None, **context: Any) -> bytes:
    return pdf_from_html(html_of(template, **context), pdf_variant)
