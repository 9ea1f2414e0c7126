"""The signals by which a higher domain contributes to what a lower one shows or decides.

The domains depend one way (members < tools < costs < governance < documents < api, web): a
lower domain never imports a higher one. Where a lower page shows what a higher domain knows,
the lower domain sends a signal and the higher ones answer, as Indico's
`signals.event.sidemenu` does. The receivers live in each domain's `receivers.py`, connected
when the application is made (`consortium.web.app.register_receivers`).
"""

from __future__ import annotations

from blinker import Namespace

from consortium.errors import Conflict

_signals = Namespace()

municipality_sections = _signals.signal("municipality-sections", doc="""
Sent by the municipality page with the `Municipality` as sender. A receiver returns a
`consortium.frame.sections.PageSection` (or None) to show on that page.""")

municipality_in_use = _signals.signal("municipality-in-use", doc="""
Sent before a municipality is deleted, with the municipality's id as sender. A receiver
returns a list of SQL `EXISTS` clauses that are true when its domain refers to the
municipality; the municipality is kept when any of them holds.""")

register_columns = _signals.signal("register-columns", doc="""
Sent when the municipality register is queried, with the day it describes as sender. A
receiver returns a `consortium.members.queries.RegisterColumn`: a correlated SQL expression
per municipality, shown, sortable and exported as one more column.""")

kept_document = _signals.signal("kept-document", doc="""
Sent by a record's page with the document's kind (`"protocol"`, `"result"`, `"allocation"`,
`"statement"`) as sender and its `key`. The documents domain answers with the SHA-256 of the
copy it keeps, or None.""")

kept_documents_rehash = _signals.signal("kept-documents-rehash", doc="""
Sent by `flask --app app audit verify` (sender None). The documents domain re-hashes every
kept document and answers (number checked, [names of those whose content no longer matches
the SHA-256 kept with them]).""")

decision_exists = _signals.signal("decision-exists", doc="""
Sent when a budget is adopted with a reference to a council's decision, with the motion's id
as sender. The governance domain answers True when that decision exists.""")


def answers(signal_results: list[tuple[object, object]]) -> list[object]:
    """The receivers' answers to a `send`, without the Nones of those that had nothing."""
    return [value for _receiver, value in signal_results if value is not None]


change_refused = _signals.signal("change-refused", doc="""
Sent before a lower domain changes a figure that may feed a closed year, with the kind of
change as sender: `"population"` (`year`), `"usage"` (`year`), `"participation"` (`start`,
`end`) or `"membership"` (`on`). The cost-sharing domain answers with the reason the change
is refused (a closed year's figures never change), or None.""")


def refuse_change(kind: str, **details: object) -> None:
    """Raise a 409 with the first reason a higher domain gives against the change."""
    reasons = answers(change_refused.send(kind, **details))
    if reasons:
        raise Conflict(str(reasons[0]))


figures_changed = _signals.signal("figures-changed", doc="""
Sent after a lower domain changed a figure that derived figures are made of, inside the same
transaction (after the flush, before the commit), with the kind of change as sender:
`"population"` (`year`, `municipality_ids`), `"usage"` (`tool_id`, `year`),
`"participation"` (`tool_id`, `start`, `end`) or `"membership"` (`since`, a date). The
cost-sharing domain recomputes exactly the draft allocations and fee lines the change touches,
so that pages read stored figures and never compute a year.""")


def changed(kind: str, **details: object) -> None:
    figures_changed.send(kind, **details)
