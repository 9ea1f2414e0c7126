"""Translations looked up once per request (and once per page) instead of once per text.

Flask-Babel's `gettext` finds the current translations anew for every text: the request's
`g` (a context-local proxy) three times, the locale, its identifier, the cache. A page with
a few hundred texts (lazy labels included) spent a millisecond or more on that alone.

- `RequestDomain` keeps the translations it found in the request's Babel context, under the
  name Flask-Babel itself clears when the locale changes (`force_locale`, `refresh`).
- In templates, the translations are found once, when a template starts rendering (a context
  processor, so in the locale in force then: a document or an e-mail rendered in another
  language included), and `_()` and `ngettext()` read them from the page's context. A macro
  imported without the page's context falls back to Flask-Babel's functions."""

from __future__ import annotations

from typing import Any

from babel.support import NullTranslations
from flask import Flask
from flask_babel import Domain, _get_current_context, get_translations
from flask_babel import gettext as babel_gettext
from flask_babel import ngettext as babel_ngettext
from jinja2 import pass_context
from jinja2.runtime import Context

KEY = "page_translations_"


class RequestDomain(Domain):
    def get_translations(self) -> Any:
        context = _get_current_context()
        if context is None:
            return NullTranslations()
        found = getattr(context, "babel_translations", None)  # None after a locale change
        if found is None:
            found = context.babel_translations = super().get_translations()
        return found


@pass_context
def page_gettext(context: Context, string: str) -> str:
    translations = context.get(KEY)
    if translations is None:
        return babel_gettext(string)
    return str(translations.ugettext(string))


@pass_context
def page_ngettext(context: Context, singular: str, plural: str, num: int) -> str:
    translations = context.get(KEY)
    if translations is None:
        return babel_ngettext(singular, plural, num)
    return str(translations.ungettext(singular, plural, num))


def install(app: Flask) -> None:
    """After Flask-Babel's init_app, which installed its own functions."""
    configuration = app.extensions["babel"]
    configuration.instance.domain_instance = RequestDomain(domain=configuration.default_domain)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        page_gettext, page_ngettext, newstyle=True)

    @app.context_processor
    def _page_translations() -> dict[str, Any]:
        return {KEY: get_translations()}
