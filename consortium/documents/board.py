"""The notice board (anslagstavla, SPEC "Notice board"): the signed protocols of public
councils, with the day each was posted (the day of justering, in the consortium's time),
the last day to appeal (posted + 21 days: three weeks) and the day it is taken down (the day
after). Read in one statement, whatever the number of protocols."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from consortium import clock, db
from consortium.governance.models import Council, Meeting

APPEAL_DAYS = 21


@dataclass(frozen=True)
class NoticeDates:
    posted: date
    appeal_until: date
    taken_down: date


def notice_dates(locked_at: datetime) -> NoticeDates:
    posted = clock.local(locked_at).date()
    appeal_until = posted + timedelta(days=APPEAL_DAYS)
    return NoticeDates(posted, appeal_until, appeal_until + timedelta(days=1))


@dataclass(frozen=True)
class Posting:
    meeting_id: int
    council: str
    label: str  # the meeting's number, e.g. 2027:1
    held_on: date
    locked_at: datetime
    dates: NoticeDates

    def up_on(self, day: date) -> bool:
        """Still on the board on `day` (before it is taken down)."""
        return day < self.dates.taken_down


def postings() -> list[Posting]:
    """Every signed protocol of a public council, the newest first."""
    rows = db.session.execute(
        select(Meeting.id, Council.name, Meeting.year, Meeting.number, Meeting.held_on,
               Meeting.minutes_locked_at)
        .join(Council, Council.id == Meeting.council_id)
        .where(Council.public.is_(True), Meeting.minutes_locked_at.is_not(None))
        .order_by(Meeting.minutes_locked_at.desc(), Meeting.id.desc()))
    return [Posting(mid, name, f"{year}:{number}", held_on, locked,
                    notice_dates(locked))
            for mid, name, year, number, held_on, locked in rows if locked is not None]


def is_posted(meeting: Meeting) -> bool:
    """The meeting's sealed protocol is public: its minutes are signed and its council is."""
    return meeting.minutes_locked_at is not None and bool(meeting.council.public)
