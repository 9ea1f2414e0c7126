"""The words for governance's stored values, in one place for pages, forms and PDFs."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

MEETING_STATUS_LABELS = {
    "planned": _l("Planned"),
    "held": _l("Held"),
    "minutes_signed": _l("Minutes signed"),
    "cancelled": _l("Cancelled"),
}
MOTION_STATUS_LABELS = {"draft": _l("Draft"), "open": _l("Open for voting"),
                        "closing": _l("Closing: the votes are being counted"),
                        "closed": _l("Closed")}
CHOICE_LABELS = {"yes": _l("Yes"), "no": _l("No"), "abstain": _l("Abstain")}
KIND_LABELS = {"assembly": _l("Föreningsstämma (general meeting)"),
               "board": _l("Styrelse (board)"), "tool": _l("Förvaltningsråd (tool council)")}
WEIGHTING_LABELS = {"equal": _l("One vote per seat"), "population": _l("By population"),
                    "cost_share": _l("By cost share (tool councils)")}
MAJORITY_LABELS = {"simple": _l("Simple majority"), "absolute": _l("Absolute majority"),
                   "two_thirds": _l("Two thirds"), "unanimous": _l("Unanimous")}
OUTCOME_LABELS = {"adopted": lazy_pgettext("outcome", "Adopted"),
                  "rejected": lazy_pgettext("outcome", "Rejected"),
                  "no_quorum": _l("No quorum")}
CAPACITY_LABELS = {"ordinary": _l("Ordinary member"), "deputy": _l("Deputy"),
                   "other": _l("Also present")}
TIE_BREAK_LABELS = {"rejected": _l("Rejected"),
                    "chair": _l("The chair's municipality decides"),
                    "lot": _l("By lot (between proposals)")}
EFFECT_LABELS = {"": _l("— none —"), "admit_member": _l("Admit a member"),
                 "end_membership": _l("End a membership"),
                 "adopt_budget": _l("Adopt a tool's draft budget"),
                 "adopt_fees": _l("Adopt the membership fees")}
POLL_KIND_LABELS = {"motion": _l("Yes or no"), "proposals": _l("Proposal and counter-proposals"),
                    "election": _l("Election")}
OFFICER_LABELS = {"chair": _l("Chair"), "secretary": _l("Secretary"),
                  "adjuster": _l("Adjuster (justerare)")}
