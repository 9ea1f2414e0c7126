"""Meetings and their minutes: numbering, attendance, officers, paragraphs, and the
signing of the minutes (justering) by the chair and the adjusters.
Each operation is one transaction that checks the rules and writes the audit log."""

from __future__ import annotations

import hashlib
import json
from datetime import date, time
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from consortium import clock, db
from consortium.audit.service import record
from consortium.auth.models import Role, User
from consortium.errors import Conflict, Forbidden, Invalid, NotFound
from consortium.governance.councils import municipality_by_code, seats_on
from consortium.governance.models import (
    AgendaItem,
    Attendance,
    AttendanceCapacity,
    Council,
    Meeting,
    MeetingOfficer,
    MeetingSignature,
    MeetingStatus,
    Motion,
    MotionStatus,
    OfficerRole,
    Proxy,
)
from consortium.governance.records import meeting_record
from consortium.signals import minutes_signed

OPENING_ITEMS = ("Mötets öppnande", "Val av justerare", "Godkännande av dagordning")


def get_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_("No meeting has the number %(id)s.", id=meeting_id))
    return meeting


def create_meeting(council: Council, held_on: date | None, place: str,
                   chair_code: str | None = None, *, starts_at: time | None = None,
                   actor: User | None = None, actor_label: str | None = None) -> Meeting:
    if held_on is None:
        raise Invalid(_("Give the date of the meeting."), {"date": _("Required.")})
    chair = municipality_by_code(chair_code, "chair")
    number = (db.session.scalar(select(func.max(Meeting.number)).where(
        Meeting.council_id == council.id, Meeting.year == held_on.year)) or 0) + 1
    meeting = Meeting(council_id=council.id, year=held_on.year, number=number,
                      held_on=held_on, starts_at=starts_at,
                      place=(place or "").strip()[:200],
                      chair_municipality_id=chair.id if chair else None)
    db.session.add(meeting)
    db.session.flush()
    for index, title in enumerate(OPENING_ITEMS, start=1):
        db.session.add(AgendaItem(meeting_id=meeting.id, number=index, title=title))
    record("meeting.create", "meeting", meeting.id,
           after={"council": council.name, "number": f"{held_on.year}:{number}",
                  "date": held_on, "time": starts_at.isoformat(timespec="minutes")
                  if starts_at else None, "place": meeting.place},
           actor=actor, actor_label=actor_label)
    return meeting


def call_meeting(meeting: Meeting, *, actor: User | None = None) -> int:
    """Send the kallelse: date, time, place and agenda to the representatives of the seats the
    council has on the meeting's day and to the holders of proxies for the meeting, with the
    meeting as a calendar invitation. Called again (the agenda or the place changed), it is
    sent again as an update of the same calendar event. Returns how many were told."""
    if meeting.status is not MeetingStatus.PLANNED:
        raise Conflict(_("A meeting is called before it is held."))
    told = _send_kallelse(meeting)
    record("meeting.call", "meeting", meeting.id,
           after={"call": meeting.calls, "told": told}, actor=actor)
    db.session.flush()
    return told


def _send_kallelse(meeting: Meeting, reason: str = "") -> int:
    """The kallelse, an update of it, or (a cancelled meeting) its cancellation, each with
    the calendar event one SEQUENCE further, to everyone the meeting calls."""
    from consortium.db import app_config
    from consortium.governance import calendar
    from consortium.notices.service import notify

    council = db.session.get(Council, meeting.council_id)
    assert council is not None
    seat_ids = [m.id for m in seats_on(council, meeting.held_on)]
    users = list(db.session.scalars(select(User).where(
        User.role == Role.REPRESENTATIVE, User.active.is_(True),
        User.municipality_id.in_(seat_ids)))) if seat_ids else []
    users += list(db.session.scalars(select(User).join(Proxy, Proxy.holder_id == User.id).where(
        Proxy.meeting_id == meeting.id, Proxy.revoked_on.is_(None), User.active.is_(True))))
    meeting.calls += 1
    meeting.called_at = clock.now()
    items = list(db.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.number)))
    agenda = [f"§ {item.number} {item.title}" for item in items]
    link = f"/meetings/{meeting.id}"
    invitation = calendar.invitation(meeting, council.name, app_config()["BASE_URL"] + link,
                                     agenda)
    told = notify({user.id: user for user in users}.values(), "meeting_called", {
        "council": council.name, "number": f"{meeting.year}:{meeting.number}",
        "date": meeting.held_on.isoformat(),
        "time": meeting.starts_at.isoformat(timespec="minutes") if meeting.starts_at else None,
        "place": meeting.place, "agenda": agenda, "update": meeting.calls > 1,
        "cancelled": meeting.status is MeetingStatus.CANCELLED, "reason": reason,
        "calendar": invitation}, link, once=f"meeting{meeting.id}:call{meeting.calls}")
    return len(told)


def change_meeting(meeting: Meeting, data: dict[str, Any], *,
                   actor: User | None = None) -> Meeting:
    """A planned meeting's date (in its year: the number stays), time of day, place or chair.
    A meeting already called is called again at once, as an update of the calendar event."""
    if meeting.status is not MeetingStatus.PLANNED:
        raise Conflict(_("Only a planned meeting can be changed."))
    before = _when_and_where(meeting)
    errors: dict[str, str] = {}
    if "date" in data:
        held_on = data["date"]
        if held_on is None:
            errors["date"] = _("Required.")
        elif held_on.year != meeting.year:
            errors["date"] = _("A meeting keeps its year and number (%(label)s); plan a new "
                               "meeting for another year.",
                               label=f"{meeting.year}:{meeting.number}")
        else:
            meeting.held_on = held_on
    if errors:
        raise Invalid(next(iter(errors.values())), errors)
    if "time" in data:
        meeting.starts_at = data["time"]
    if "place" in data:
        meeting.place = (data["place"] or "").strip()[:200]
    if "chair" in data:
        chair = municipality_by_code(data["chair"], "chair")
        meeting.chair_municipality_id = chair.id if chair else None
    after = _when_and_where(meeting)
    if after == before:
        return meeting
    told = _send_kallelse(meeting) if meeting.calls > 0 else 0
    record("meeting.change", "meeting", meeting.id, before=before,
           after={**after, **({"told": told} if told else {})}, actor=actor)
    db.session.flush()
    return meeting


def cancel_meeting(meeting: Meeting, reason: str, *, actor: User | None = None) -> int:
    """Cancel (ställa in) a planned meeting on which no vote has opened; everyone called is
    told, and the calendar event is cancelled. Returns how many were told."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why the meeting is cancelled."), {"reason": _("Required.")})
    if meeting.status is not MeetingStatus.PLANNED:
        raise Conflict(_("Only a planned meeting can be cancelled."))
    if db.session.scalar(select(exists().where(
            Motion.agenda_item_id == AgendaItem.id, AgendaItem.meeting_id == meeting.id,
            Motion.status != MotionStatus.DRAFT))):
        raise Conflict(_("A vote of this meeting has opened; the meeting cannot be cancelled."))
    meeting.status = MeetingStatus.CANCELLED
    told = _send_kallelse(meeting, reason) if meeting.calls > 0 else 0
    record("meeting.cancel", "meeting", meeting.id, before={"status": "planned"},
           after={"status": "cancelled", "told": told}, note=reason, actor=actor)
    db.session.flush()
    return told


def _when_and_where(meeting: Meeting) -> dict[str, Any]:
    return {"date": meeting.held_on.isoformat(),
            "time": meeting.starts_at.isoformat(timespec="minutes") if meeting.starts_at
            else None, "place": meeting.place, "chair": meeting.chair_municipality_id}


def _editable(meeting: Meeting) -> None:
    if meeting.minutes_locked_at is not None or db.session.scalar(
            select(exists().where(MeetingSignature.meeting_id == meeting.id))):
        raise Conflict(_("The minutes are being signed or are signed; the meeting can no "
                         "longer be changed."))


def set_meeting_status(meeting: Meeting, status: str, *, actor: User | None = None) -> None:
    if status not in (MeetingStatus.PLANNED.value, MeetingStatus.HELD.value):
        raise Invalid(_("A meeting is planned or held; the minutes are signed by signing."),
                      {"status": _("Unknown status.")})
    _editable(meeting)
    if meeting.status is MeetingStatus.CANCELLED:
        raise Conflict(_("The meeting is cancelled."))
    if status == MeetingStatus.HELD.value and clock.today() < meeting.held_on:
        message = _("The meeting is on %(date)s; it can be marked held on or after that day.",
                    date=meeting.held_on.isoformat())
        raise Conflict(message, {"status": message})
    before = meeting.status.value
    meeting.status = MeetingStatus(status)
    record("meeting.status", "meeting", meeting.id, before={"status": before},
           after={"status": status}, actor=actor)
    if meeting.status is MeetingStatus.HELD:
        from consortium.governance.notices import minutes_to_sign

        minutes_to_sign(meeting)


def add_attendance(meeting: Meeting, person: str, capacity: str, code: str | None, *,
                   actor: User | None = None, actor_label: str | None = None) -> Attendance:
    _editable(meeting)
    if not person or not person.strip():
        raise Invalid(_("Give the person's name."), {"person": _("Required.")})
    try:
        kind = AttendanceCapacity(capacity)
    except ValueError:
        raise Invalid(_("Unknown capacity."), {"capacity": _("Unknown.")}) from None
    municipality = municipality_by_code(code, "municipality")
    if kind is not AttendanceCapacity.OTHER and municipality is None:
        raise Invalid(_("An ordinary member or deputy represents a municipality."),
                      {"municipality": _("Required.")})
    row = Attendance(meeting_id=meeting.id, person_name=person.strip()[:150], capacity=kind,
                     municipality_id=municipality.id if municipality else None)
    db.session.add(row)
    record("meeting.attendance", "meeting", meeting.id,
           after={"person": row.person_name, "capacity": kind.value,
                  "municipality": code or None}, actor=actor, actor_label=actor_label)
    return row


def set_officer(meeting: Meeting, role: str, position: int, person: str,
                user_email: str | None = None, *, actor: User | None = None,
                actor_label: str | None = None) -> MeetingOfficer:
    _editable(meeting)
    try:
        officer_role = OfficerRole(role)
    except ValueError:
        raise Invalid(_("Unknown role."), {"role": _("Unknown.")}) from None
    if position not in (1, 2) or (position == 2 and officer_role is not OfficerRole.ADJUSTER):
        raise Invalid(_("Only the adjusters are two."), {"position": _("Must be 1.")})
    if not person or not person.strip():
        raise Invalid(_("Give the person's name."), {"person": _("Required.")})
    user = None
    if user_email:
        user = db.session.scalar(select(User).where(User.email == user_email.strip().lower()))
        if user is None:
            raise Invalid(_("No user has the e-mail %(email)s.", email=user_email),
                          {"user": _("Unknown user.")})
    officer = db.session.scalar(select(MeetingOfficer).where(
        MeetingOfficer.meeting_id == meeting.id, MeetingOfficer.role == officer_role,
        MeetingOfficer.position == position))
    if officer is None:
        officer = MeetingOfficer(meeting_id=meeting.id, role=officer_role, position=position,
                                 person_name="")
        db.session.add(officer)
    officer.person_name = person.strip()[:150]
    officer.user_id = user.id if user else None
    record("meeting.officer", "meeting", meeting.id,
           after={"role": officer_role.value, "position": position,
                  "person": officer.person_name, "user": user.email if user else None},
           actor=actor, actor_label=actor_label)
    return officer


def add_item(meeting: Meeting, title: str, *, diary_number: str | None = None,
             summary: str = "", decision: str = "", basis: str = "", proposals: str = "",
             sent_to: str = "", adjusted_at_once: bool = False,
             actor: User | None = None, actor_label: str | None = None) -> AgendaItem:
    _editable(meeting)
    if not title or not title.strip():
        raise Invalid(_("Give the paragraph a title."), {"title": _("Required.")})
    number = (db.session.scalar(select(func.max(AgendaItem.number)).where(
        AgendaItem.meeting_id == meeting.id)) or 0) + 1
    item = AgendaItem(meeting_id=meeting.id, number=number, title=title.strip()[:300],
                      diary_number=(diary_number or "").strip()[:50] or None,
                      summary=summary.strip(), decision=decision.strip(),
                      basis=basis.strip(), proposals=proposals.strip(),
                      sent_to=sent_to.strip(), adjusted_at_once=adjusted_at_once)
    db.session.add(item)
    record("meeting.item", "meeting", meeting.id, after={"paragraph": number,
                                                         "title": item.title},
           actor=actor, actor_label=actor_label)
    return item


def minutes_content(meeting: Meeting) -> dict[str, Any]:
    """What the justerare confirm: the meeting's record (records.py), as the protocol
    prints it."""
    return meeting_record(meeting).signed_content()


def minutes_hash(meeting: Meeting) -> str:
    canonical = json.dumps(minutes_content(meeting), sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


SIGN_ORDER = {OfficerRole.CHAIR: 0, OfficerRole.SECRETARY: 1, OfficerRole.ADJUSTER: 2}


def _signs(officer: MeetingOfficer) -> bool:
    """The chair and each adjuster sign; the secretary too when the secretary is one of the
    registry's users (a secretary named only by name has a line on paper, no confirmation)."""
    return officer.role in (OfficerRole.CHAIR, OfficerRole.ADJUSTER) or (
        officer.role is OfficerRole.SECRETARY and officer.user_id is not None)


def signers(meeting: Meeting) -> list[tuple[MeetingOfficer, MeetingSignature | None]]:
    officers = sorted((o for o in db.session.scalars(select(MeetingOfficer).where(
        MeetingOfficer.meeting_id == meeting.id)) if _signs(o)),
        key=lambda o: (SIGN_ORDER[o.role], o.position))
    signed = {s.officer_id: s for s in db.session.scalars(select(MeetingSignature).where(
        MeetingSignature.meeting_id == meeting.id))}
    return [(officer, signed.get(officer.id)) for officer in officers]


def waiting_for(user: User) -> list[Meeting]:
    """Held meetings whose minutes wait for this user's signature (for the start page)."""
    signed = select(MeetingSignature.officer_id)
    officers = db.session.scalars(select(MeetingOfficer).join(
        Meeting, Meeting.id == MeetingOfficer.meeting_id).where(
        MeetingOfficer.user_id == user.id, Meeting.minutes_locked_at.is_(None),
        Meeting.status == MeetingStatus.HELD, MeetingOfficer.id.not_in(signed))
        .order_by(Meeting.held_on))
    found: dict[int, Meeting] = {}
    for officer in officers:
        if _signs(officer):
            meeting = db.session.get(Meeting, officer.meeting_id)
            if meeting is not None:
                found.setdefault(meeting.id, meeting)
    return list(found.values())


def sign_minutes(meeting: Meeting, user: User) -> MeetingSignature:
    """The chair, the secretary (when a user) and each adjuster confirm the minutes; when all
    have, they are locked.
    Who may sign is checked first: someone who is no signer learns nothing of the state."""
    officers = [o for o in db.session.scalars(select(MeetingOfficer).where(
        MeetingOfficer.meeting_id == meeting.id, MeetingOfficer.user_id == user.id))
        if _signs(o)]
    if not officers:
        raise Forbidden(_("Only the chair, the secretary and the adjusters sign, each once."))
    if meeting.status is MeetingStatus.PLANNED:
        raise Conflict(_("The meeting has not been held yet."))
    if meeting.minutes_locked_at is not None:
        raise Conflict(_("The minutes are already signed."))
    if clock.today() < meeting.held_on:
        raise Conflict(_("The meeting is on %(date)s; its minutes can be signed on or after "
                         "that day.", date=meeting.held_on.isoformat()))
    pending = signers(meeting)
    if not any(o.role is OfficerRole.ADJUSTER for o, _s in pending) or \
            not any(o.role is OfficerRole.CHAIR for o, _s in pending):
        raise Conflict(_("Name the chair and at least one adjuster before signing."))
    mine = [o for o, s in pending if o.user_id == user.id and s is None]
    if not mine:
        raise Forbidden(_("Only the chair, the secretary and the adjusters sign, each once."))
    open_motions = db.session.scalar(select(exists().where(
        Motion.agenda_item_id.in_(select(AgendaItem.id).where(
            AgendaItem.meeting_id == meeting.id)),
        Motion.status == MotionStatus.OPEN)))
    if open_motions:
        raise Conflict(_("Close the meeting's open votes before signing."))
    digest = minutes_hash(meeting)
    earlier = [s for _o, s in pending if s is not None]
    if any(s.content_sha256 != digest for s in earlier):
        raise Conflict(_("The minutes changed after the first signature."))
    signature = MeetingSignature(meeting_id=meeting.id, officer_id=mine[0].id, user_id=user.id,
                                 content_sha256=digest)
    db.session.add(signature)
    db.session.flush()
    record("meeting.sign", "meeting", meeting.id,
           after={"role": mine[0].role.value, "person": mine[0].person_name,
                  "sha256": digest}, actor=user)
    if all(s is not None or o.id == mine[0].id for o, s in pending):
        meeting.status = MeetingStatus.MINUTES_SIGNED
        meeting.minutes_sha256 = digest
        meeting.minutes_locked_at = clock.now()
        record("meeting.minutes_signed", "meeting", meeting.id, after={"sha256": digest},
               actor=user)
        db.session.flush()
        minutes_signed.send(meeting)
    return signature
