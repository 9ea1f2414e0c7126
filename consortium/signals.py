"""The signals by which a higher domain contributes to what a lower one shows or decides.

The domains depend one way (members < tools < costs < governance < documents < api, web): a
lower domain never imports a higher one. Where a lower page shows what a higher domain knows,
the lower domain sends a signal and the higher ones answer, as Indico's
`signals.event.sidemenu` does. The receivers live in each domain's `receivers.py`, connected
by that domain's `init_app` (e.g. `consortium.costs.init_app`); nothing connects itself on
import. Rules a lower domain must obey are not signals: see consortium/rules.py.
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace

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

minutes_signed = _signals.signal("minutes-signed", doc="""
Sent by governance when the last signer confirms a meeting's minutes, with the `Meeting` as
sender, inside that transaction. The documents domain renders, seals and keeps the protocol
then (SPEC "Sealed protocols": the signature is made once, when the minutes are signed).""")


sealing_status = _signals.signal("sealing-status", doc="""
Sent by the meeting page (sender None). The documents domain answers (a signing certificate
is configured, what it says: the certificate's subject or what is missing).""")


def answers(signal_results: list[tuple[Any, Any]]) -> list[Any]:
    """The receivers' answers to a `send`, without the Nones of those that had nothing."""
    return [value for _receiver, value in signal_results if value is not None]
