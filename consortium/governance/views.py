"""Web pages of governance: councils and their seats, meetings and their minutes. The pages of
motions and voting are in motion_views.py, on the same blueprint."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from consortium import clock, db
from consortium.auth.access import acting_user, admin_only, readers, require_user
from consortium.auth.models import Role
from consortium.errors import DomainError
from consortium.frame import stamps
from consortium.frame.confirm import confirmation
from consortium.frame.documents import kept_hash
from consortium.frame.exports import csv_response, kronor
from consortium.frame.fields import code_for
from consortium.frame.forms import choices, flash_form_errors, show_domain_error
from consortium.governance import councils, meetings, roll
from consortium.governance.forms import (
    ActionForm,
    AttendanceForm,
    CancelMeetingForm,
    CouncilForm,
    ItemForm,
    MeetingChangeForm,
    MeetingForm,
    OfficerForm,
    PublicForm,
    RollChangeForm,
    SeatsForm,
)
from consortium.governance.labels import (
    CAPACITY_LABELS,
    CHOICE_LABELS,
    KIND_LABELS,
    MAJORITY_LABELS,
    OFFICER_LABELS,
    OUTCOME_LABELS,
    POLL_KIND_LABELS,
    TIE_BREAK_LABELS,
    WEIGHTING_LABELS,
)
from consortium.governance.models import (
    Council,
    CouncilKind,
    Meeting,
    Motion,
    MotionResult,
)
from consortium.governance.records import meeting_record
from consortium.tools.models import Tool

bp = Blueprint("governance", __name__)

LABELS = {"kind": KIND_LABELS, "weighting": WEIGHTING_LABELS, "majority": MAJORITY_LABELS,
          "choice": CHOICE_LABELS, "outcome": OUTCOME_LABELS, "capacity": CAPACITY_LABELS,
          "officer": OFFICER_LABELS, "tie_break": TIE_BREAK_LABELS,
          "poll_kind": POLL_KIND_LABELS}


def or_404(function: Any, *args: Any) -> Any:
    try:
        return function(*args)
    except DomainError:
        abort(404)


def is_admin() -> bool:
    user = acting_user()
    return user is not None and user.role is Role.ADMIN


@bp.route("/councils/", methods=["GET", "POST"], endpoint="councils")
@readers
def council_list() -> Any:
    form = CouncilForm()
    form.tool.choices = choices([("", "—")] + [(t.slug, t.name) for t in db.session.scalars(
        select(Tool).order_by(Tool.name))])
    if request.method == "POST":
        if not is_admin():
            abort(403)
        if form.validate_on_submit():
            try:
                council = councils.create_council(
                    {"kind": form.kind.data, "name": form.name.data,
                     "tool": form.tool.data or None, "chair": form.chair.data or None,
                     "proxy_limit": form.proxy_limit.data or 1},
                    actor=acting_user())
            except DomainError as error:
                show_domain_error(form, error)
            else:
                flash(_("%(name)s was created.", name=council.name), "success")
                return redirect(url_for("governance.council", council_id=council.id))
    rows = list(db.session.scalars(select(Council).options(
        selectinload(Council.tool), selectinload(Council.chair_municipality))
        .order_by(Council.kind, Council.name)))
    return render_template("governance/councils.html", councils=rows, form=form,
                           labels=LABELS, is_admin=is_admin()), 422 if form.errors else 200


SHOWN_SEATS, SHOWN_MEETINGS, SHOWN_MOTIONS = 40, 20, 30
SEATS: stamps.Memo[tuple[list[tuple[str, str]], int]] = stamps.Memo()


@bp.route("/councils/<int:council_id>")
@readers
def council(council_id: int) -> Any:
    found: Council = or_404(councils.get_council, council_id)
    # The newest meetings and motions and the first seats; a council's page does not grow
    # with its history or with the consortium (`?all=1` lists everything).
    # Plain rows of what the lists show, not loaded meetings and motions.
    everything = request.args.get("all") == "1"
    council_meetings = db.session.execute(
        select(Meeting.id, Meeting.year, Meeting.number, Meeting.held_on, Meeting.place,
               Meeting.status, func.count().over().label("total"))
        .where(Meeting.council_id == found.id)
        .order_by(Meeting.held_on.desc()).limit(None if everything else SHOWN_MEETINGS)).all()
    council_motions = db.session.execute(
        select(Motion.id, Motion.title, Motion.secret, Motion.kind, Motion.status,
               Motion.closes_at, Motion.closed_at, MotionResult.outcome,
               func.count().over().label("total"))
        .outerjoin(MotionResult, MotionResult.motion_id == Motion.id)
        .where(Motion.council_id == found.id).order_by(Motion.created_at.desc())
        .limit(None if everything else SHOWN_MOTIONS)).all()
    meeting_form = MeetingForm(formdata=None)
    board = found.kind is CouncilKind.BOARD
    today, shown = clock.today(), None if everything or board else SHOWN_SEATS
    # An assembly's seats are the members, a tool council's the members taking part: kept
    # under the stamps of those tables (frame/stamps.py); a board's listed seats are read.
    stamp = None
    if found.kind is CouncilKind.ASSEMBLY:
        stamp = stamps.current(stamps.MEMBERS)
    elif found.kind is CouncilKind.TOOL:
        stamp = stamps.current(stamps.MEMBERS, stamps.PARTICIPATION)
    seats, seat_count = SEATS.get(stamp, (found.id, found.kind, found.tool_id, today, shown),
                                  lambda: councils.seat_names(found, today, shown))
    seats_form = SeatsForm(formdata=None, seats="\n".join(name for _code, name in seats)) \
        if board else None
    return render_template(
        "governance/council.html", council=found,
        meetings=council_meetings,
        meeting_count=council_meetings[0].total if council_meetings else 0,
        # (the motion, its result where it has one): both read as the same row
        motions=[(motion, motion if motion.outcome is not None else None)
                 for motion in council_motions],
        motion_count=council_motions[0].total if council_motions else 0,
        seats=seats, seat_count=seat_count, labels=LABELS, is_admin=is_admin(),
        meeting_form=meeting_form, seats_form=seats_form, public_form=PublicForm(formdata=None))


@bp.route("/councils/<int:council_id>/public", methods=["POST"])
@admin_only
def council_public(council_id: int) -> Any:
    found = or_404(councils.get_council, council_id)
    form = PublicForm()
    if form.validate_on_submit():
        councils.set_public(found, bool(form.public.data), actor=require_user())
        flash(_("Its signed protocols are posted on the public notice board.") if found.public
              else _("The council's protocols are no longer on the notice board."), "success")
    return redirect(url_for("governance.council", council_id=council_id))


@bp.route("/councils/<int:council_id>/seats", methods=["POST"])
@admin_only
def council_seats(council_id: int) -> Any:
    found = or_404(councils.get_council, council_id)
    form = SeatsForm()
    if form.validate_on_submit():
        # One municipality per line (or separated by commas), by name or kommunkod
        typed = [part.strip() for line in (form.seats.data or "").splitlines()
                 for part in line.replace(";", ",").split(",") if part.strip()]
        unknown = [text for text in typed if code_for(text) is None]
        if unknown:
            flash(_("No municipality is called %(names)s; write each seat's name or kommunkod "
                    "on a line of its own.", names=", ".join(f"“{t}”" for t in unknown)),
                  "error")
            return redirect(url_for("governance.council", council_id=council_id))
        codes = [code for text in typed if (code := code_for(text)) is not None]
        try:
            councils.set_board_seats(found, codes, actor=require_user())
        except DomainError as error:
            show_domain_error(None, error)
        else:
            flash(_("The seats were saved."), "success")
    return redirect(url_for("governance.council", council_id=council_id))


@bp.route("/councils/<int:council_id>/meetings", methods=["POST"])
@admin_only
def create_meeting(council_id: int) -> Any:
    found = or_404(councils.get_council, council_id)
    form = MeetingForm()
    if not form.validate_on_submit():
        flash(_("Give the date of the meeting."), "error")
        return redirect(url_for("governance.council", council_id=council_id))
    try:
        meeting = meetings.create_meeting(found, form.held_on.data, form.place.data or "",
                                         form.chair.data or None,
                                         starts_at=form.starts_at.data, actor=acting_user())
    except DomainError as error:
        show_domain_error(None, error)
        return redirect(url_for("governance.council", council_id=council_id))
    flash(_("Meeting %(number)s was planned.", number=f"{meeting.year}:{meeting.number}"),
          "success")
    return redirect(url_for("governance.meeting", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>")
@readers
def meeting(meeting_id: int) -> Any:
    found: Meeting = or_404(meetings.get_meeting, meeting_id)
    record = meeting_record(found)
    user = require_user()
    can_sign = (found.minutes_locked_at is None and found.status.value == "held"
                and any(s.officer.user_id == user.id and s.signed_at is None
                        for s in record.signatures))
    return render_template(
        "governance/meeting.html", meeting=found, council=found.council, record=record,
        can_sign=can_sign, is_admin=is_admin(), labels=LABELS,
        locked=found.minutes_locked_at is not None
        or any(s.signed_at for s in record.signatures),
        attendance_form=AttendanceForm(formdata=None), officer_form=OfficerForm(formdata=None),
        item_form=ItemForm(formdata=None), action_form=ActionForm(formdata=None),
        kept_hash=kept_hash("protocol", str(found.id)),
        roll_lines=roll.current(found), roll_changes=roll.changes(found),
        roll_form=RollChangeForm(formdata=None), sealing=_sealing() if is_admin() else None,
        change_form=MeetingChangeForm(formdata=None, held_on=found.held_on,
                                      starts_at=found.starts_at, place=found.place),
        cancel_form=CancelMeetingForm(formdata=None))


def _sealing() -> tuple[bool, str]:
    """Whether signed protocols will be sealed (the documents domain answers; nobody
    answering means they will not be)."""
    from consortium.signals import answers, sealing_status

    found = answers(sealing_status.send(None))
    return found[0] if found else (False, _("No documents domain seals protocols."))


@bp.route("/meetings/<int:meeting_id>/change", methods=["POST"])
@admin_only
def meeting_change(meeting_id: int) -> Any:
    form = MeetingChangeForm()
    return _meeting_action(meeting_id, form, lambda m: meetings.change_meeting(
        m, {"date": form.held_on.data, "time": form.starts_at.data, "place": form.place.data},
        actor=acting_user()), _("The meeting is changed; if it was called, the called have "
                                "been sent the update."))


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@admin_only
def meeting_cancel(meeting_id: int) -> Any:
    form = CancelMeetingForm()
    return _meeting_action(meeting_id, form, lambda m: meetings.cancel_meeting(
        m, form.reason.data or "", actor=acting_user()),
        _("The meeting is cancelled; the called have been told."))


@bp.route("/meetings/<int:meeting_id>/call", methods=["POST"])
@admin_only
def meeting_call(meeting_id: int) -> Any:
    return _meeting_action(meeting_id, ActionForm(),
                           lambda m: meetings.call_meeting(m, actor=acting_user()),
                           _("The kallelse was sent to the council's representatives."))


@bp.route("/meetings/<int:meeting_id>/roll/fix", methods=["POST"])
@admin_only
def meeting_roll_fix(meeting_id: int) -> Any:
    return _meeting_action(meeting_id, ActionForm(), lambda m: roll.fix(m, actor=acting_user()),
                           _("The voting register is fixed."))


@bp.route("/meetings/<int:meeting_id>/roll/change", methods=["POST"])
@admin_only
def meeting_roll_change(meeting_id: int) -> Any:
    form = RollChangeForm()
    return _meeting_action(meeting_id, form, lambda m: roll.change(
        m, form.municipality.data or "", form.represented_by.data or "", form.reason.data or "",
        actor=acting_user()), _("The change of the voting register was entered."))


@bp.route("/meetings/<int:meeting_id>/roll.csv")
@readers
def meeting_roll_csv(meeting_id: int) -> Any:
    found: Meeting = or_404(meetings.get_meeting, meeting_id)
    header = [_("Kommunkod"), _("Municipality"), _("Represented by"), _("By proxy"),
              _("Fullmakt"), _("Equal"), _("Population"), _("Cost share (SEK)"),
              _("Entered"), _("Reason")]
    rows = [[line.municipality.code, line.municipality.name, line.represented_by,
             _("yes") if line.proxy else _("no"), line.proxy.reference if line.proxy else "",
             line.equal, line.population, kronor(line.cost_share),
             line.entered_at.isoformat(timespec="minutes") if line.entered_at else "",
             line.reason] for line in roll.current(found)]
    return csv_response(f"rostlangd-{found.council_id}-{found.year}-{found.number}.csv",
                        header, rows)


def _meeting_action(meeting_id: int, form: Any, action: Any, success: str) -> Any:
    found = or_404(meetings.get_meeting, meeting_id)
    if form is not None and not form.validate_on_submit():
        flash_form_errors(form)
    else:
        try:
            action(found)
        except DomainError as error:
            show_domain_error(None, error)
        else:
            flash(success, "success")
    return redirect(url_for("governance.meeting", meeting_id=meeting_id))


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["POST"])
@admin_only
def meeting_attendance(meeting_id: int) -> Any:
    form = AttendanceForm()
    return _meeting_action(meeting_id, form, lambda m: meetings.add_attendance(
        m, form.person.data or "", form.capacity.data or "", form.municipality.data or None,
        actor=acting_user()), _("Saved."))


@bp.route("/meetings/<int:meeting_id>/officers", methods=["POST"])
@admin_only
def meeting_officer(meeting_id: int) -> Any:
    form = OfficerForm()
    return _meeting_action(meeting_id, form, lambda m: meetings.set_officer(
        m, form.role.data or "", form.position.data or 1, form.person.data or "",
        form.user.data or None, actor=acting_user()), _("Saved."))


@bp.route("/meetings/<int:meeting_id>/items", methods=["POST"])
@admin_only
def meeting_item(meeting_id: int) -> Any:
    form = ItemForm()
    return _meeting_action(meeting_id, form, lambda m: meetings.add_item(
        m, form.title.data or "", diary_number=form.diary_number.data,
        summary=form.summary.data or "", decision=form.decision.data or "",
        basis=form.basis.data or "", proposals=form.proposals.data or "",
        sent_to=form.sent_to.data or "",
        adjusted_at_once=bool(form.adjusted_at_once.data), actor=acting_user()),
        _("The paragraph was added."))


@bp.route("/meetings/<int:meeting_id>/held", methods=["POST"])
@admin_only
def meeting_held(meeting_id: int) -> Any:
    return _meeting_action(meeting_id, ActionForm(), lambda m: meetings.set_meeting_status(
        m, "held", actor=acting_user()), _("The meeting is marked as held."))


@bp.route("/meetings/<int:meeting_id>/sign", methods=["POST"])
@readers
def meeting_sign(meeting_id: int) -> Any:
    found: Meeting = or_404(meetings.get_meeting, meeting_id)
    asked = confirmation(
        _("Sign the minutes"),
        _("Sign the minutes of %(council)s %(number)s (%(date)s)?", council=found.council.name,
          number=f"{found.year}:{found.number}", date=found.held_on.isoformat()),
        _("Sign the minutes"), url_for("governance.meeting", meeting_id=meeting_id),
        warning=_("A signature cannot be withdrawn. When every signer has signed, the minutes "
                  "are locked and kept as they are."))
    if asked is not None:
        return asked
    return _meeting_action(meeting_id, ActionForm(), lambda m: meetings.sign_minutes(
        m, require_user()), _("Your signature was recorded."))


# The routes of motions and proxies join bp
