"""A meeting as a calendar event (iCalendar): the same event, with the same UID, in a user's
calendar feed and in the kallelse's invitation, so a calendar program keeps one entry and
updates it when the meeting is called again or cancelled."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from consortium import clock
from consortium.governance.models import Meeting, MeetingStatus

if TYPE_CHECKING:  # icalendar is imported where a calendar is made, not when the app starts
    from icalendar import Event

LENGTH = timedelta(hours=3)  # a meeting with a time of day is shown as three hours long


def meeting_event(meeting: Meeting, council_name: str, url: str) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", f"meeting-{meeting.id}@consortium-registry")
    event.add("summary", f"{council_name} {meeting.year}:{meeting.number}")
    if meeting.starts_at is not None:
        start = datetime.combine(meeting.held_on, meeting.starts_at, tzinfo=clock.zone())
        event.add("dtstart", start)
        event.add("dtend", start + LENGTH)
    else:
        event.add("dtstart", meeting.held_on)
        event.add("dtend", meeting.held_on + timedelta(days=1))
    event.add("dtstamp", meeting.called_at or meeting.created_at)
    event.add("sequence", max(meeting.calls - 1, 0))
    if meeting.place:
        event.add("location", meeting.place)
    if meeting.status is MeetingStatus.CANCELLED:
        event.add("status", "CANCELLED")
    event.add("url", url)
    return event


def invitation(meeting: Meeting, council_name: str, url: str, agenda: list[str]) -> str:
    """The kallelse as an invitation (METHOD:REQUEST): a calendar program adds it, and
    replaces it when a later call comes with a higher SEQUENCE; a cancelled meeting goes out
    as METHOD:CANCEL, which removes it."""
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", "-//Consortium Registry//sv")
    calendar.add("version", "2.0")
    calendar.add("method", method_of(meeting))
    event = meeting_event(meeting, council_name, url)
    if agenda:
        event.add("description", "\n".join(agenda))
    calendar.add_component(event)
    return calendar.to_ical().decode()


def method_of(meeting: Meeting) -> str:
    return "CANCEL" if meeting.status is MeetingStatus.CANCELLED else "REQUEST"
