"""The words for a tool's status, for pages, forms and PDFs."""

from flask_babel import lazy_gettext as _l

TOOL_STATUS_LABELS = {
    "development": _l("In development"),
    "operation": _l("In operation"),
    "retired": _l("Retired"),
}

# The VAT categories of an invoice line (SPEC "Invoicing"), as EN 16931 names them
VAT_LABELS = {"S": _l("S: standard rate, 25 %"), "E": _l("E: exempt from VAT"),
              "O": _l("O: outside the scope of VAT")}
