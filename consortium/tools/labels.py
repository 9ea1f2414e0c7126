"""The words for a tool's status, for pages, forms and PDFs."""

from flask_babel import lazy_gettext as _l

TOOL_STATUS_LABELS = {
    "development": _l("In development"),
    "operation": _l("In operation"),
    "retired": _l("Retired"),
}
