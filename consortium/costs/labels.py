"""The words for the allocation keys, for pages, forms and PDFs."""

from flask_babel import lazy_gettext as _l

KEY_LABELS = {
    "equal": _l("Equal shares"),
    "per_capita": _l("Per inhabitant"),
    "base_plus_per_capita": _l("Base share plus per inhabitant"),
    "tiered": _l("Population bands"),
    "usage": _l("By usage"),
}
