"""The user's own settings: which notices they receive, and their calendar feed
(`/calendar/<token>.ics`, opened by calendar programs without signing in)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from flask import Response, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, SubmitField

from consortium import clock, db
from consortium.audit.service import record
from consortium.auth import service as auth
from consortium.auth.access import acting_user, public, readers
from consortium.auth.forms import ChangePasswordForm, EmptyForm
from consortium.auth.models import Role, User
from consortium.db import app_config
from consortium.governance import councils as council_service
from consortium.governance import motions
from consortium.governance.calendar import meeting_event
from consortium.governance.models import Council, Meeting, Motion, MotionStatus
from consortium.notices import service as notices
from consortium.web.views import bp

if TYPE_CHECKING:  # icalendar is imported where a calendar is made, not when the app starts
    from icalendar import Event

NOTICE_LABELS = {
    "motion_opened": _l("A vote has opened where you may cast a ballot"),
    "motion_reminder": _l("A reminder 24 hours before a vote closes, while your seat has not "
                          "voted"),
    "minutes_to_sign": _l("Minutes wait for your signature (justering)"),
    "meeting_called": _l("A meeting of your council is called (kallelse), with the agenda"),
    "password_reset": _l("A link to set a new password, when you or the office ask for one"),
    "motion_result": _l("Results of votes"),
    "budget_adopted": _l("A budget is adopted (your municipality's share)"),
    "year_closed": _l("A year is closed and your municipality's statement issued"),
    "invoice_issued": _l("An invoice or credit note is issued to your municipality"),
}


class NoticeSettingsForm(FlaskForm):
    motion_result = BooleanField(NOTICE_LABELS["motion_result"])
    budget_adopted = BooleanField(NOTICE_LABELS["budget_adopted"])
    year_closed = BooleanField(NOTICE_LABELS["year_closed"])
    invoice_issued = BooleanField(NOTICE_LABELS["invoice_issued"])
    submit = SubmitField(_l("Save"))


@bp.route("/settings", methods=["GET", "POST"])
@readers
def settings() -> Any:
    user = acting_user()
    assert user is not None
    off = notices.turned_off(user)
    form = NoticeSettingsForm(data={kind: kind not in off for kind in notices.OPTIONAL})
    if form.validate_on_submit():
        notices.set_turned_off(user, [kind for kind in notices.OPTIONAL
                                      if not form[kind].data])
        flash(_("Your settings were saved."), "success")
        return redirect(url_for("web.settings"))
    return _settings_page(user, form, ChangePasswordForm(formdata=None))


def _settings_page(user: User, form: NoticeSettingsForm, password_form: ChangePasswordForm,
                   status: int = 200) -> Any:
    return render_template("web/settings.html", form=form, labels=NOTICE_LABELS,
                           always=[kind for kind, must in notices.KINDS.items() if must],
                           feed=calendar_url(user), calendar_form=EmptyForm(),
                           password_form=password_form), status


@bp.route("/settings/password", methods=["POST"])
@readers
def change_password() -> Any:
    user = acting_user()
    assert user is not None
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not auth.check_password(user, form.current.data or ""):
            form.current.errors = [_("That is not your current password.")]
        else:
            try:
                auth.set_password(user, form.password.data or "", actor=user)
            except auth.AuthError as error:
                db.rollback()
                form.password.errors = [str(error)]
            else:
                # Other sessions of the user end; this one goes on
                session["generation"] = user.session_generation
                flash(_("Your password was changed."), "success")
                return redirect(url_for("web.settings"))
    off = notices.turned_off(user)
    notice_form = NoticeSettingsForm(formdata=None,
                                     data={kind: kind not in off for kind in notices.OPTIONAL})
    return _settings_page(user, notice_form, form, 422)


def calendar_url(user: User) -> str | None:
    if not user.calendar_token:
        return None
    return app_config()["BASE_URL"] + url_for("web.calendar", token=user.calendar_token)


@bp.route("/settings/calendar", methods=["POST"])
@readers
def new_calendar_link() -> Any:
    """Make (or make anew, so that the old link stops working) the user's calendar address."""
    user = acting_user()
    assert user is not None
    if EmptyForm().validate_on_submit():
        renewed = user.calendar_token is not None
        user.calendar_token = secrets.token_urlsafe(32)
        record("user.calendar", "user", user.id, after={"renewed": renewed}, actor=user)
        flash(_("Your calendar has a new address; the old one no longer works.") if renewed
              else _("Your calendar address is ready. Copy it into your calendar program."),
              "success")
    return redirect(url_for("web.settings") + "#calendar")


def councils_of(user: User) -> list[Council]:
    """The councils whose meetings a user sees in the calendar: where the representative's
    municipality has a seat today or they hold a proxy; every council for the other roles."""
    every = list(db.session.scalars(select(Council).order_by(Council.name)))
    if user.role is not Role.REPRESENTATIVE:
        return every
    from consortium.governance.proxies import held_by

    by_proxy = {proxy.council_id for proxy in held_by(user)}
    today = clock.today()
    return [council for council in every if council.id in by_proxy or (
        user.municipality_id is not None
        and user.municipality_id in {m.id for m in council_service.seats_on(council, today)})]


@bp.route("/calendar/<token>.ics")
@public
def calendar(token: str) -> Any:
    user = db.session.scalar(select(User).where(User.calendar_token == token)) \
        if len(token) >= 32 else None
    if user is None or not user.active:
        abort(404)
    from icalendar import Calendar

    base = app_config()["BASE_URL"]
    feed = Calendar()
    feed.add("prodid", "-//Consortium Registry//sv")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", f"{app_config()['CONSORTIUM_NAME']}: {user.display_name}")
    ids = [council.id for council in councils_of(user)]
    names = {council.id: council.name for council in councils_of(user)}
    for meeting in db.session.scalars(select(Meeting).where(Meeting.council_id.in_(ids))
                                      .order_by(Meeting.held_on)) if ids else []:
        feed.add_component(meeting_event(
            meeting, names[meeting.council_id],
            base + url_for("governance.meeting", meeting_id=meeting.id)))
    seen: set[int] = set()
    for motion, seat, _proxy, voted in motions.votable_seats(user):
        if motion.closes_at is None or motion.id in seen:
            continue
        seen.add(motion.id)
        feed.add_component(_closing(motion, seat.name, voted, base))
    if user.role is not Role.REPRESENTATIVE:
        for motion in db.session.scalars(select(Motion).where(
                Motion.status == MotionStatus.OPEN, Motion.closes_at.is_not(None))):
            feed.add_component(_closing(motion, None, False, base))
    return Response(feed.to_ical(), mimetype="text/calendar",
                    headers={"Content-Disposition": "inline; filename=registry.ics",
                             "Cache-Control": "private, max-age=300"})


def _closing(motion: Motion, seat: str | None, voted: bool, base: str) -> Event:
    from icalendar import Event

    event = Event()
    closes = motion.closes_at
    assert closes is not None  # only motions that close by themselves are in the calendar
    event.add("uid", f"motion-{motion.id}-closes@consortium-registry")
    title = _("Vote closes: %(motion)s", motion=motion.title)
    event.add("summary", title + (f" ({seat})" if seat else ""))
    event.add("dtstart", closes - timedelta(minutes=30))
    event.add("dtend", closes)
    event.add("dtstamp", motion.opened_at or closes)
    event.add("description", _("%(seat)s has voted.", seat=seat) if voted and seat else
              _("The vote closes by itself at this moment."))
    event.add("url", base + url_for("governance.motion", motion_id=motion.id))
    return event
