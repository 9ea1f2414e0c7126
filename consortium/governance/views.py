"""Web pages of governance: councils, meetings and their minutes, motions and voting."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium import db
from consortium.auth.access import acting_user, admin_only, readers, roles
from consortium.auth.models import Role
from consortium.core.forms import choices, show_domain_error
from consortium.documents.service import kept_hash
from consortium.errors import DomainError
from consortium.governance import service
from consortium.governance.forms import (
    CAPACITY_LABELS,
    CHOICE_LABELS,
    KIND_LABELS,
    MAJORITY_LABELS,
    OFFICER_LABELS,
    OUTCOME_LABELS,
    WEIGHTING_LABELS,
    ActionForm,
    AttendanceForm,
    CouncilForm,
    ItemForm,
    MeetingForm,
    MotionForm,
    OfficerForm,
    ReservationForm,
    SeatsForm,
    VoteForm,
)
from consortium.governance.models import (
    AgendaItem,
    Attendance,
    Council,
    Meeting,
    MeetingOfficer,
    Motion,
    MotionResult,
    MotionStatus,
    Reservation,
)
from consortium.members.models import Municipality
from consortium.tools.models import Tool

bp = Blueprint("governance", __name__)

LABELS = {"kind": KIND_LABELS, "weighting": WEIGHTING_LABELS, "majority": MAJORITY_LABELS,
          "choice": CHOICE_LABELS, "outcome": OUTCOME_LABELS, "capacity": CAPACITY_LABELS,
          "officer": OFFICER_LABELS}


def _municipality_choices(empty: str) -> Any:
    rows = db.session.execute(select(Municipality.code, Municipality.name)
                              .order_by(Municipality.sort_name)).all()
    return choices([("", empty)] + [(code, f"{name} ({code})") for code, name in rows])


def _or_404(function: Any, *args: Any) -> Any:
    try:
        return function(*args)
    except DomainError:
        abort(404)


def _is_admin() -> bool:
    user = acting_user()
    return user is not None and user.role is Role.ADMIN


@bp.route("/councils/", methods=["GET", "POST"])
@readers
def councils() -> Any:
    form = CouncilForm()
    form.tool.choices = choices([("", "—")] + [(t.slug, t.name) for t in db.session.scalars(
        select(Tool).order_by(Tool.name))])
    form.chair.choices = _municipality_choices("—")
    if request.method == "POST":
        if not _is_admin():
            abort(403)
        if form.validate_on_submit():
            try:
                council = service.create_council(
                    {"kind": form.kind.data, "name": form.name.data,
                     "tool": form.tool.data or None, "chair": form.chair.data or None},
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
                           labels=LABELS, is_admin=_is_admin()), 422 if form.errors else 200


@bp.route("/councils/<int:council_id>")
@readers
def council(council_id: int) -> Any:
    found: Council = _or_404(service.get_council, council_id)
    meetings = list(db.session.scalars(select(Meeting).where(Meeting.council_id == found.id)
                                       .order_by(Meeting.held_on.desc())))
    motions = db.session.execute(
        select(Motion, MotionResult).outerjoin(MotionResult, MotionResult.motion_id == Motion.id)
        .where(Motion.council_id == found.id).order_by(Motion.created_at.desc())).all()
    meeting_form = MeetingForm(formdata=None)
    meeting_form.chair.choices = _municipality_choices(_("— the council's chair —"))
    motion_form = MotionForm(formdata=None)
    motion_form.meeting.choices = choices(
        [("", _("— per capsulam —"))] +
        [(str(m.id), f"{m.held_on.isoformat()} ({m.year}:{m.number})") for m in meetings
         if m.minutes_locked_at is None])
    seats_form = SeatsForm(formdata=None, seats=" ".join(
        m.code for m in service.board_seats(found)))
    return render_template(
        "governance/council.html", council=found, meetings=meetings, motions=motions,
        seats=service.seats_on(found, service.today()), labels=LABELS, is_admin=_is_admin(),
        meeting_form=meeting_form, motion_form=motion_form, seats_form=seats_form)


@bp.route("/councils/<int:council_id>/seats", methods=["POST"])
@admin_only
def council_seats(council_id: int) -> Any:
    found = _or_404(service.get_council, council_id)
    form = SeatsForm()
    if form.validate_on_submit():
        codes = [c for c in (form.seats.data or "").replace(",", " ").split() if c]
        try:
            service.set_board_seats(found, codes, actor=acting_user())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("The seats were saved."), "success")
    return redirect(url_for("governance.council", council_id=council_id))


@bp.route("/councils/<int:council_id>/meetings", methods=["POST"])
@admin_only
def create_meeting(council_id: int) -> Any:
    found = _or_404(service.get_council, council_id)
    form = MeetingForm()
    form.chair.choices = _municipality_choices("")
    if not form.validate_on_submit():
        flash(_("Give the date of the meeting."), "error")
        return redirect(url_for("governance.council", council_id=council_id))
    try:
        meeting = service.create_meeting(found, form.held_on.data, form.place.data or "",
                                         form.chair.data or None, actor=acting_user())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("governance.council", council_id=council_id))
    flash(_("Meeting %(number)s was planned.", number=f"{meeting.year}:{meeting.number}"),
          "success")
    return redirect(url_for("governance.meeting", meeting_id=meeting.id))


@bp.route("/councils/<int:council_id>/motions", methods=["POST"])
@admin_only
def create_motion(council_id: int) -> Any:
    found = _or_404(service.get_council, council_id)
    form = MotionForm()
    form.meeting.choices = choices([("", "")] + [(str(m.id), "") for m in db.session.scalars(
        select(Meeting).where(Meeting.council_id == found.id))])
    if not form.validate_on_submit():
        flash(" ".join(f"{form[name].label.text}: {' '.join(errors)}"
                       for name, errors in form.errors.items()), "error")
        return redirect(url_for("governance.council", council_id=council_id))
    data = {"title": form.title.data, "text": form.text.data or "",
            "meeting_id": int(form.meeting.data) if form.meeting.data else None,
            "weighting": form.weighting.data, "majority": form.majority.data,
            "quorum_percent": form.quorum_percent.data, "tie_break": form.tie_break.data,
            "secret": bool(form.secret.data)}
    try:
        motion = service.create_motion(found, data, actor=acting_user())
    except DomainError as error:
        db.session.rollback()
        flash(error.message + " " + " ".join(error.fields.values()), "error")
        return redirect(url_for("governance.council", council_id=council_id))
    flash(_("The motion was created as a draft. Open it when the vote starts."), "success")
    return redirect(url_for("governance.motion", motion_id=motion.id))


@bp.route("/meetings/<int:meeting_id>")
@readers
def meeting(meeting_id: int) -> Any:
    found: Meeting = _or_404(service.get_meeting, meeting_id)
    items = list(db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == found.id)
                                    .order_by(AgendaItem.number)))
    motions = {m.agenda_item_id: (m, r) for m, r in db.session.execute(
        select(Motion, MotionResult).outerjoin(MotionResult, MotionResult.motion_id == Motion.id)
        .where(Motion.agenda_item_id.in_([i.id for i in items])))} if items else {}
    attendance = list(db.session.scalars(select(Attendance).where(
        Attendance.meeting_id == found.id).options(selectinload(Attendance.municipality))
        .order_by(Attendance.capacity, Attendance.person_name)))
    order = {"chair": 0, "secretary": 1, "adjuster": 2}
    officers = sorted(db.session.scalars(select(MeetingOfficer).where(
        MeetingOfficer.meeting_id == found.id)),
        key=lambda o: (order[o.role.value], o.position))
    signers = service.signers(found)
    user = acting_user()
    can_sign = (found.minutes_locked_at is None and found.status.value == "held"
                and any(o.user_id == user.id and s is None for o, s in signers))
    attendance_form = AttendanceForm(formdata=None)
    attendance_form.municipality.choices = _municipality_choices("—")
    reservations = {}
    motion_ids = [m.id for m, _r in motions.values()]
    if motion_ids:
        for reservation in db.session.scalars(select(Reservation).where(
                Reservation.motion_id.in_(motion_ids)).options(
                selectinload(Reservation.municipality))):
            reservations.setdefault(reservation.motion_id, []).append(reservation)
    return render_template(
        "governance/meeting.html", meeting=found, council=found.council, items=items,
        motions=motions, attendance=attendance, officers=officers, signers=signers,
        can_sign=can_sign, is_admin=_is_admin(), labels=LABELS,
        locked=found.minutes_locked_at is not None or any(s for _o, s in signers),
        attendance_form=attendance_form, officer_form=OfficerForm(formdata=None),
        item_form=ItemForm(formdata=None), action_form=ActionForm(formdata=None),
        reservations=reservations, kept_hash=kept_hash("protocol", str(found.id)))


def _meeting_action(meeting_id: int, form: Any, action: Any, success: str) -> Any:
    found = _or_404(service.get_meeting, meeting_id)
    if form is not None and hasattr(form, "municipality"):
        form.municipality.choices = _municipality_choices("")
    if form is not None and not form.validate_on_submit():
        flash(" ".join(f"{form[name].label.text}: {' '.join(errors)}"
                       for name, errors in form.errors.items()), "error")
    else:
        try:
            action(found)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(success, "success")
    return redirect(url_for("governance.meeting", meeting_id=meeting_id))


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["POST"])
@admin_only
def meeting_attendance(meeting_id: int) -> Any:
    form = AttendanceForm()
    return _meeting_action(meeting_id, form, lambda m: service.add_attendance(
        m, form.person.data or "", form.capacity.data or "", form.municipality.data or None,
        actor=acting_user()), _("Saved."))


@bp.route("/meetings/<int:meeting_id>/officers", methods=["POST"])
@admin_only
def meeting_officer(meeting_id: int) -> Any:
    form = OfficerForm()
    return _meeting_action(meeting_id, form, lambda m: service.set_officer(
        m, form.role.data or "", form.position.data or 1, form.person.data or "",
        form.user.data or None, actor=acting_user()), _("Saved."))


@bp.route("/meetings/<int:meeting_id>/items", methods=["POST"])
@admin_only
def meeting_item(meeting_id: int) -> Any:
    form = ItemForm()
    return _meeting_action(meeting_id, form, lambda m: service.add_item(
        m, form.title.data or "", diary_number=form.diary_number.data,
        summary=form.summary.data or "", decision=form.decision.data or "",
        basis=form.basis.data or "", proposals=form.proposals.data or "",
        sent_to=form.sent_to.data or "",
        adjusted_at_once=bool(form.adjusted_at_once.data), actor=acting_user()),
        _("The paragraph was added."))


@bp.route("/meetings/<int:meeting_id>/held", methods=["POST"])
@admin_only
def meeting_held(meeting_id: int) -> Any:
    return _meeting_action(meeting_id, ActionForm(), lambda m: service.set_meeting_status(
        m, "held", actor=acting_user()), _("The meeting is marked as held."))


@bp.route("/meetings/<int:meeting_id>/sign", methods=["POST"])
@readers
def meeting_sign(meeting_id: int) -> Any:
    return _meeting_action(meeting_id, ActionForm(), lambda m: service.sign_minutes(
        m, acting_user()), _("Your signature was recorded."))


@bp.route("/motions/<int:motion_id>")
@readers
def motion(motion_id: int) -> Any:
    found: Motion = _or_404(service.get_motion, motion_id)
    user = acting_user()
    result = service.result_of(found)
    seats = service.seat_rows(found) if found.status is not MotionStatus.DRAFT else []
    count, _choices, ballots = service.current_count(found) \
        if found.status is not MotionStatus.DRAFT else (None, {}, 0)
    item = db.session.get(AgendaItem, found.agenda_item_id) if found.agenda_item_id else None
    own = user.municipality if user is not None and user.role is Role.REPRESENTATIVE else None
    own_seat = next(((m, w, c) for m, w, c in seats if own and m.id == own.id), None)
    reservations = list(db.session.scalars(select(Reservation).where(
        Reservation.motion_id == found.id).options(selectinload(Reservation.municipality))))
    voted = own_seat is not None and service.has_voted(found, own)  # type: ignore[arg-type]
    return render_template(
        "governance/motion.html", motion=found, council=found.council, item=item,
        result=result, seats=seats, count=count, ballots=ballots, labels=LABELS,
        is_admin=_is_admin(), own=own, own_seat=own_seat, voted=voted,
        reservations=reservations, action_form=ActionForm(formdata=None),
        reservation_form=ReservationForm(formdata=None),
        may_reserve=bool(result and result.outcome.value == "adopted" and own_seat
                         and own.id not in {r.municipality_id for r in reservations}),
        kept_hash=kept_hash("result", str(found.id)))


@bp.route("/motions/<int:motion_id>/open", methods=["POST"])
@admin_only
def motion_open(motion_id: int) -> Any:
    found = _or_404(service.get_motion, motion_id)
    if ActionForm().validate_on_submit():
        try:
            service.open_motion(found, actor=acting_user())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("The vote is open."), "success")
    return redirect(url_for("governance.motion", motion_id=motion_id))


@bp.route("/motions/<int:motion_id>/close", methods=["POST"])
@admin_only
def motion_close(motion_id: int) -> Any:
    if ActionForm().validate_on_submit():
        try:
            service.close_motion(motion_id, actor=acting_user())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("The vote is closed and counted."), "success")
    return redirect(url_for("governance.motion", motion_id=motion_id))


@bp.route("/motions/<int:motion_id>/reservations", methods=["POST"])
@roles(Role.REPRESENTATIVE)
def motion_reservation(motion_id: int) -> Any:
    found = _or_404(service.get_motion, motion_id)
    form = ReservationForm()
    user = acting_user()
    if form.validate_on_submit() and user is not None and user.municipality is not None:
        try:
            service.register_reservation(found, user.municipality.code, form.text.data or "",
                                         user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("The reservation was registered."), "success")
    return redirect(url_for("governance.motion", motion_id=motion_id))


@bp.route("/motions/<int:motion_id>/vote", methods=["GET", "POST"])
@roles(Role.REPRESENTATIVE)
def vote(motion_id: int) -> Any:
    found: Motion = _or_404(service.get_motion, motion_id)
    user = acting_user()
    assert user is not None
    municipality = user.municipality
    form = VoteForm()
    problem = None
    if municipality is None:
        problem = _("Your account belongs to no municipality.")
    elif found.status is not MotionStatus.OPEN:
        problem = _("The motion is not open for voting.")
    elif not any(m.id == municipality.id for m, _w, _c in service.seat_rows(found)):
        problem = _("%(name)s has no seat in this vote.", name=municipality.name)
    elif service.has_voted(found, municipality):
        problem = _("%(name)s has already voted; a ballot is final.", name=municipality.name)
    if problem is None and form.validate_on_submit():
        try:
            ballot = service.cast_ballot(found.id, municipality.code,  # type: ignore[union-attr]
                                         form.choice.data or "", user)
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            from consortium.api.governance import receipt_of

            return render_template("governance/receipt.html", motion=found,
                                   municipality=municipality, ballot=ballot,
                                   choice=form.choice.data, receipt=receipt_of(ballot),
                                   labels=LABELS)
    status = 409 if problem and request.method == "POST" else (422 if form.errors else 200)
    return render_template("governance/vote.html", motion=found, council=found.council,
                           municipality=municipality, form=form, problem=problem,
                           labels=LABELS), status
