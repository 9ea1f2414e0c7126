"""The words for the register's stored values, for pages, forms and exports."""

from flask_babel import lazy_gettext as _l

MEMBERSHIP_LABELS = {
    None: _l("Not a member"),
    "applicant": _l("Applicant"),
    "admitted": _l("Admitted member"),
    "member": _l("Member"),
    "resigned": _l("Resigned"),
}
IMPORT_CHANGE_LABELS = {
    "new_municipality": _l("New municipality"),
    "new_figure": _l("New figure"),
    "changed_figure": _l("Changed figure"),
    "unchanged": _l("Unchanged"),
    "renamed": _l("Renamed"),
}
IMPORT_LAYOUT_LABELS = {
    "registry": _l("The registry's CSV"),
    "scb": _l("SCB, Folkmängd efter region och år"),
    "ssb": _l("SSB, table 07459 (population on 1 January)"),
}
