"""The words for stored values (statuses, choices), in one place for pages, forms and PDFs."""

from flask_babel import lazy_gettext as _l

MEMBERSHIP_LABELS = {
    None: _l("Not a member"),
    "applicant": _l("Applicant"),
    "member": _l("Member"),
    "resigned": _l("Resigned"),
}
TOOL_STATUS_LABELS = {
    "development": _l("In development"),
    "operation": _l("In operation"),
    "retired": _l("Retired"),
}
MEETING_STATUS_LABELS = {
    "planned": _l("Planned"),
    "held": _l("Held"),
    "minutes_signed": _l("Minutes signed"),
}
MOTION_STATUS_LABELS = {"draft": _l("Draft"), "open": _l("Open for voting"),
                        "closed": _l("Closed")}
CHOICE_LABELS = {"yes": _l("Yes"), "no": _l("No"), "abstain": _l("Abstain")}
IMPORT_CHANGE_LABELS = {
    "new_municipality": _l("New municipality"),
    "new_figure": _l("New figure"),
    "changed_figure": _l("Changed figure"),
    "unchanged": _l("Unchanged"),
}
