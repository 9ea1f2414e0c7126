"""Proxies (fullmakter): a representative acts for another municipality in one council, for
one meeting or for a period. At most one proxy per (principal, council) is valid on any day;
a holder holds at most the council's `proxy_limit` at once. A proxy is revoked with a date,
never deleted; ballots already cast stand.
Each operation is one transaction that checks the rules and writes the audit log."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from consortium import clock, db
from consortium.audit.service import record
from consortium.auth.models import Role, User
from consortium.errors import Conflict, Invalid, NotFound
from consortium.governance.councils import seats_on
from consortium.governance.models import AgendaItem, Council, Meeting, Motion, Proxy
from consortium.members.models import Municipality


def last_day(proxy: Proxy) -> date:
    """The last day the proxy is valid (the day before its revocation, at the latest)."""
    if proxy.revoked_on is not None:
        return min(proxy.valid_until, proxy.revoked_on - timedelta(days=1))
    return proxy.valid_until


def valid_on(proxy: Proxy, day: date) -> bool:
    return proxy.valid_from <= day <= last_day(proxy)


def get_proxy(proxy_id: int) -> Proxy:
    proxy = db.session.get(Proxy, proxy_id)
    if proxy is None:
        raise NotFound(_("No proxy has the number %(id)s.", id=proxy_id))
    return proxy


def _parse_day(value: Any, field: str, errors: dict[str, str]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[field] = _("A date as YYYY-MM-DD.")
        return None


def create_proxy(council: Council, data: dict[str, Any], *, actor: User | None = None) -> Proxy:
    """Register a fullmakt. 422 for bad input, 409 when it would overlap another proxy of the
    principal or take the holder over the council's limit."""
    errors: dict[str, str] = {}
    code = (data.get("principal") or "").strip()
    principal = db.session.scalar(select(Municipality).where(Municipality.code == code)) \
        if code else None
    if principal is None:
        errors["principal"] = _("Choose the municipality that gives the proxy.")
    email = (data.get("holder") or "").strip().lower()
    holder = db.session.scalar(select(User).where(func.lower(User.email) == email)) \
        if email else None
    if holder is None or holder.role is not Role.REPRESENTATIVE:
        errors["holder"] = _("The holder must be a user with the role representative.")
    elif principal is not None and holder.municipality_id == principal.id:
        errors["holder"] = _("%(user)s already represents %(name)s and needs no proxy.",
                             user=holder.email, name=principal.name)
    meeting = None
    valid_from = _parse_day(data.get("valid_from"), "valid_from", errors)
    valid_until = _parse_day(data.get("valid_until"), "valid_until", errors)
    if data.get("meeting_id") not in (None, ""):
        meeting = db.session.get(Meeting, int(data["meeting_id"]))
        if meeting is None or meeting.council_id != council.id:
            errors["meeting_id"] = _("The meeting must be one of this council's.")
        elif valid_from or valid_until:
            errors["valid_from"] = _("A proxy is for one meeting or for a period, not both.")
        else:
            valid_from = valid_until = meeting.held_on
    elif "valid_from" not in errors and "valid_until" not in errors:
        if valid_from is None:
            errors["valid_from"] = _("Give the meeting, or the first day of the period.")
        if valid_until is None:
            errors["valid_until"] = _("Give the last day of the period.")
        elif valid_from is not None and valid_until < valid_from:
            errors["valid_until"] = _("The last day cannot come before the first.")
    reference = (data.get("reference") or "").strip()
    if len(reference) > 200:
        errors["reference"] = _("At most 200 characters.")
    if errors:
        raise Invalid(_("The proxy could not be registered."), errors)
    assert principal is not None and holder is not None
    assert valid_from is not None and valid_until is not None
    if principal.id not in {m.id for m in seats_on(council, valid_from)}:
        message = _("%(name)s holds no seat in %(council)s on %(date)s.", name=principal.name,
                    council=council.name, date=valid_from.isoformat())
        raise Invalid(message, {"principal": message})
    # Serialise proxy registrations of the council: the checks below read, then write.
    db.session.execute(select(Council.id).where(Council.id == council.id).with_for_update())
    others = list(db.session.scalars(select(Proxy).where(
        Proxy.council_id == council.id, Proxy.valid_from <= valid_until,
        Proxy.valid_until >= valid_from,
        or_(Proxy.principal_id == principal.id, Proxy.holder_id == holder.id))))
    for other in others:
        if other.principal_id == principal.id and \
                other.valid_from <= valid_until and last_day(other) >= valid_from:
            raise Conflict(_("%(name)s already has a proxy in this council from %(start)s to "
                             "%(end)s (%(reference)s); revoke it first.", name=principal.name,
                             start=other.valid_from.isoformat(),
                             end=last_day(other).isoformat(),
                             reference=other.reference or f"#{other.id}"))
    held = [(o.valid_from, last_day(o)) for o in others
            if o.holder_id == holder.id and o.principal_id != principal.id]
    # The most proxies the holder holds on one day of the new period: the count only rises
    # on a first day, so those days (and the new period's first) are the ones to check.
    starts = {valid_from} | {start for start, _end in held if valid_from <= start <= valid_until}
    most = max(sum(1 for start, end in held if start <= day <= end) for day in starts)
    if most >= council.proxy_limit:
        raise Conflict(_("%(user)s already holds %(count)s proxies in this council in that "
                         "period; the limit is %(limit)s.", user=holder.email, count=most,
                         limit=council.proxy_limit))
    proxy = Proxy(council_id=council.id, principal_id=principal.id, holder_id=holder.id,
                  meeting_id=meeting.id if meeting else None, valid_from=valid_from,
                  valid_until=valid_until, reference=reference,
                  created_by_id=actor.id if actor else None)
    db.session.add(proxy)
    db.session.flush()
    record("proxy.create", "council", council.id, after=proxy_snapshot(proxy), actor=actor)
    return proxy


def proxy_snapshot(proxy: Proxy) -> dict[str, Any]:
    return {"id": proxy.id, "principal": proxy.principal.code, "holder": proxy.holder.email,
            "meeting_id": proxy.meeting_id, "valid_from": proxy.valid_from,
            "valid_until": proxy.valid_until, "reference": proxy.reference,
            "revoked_on": proxy.revoked_on}


def revoke_proxy(proxy: Proxy, on: date | None = None, *, actor: User | None = None) -> Proxy:
    """From `on` (default today) the proxy no longer counts; ballots cast before stand."""
    if proxy.revoked_on is not None:
        raise Conflict(_("The proxy was already revoked on %(date)s.",
                         date=proxy.revoked_on.isoformat()))
    proxy.revoked_on = on or clock.today()
    proxy.revoked_by_id = actor.id if actor else None
    record("proxy.revoke", "council", proxy.council_id,
           after={"id": proxy.id, "revoked_on": proxy.revoked_on}, actor=actor)
    return proxy


def proxies_of(council: Council) -> list[Proxy]:
    return list(db.session.scalars(
        select(Proxy).where(Proxy.council_id == council.id)
        .options(selectinload(Proxy.principal), selectinload(Proxy.holder),
                 selectinload(Proxy.meeting))
        .order_by(Proxy.valid_from.desc(), Proxy.id.desc())))


def meeting_of(motion: Motion) -> int | None:
    if motion.agenda_item_id is None:
        return None
    return db.session.scalar(select(AgendaItem.meeting_id).where(
        AgendaItem.id == motion.agenda_item_id))


def proxy_for(user: User, motion: Motion, principal_id: int, day: date | None = None
              ) -> Proxy | None:
    """The proxy that lets `user` cast the ballot of `principal_id` in `motion` on `day`:
    one for the motion's meeting, or one whose period covers the day."""
    if user.role is not Role.REPRESENTATIVE:
        return None
    day = day or clock.today()
    meeting_id = meeting_of(motion)
    for proxy in db.session.scalars(select(Proxy).where(
            Proxy.council_id == motion.council_id, Proxy.holder_id == user.id,
            Proxy.principal_id == principal_id)):
        if applies(proxy, meeting_id, day):
            return proxy
    return None


def applies(proxy: Proxy, meeting_id: int | None, day: date) -> bool:
    """A proxy of the poll's council and seat lets its holder cast that ballot on `day`: one
    for the poll's meeting (not revoked by then), or one whose period covers the day."""
    if proxy.meeting_id is not None:
        return proxy.meeting_id == meeting_id and (proxy.revoked_on is None
                                                   or proxy.revoked_on > day)
    return valid_on(proxy, day)


def held_by(user: User, day: date | None = None) -> list[Proxy]:
    """The proxies the user holds that are valid on `day` or later (for the home page)."""
    day = day or clock.today()
    found = db.session.scalars(select(Proxy).where(
        Proxy.holder_id == user.id, Proxy.valid_until >= day)
        .options(selectinload(Proxy.principal), selectinload(Proxy.council),
                 selectinload(Proxy.meeting))
        .order_by(Proxy.valid_from))
    return [proxy for proxy in found if last_day(proxy) >= day]
