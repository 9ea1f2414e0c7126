"""Translations found once per request and once per page (consortium/frame/translating.py)
follow the locale: the page's language, a language forced for a document or an e-mail in
the middle of a request, and back."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale, gettext, lazy_gettext, ngettext

TEMPLATE = "{{ _('Municipalities') }} · {{ ngettext('%(num)d municipality', " \
           "'%(num)d municipalities', 3) }}"


def test_texts_follow_the_locale_through_a_forced_one_and_back(app):
    with app.test_request_context("/", headers={"Accept-Language": "sv"}):
        lazy = lazy_gettext("Municipalities")
        assert gettext("Municipalities") == "Kommuner" and str(lazy) == "Kommuner"
        assert render_template_string(TEMPLATE) == "Kommuner · 3 kommuner"
        with force_locale("en"):
            assert gettext("Municipalities") == "Municipalities" == str(lazy)
            assert ngettext("%(num)d municipality", "%(num)d municipalities", 1) \
                == "1 municipality"
            assert render_template_string(TEMPLATE) == "Municipalities · 3 municipalities"
        assert gettext("Municipalities") == "Kommuner"
        assert render_template_string(TEMPLATE) == "Kommuner · 3 kommuner"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert gettext("Municipalities") == "Municipalities"


def test_each_request_is_in_the_language_of_its_reader(client_as):
    client = client_as("admin")
    for language, heading in (("sv", "Kommuner"), ("en", "Municipalities"), ("sv", "Kommuner")):
        page = client.get("/municipalities/", headers={"Accept-Language": language})
        assert f"<h1>{heading}</h1>" in page.get_data(as_text=True)
