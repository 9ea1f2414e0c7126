"""The voting register (röstlängd) of a meeting: every seat of the council on the meeting's
date, who represents it (its own representative present, or the holder of a proxy), and its
weight under each weighting. The office fixes it when the meeting opens; a later change is a
new dated entry with a reason, never an edit. The newest entry of a seat stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from consortium import clock, db
from consortium.audit.service import record
from consortium.auth.models import User
from consortium.errors import Conflict, Invalid, NotFound
from consortium.governance import counting, proxies
from consortium.governance.councils import seats_on
from consortium.governance.models import (
    Attendance,
    AttendanceCapacity,
    Council,
    CouncilKind,
    Meeting,
    Proxy,
    RollEntry,
)
from consortium.governance.weights import cost_share_weights, population_weights
from consortium.members.models import Municipality, swedish_key


@dataclass
class RollLine:
    municipality: Municipality
    represented_by: str
    proxy: Proxy | None
    equal: int
    population: int | None
    cost_share: int | None  # öre
    entered_at: datetime | None = None
    reason: str = ""


def _population(seats: list[Municipality], year: int) -> dict[int, int]:
    """Population weights as a motion opened that day would have them; empty when no year
    has a figure for every seat."""
    try:
        return population_weights(seats, year)[0]
    except counting.CountingError:
        return {}


def _cost_shares(council: Council, year: int) -> dict[int, int]:
    if council.kind is not CouncilKind.TOOL:
        return {}
    return cost_share_weights(council, year) or {}


def compute(meeting: Meeting) -> list[RollLine]:
    """The register as it would be fixed now (from attendance, proxies and weights)."""
    council = db.session.get(Council, meeting.council_id)
    assert council is not None
    seats = sorted(seats_on(council, meeting.held_on), key=lambda m: swedish_key(m.name))
    if not seats:
        return []
    present: dict[int, str] = {}
    for row in db.session.scalars(select(Attendance).where(
            Attendance.meeting_id == meeting.id,
            Attendance.capacity != AttendanceCapacity.OTHER).order_by(Attendance.capacity,
                                                                      Attendance.id)):
        if row.municipality_id is not None and row.municipality_id not in present:
            present[row.municipality_id] = row.person_name  # ordinary before deputy
    valid: dict[int, Proxy] = {}
    for proxy in db.session.scalars(select(Proxy).where(Proxy.council_id == council.id)):
        if (proxy.meeting_id == meeting.id or proxy.meeting_id is None) \
                and proxies.valid_on(proxy, meeting.held_on):
            valid.setdefault(proxy.principal_id, proxy)
    population = _population(seats, meeting.held_on.year)
    cost = _cost_shares(council, meeting.held_on.year)
    lines = []
    for municipality in seats:
        held = None if municipality.id in present else valid.get(municipality.id)
        who = present.get(municipality.id) or (held.holder.display_name if held else "")
        lines.append(RollLine(municipality, who, held, 1, population.get(municipality.id),
                              cost.get(municipality.id) if cost else None))
    return lines


def current(meeting: Meeting) -> list[RollLine]:
    """The fixed register with its later changes (the newest entry per seat), or the
    preliminary one while it is not fixed."""
    if meeting.roll_fixed_at is None:
        return compute(meeting)
    newest: dict[int, RollEntry] = {}
    for entry in db.session.scalars(select(RollEntry).where(RollEntry.meeting_id == meeting.id)
                                    .order_by(RollEntry.entered_at, RollEntry.id)):
        newest[entry.municipality_id] = entry
    lines = [RollLine(e.municipality, e.represented_by, e.proxy, e.weight_equal,
                      e.weight_population, e.weight_cost_share, e.entered_at, e.reason)
             for e in newest.values()]
    return sorted(lines, key=lambda line: swedish_key(line.municipality.name))


def changes(meeting: Meeting) -> list[RollEntry]:
    """The dated entries made after the register was fixed."""
    return list(db.session.scalars(select(RollEntry).where(
        RollEntry.meeting_id == meeting.id, RollEntry.reason != "")
        .order_by(RollEntry.entered_at, RollEntry.id)))


def fix(meeting: Meeting, *, actor: User | None = None) -> list[RollLine]:
    """Fix the register as it stands now; it is fixed once."""
    locked = db.session.scalar(select(Meeting).where(Meeting.id == meeting.id)
                               .with_for_update())
    assert locked is not None
    if locked.roll_fixed_at is not None:
        raise Conflict(_("The voting register was fixed on %(when)s; change a seat's entry "
                         "instead.", when=locked.roll_fixed_at.isoformat(timespec="minutes")))
    lines = compute(locked)
    if not lines:
        raise Invalid(_("The council has no seats on %(date)s.",
                        date=locked.held_on.isoformat()), {})
    now = clock.now()
    for line in lines:
        db.session.add(RollEntry(
            meeting_id=locked.id, municipality_id=line.municipality.id,
            represented_by=line.represented_by, proxy_id=line.proxy.id if line.proxy else None,
            weight_equal=line.equal, weight_population=line.population,
            weight_cost_share=line.cost_share, entered_at=now,
            entered_by_id=actor.id if actor else None))
    locked.roll_fixed_at = now
    record("meeting.roll_fix", "meeting", locked.id, after={
        "seats": {line.municipality.code: line.represented_by for line in lines}}, actor=actor)
    return current(locked)


def change(meeting: Meeting, code: str, represented_by: str, reason: str, *,
           actor: User | None = None) -> RollEntry:
    """A dated change of one seat's entry (someone arrives, leaves, or a proxy takes over)."""
    if meeting.roll_fixed_at is None:
        raise Conflict(_("Fix the voting register first; until then it follows the attendance "
                         "and the proxies."))
    reason = (reason or "").strip()
    represented_by = (represented_by or "").strip()
    errors = {}
    if not reason or len(reason) > 300:
        errors["reason"] = _("Give the reason for the change (at most 300 characters).")
    if len(represented_by) > 150:
        errors["represented_by"] = _("At most 150 characters.")
    if errors:
        raise Invalid(_("The change could not be entered."), errors)
    lines = {line.municipality.code: line for line in current(meeting)}
    if code not in lines:
        raise NotFound(_("%(code)s has no seat in the voting register.", code=code))
    line = lines[code]
    entry = RollEntry(meeting_id=meeting.id, municipality_id=line.municipality.id,
                      represented_by=represented_by, proxy_id=None,
                      weight_equal=line.equal, weight_population=line.population,
                      weight_cost_share=line.cost_share, reason=reason, entered_at=clock.now(),
                      entered_by_id=actor.id if actor else None)
    db.session.add(entry)
    db.session.flush()
    record("meeting.roll_change", "meeting", meeting.id, after={
        "municipality": code, "represented_by": represented_by, "reason": reason},
        before={"represented_by": line.represented_by}, actor=actor)
    return entry
