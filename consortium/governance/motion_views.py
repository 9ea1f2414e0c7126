"""Web pages of motions (beslutsförslag): creating, opening and closing, the result, reservations,
and the voting page a representative uses from a phone."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from consortium import clock, db
from consortium.auth.access import acting_user, admin_only, readers, roles
from consortium.auth.models import Role
from consortium.errors import DomainError
from consortium.frame.confirm import confirmation
from consortium.frame.documents import kept_hash
from consortium.frame.forms import choices, flash_form_errors, show_domain_error
from consortium.governance import councils, disqualification, effects, motions, polls, results
from consortium.governance.forms import (
    ActionForm,
    DisqualifyForm,
    ElectionVoteForm,
    MotionForm,
    ProposalVoteForm,
    ReservationForm,
    VoteForm,
)
from consortium.governance.models import (
    AgendaItem,
    Ballot,
    Meeting,
    Motion,
    MotionStatus,
    PollKind,
    Proxy,
)
from consortium.governance.opening import Opening, opening_of
from consortium.governance.poll_models import BallotMark, PollOption
from consortium.governance.records import motion_record
from consortium.governance.views import LABELS, bp, is_admin, or_404
from consortium.members.models import Municipality
from consortium.tools.models import Tool


@bp.route("/councils/<int:council_id>/motions", methods=["POST"])
@admin_only
def create_motion(council_id: int) -> Any:
    found = or_404(councils.get_council, council_id)
    form = MotionForm()
    form.meeting.choices = meeting_ids(found)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("governance.new_motion", council_id=council_id))
    data = {"title": form.title.data, "text": form.text.data or "",
            "meeting_id": int(form.meeting.data) if form.meeting.data else None,
            "paragraph": form.paragraph.data if form.meeting.data else None,
            "weighting": form.weighting.data, "majority": form.majority.data,
            "quorum_percent": form.quorum_percent.data, "tie_break": form.tie_break.data,
            "secret": bool(form.secret.data),
            # typed in the consortium's time; the service refuses what no clock can hold
            "closes_at": form.closes_at.data.replace(tzinfo=clock.zone())
            if form.closes_at.data else None, "effect": form.effect_data()}
    counter = [line.strip() for line in (form.counter_proposals.data or "").splitlines()
               if line.strip()]
    if counter:
        data["proposals"] = [data["text"].strip(), *counter]
        data["tie_break"] = form.tie_break.data if form.tie_break.data != "rejected" else "lot"
    try:
        motion = motions.create_motion(found, data, actor=acting_user())
    except DomainError as error:
        show_domain_error(None, error)
        return redirect(url_for("governance.new_motion", council_id=council_id))
    flash(_("The motion was created as a draft. Open it when the vote starts."), "success")
    return redirect(url_for("governance.motion", motion_id=motion.id))


def meeting_choices(council: Any) -> list[Any]:
    """The meetings a new poll may belong to (those whose minutes are not signed), labelled."""
    return choices([("", _("— per capsulam —"))] + [
        (str(m.id), f"{m.held_on.isoformat()} ({m.year}:{m.number})")
        for m in db.session.scalars(select(Meeting).where(
            Meeting.council_id == council.id, Meeting.minutes_locked_at.is_(None))
            .order_by(Meeting.held_on.desc()))])


@bp.route("/councils/<int:council_id>/motions/new")
@admin_only
def new_motion(council_id: int) -> Any:
    """The form of a new motion (a page of its own: the council's page stays light)."""
    found = or_404(councils.get_council, council_id)
    form = MotionForm(formdata=None)
    form.meeting.choices = meeting_choices(found)
    form.effect_tool.choices = choices([("", "")] + [(t.slug, t.name) for t in db.session.scalars(
        select(Tool).order_by(Tool.name))])
    return render_template("governance/new_motion.html", council=found, motion_form=form)


def meeting_ids(council: Any) -> list[Any]:
    """The meetings a poll of the council may belong to, as a form's choices."""
    return choices([("", "")] + [(str(m.id), "") for m in db.session.scalars(
        select(Meeting).where(Meeting.council_id == council.id))])


@bp.route("/motions/<int:motion_id>")
@readers
def motion(motion_id: int) -> Any:
    found: Motion = or_404(motions.get_motion, motion_id)
    record = motion_record(found)
    user = acting_user()
    if found.status is MotionStatus.DRAFT:
        count, ballots = None, 0
    elif found.secret:
        count, _choices, ballots = results.current_count(found)
    else:  # from the seats the record has read: their weights and choices
        count, _choices, ballots = results.count_of_seats(record.seats)
    item = db.session.get(AgendaItem, found.agenda_item_id) if found.agenda_item_id else None
    own = user.municipality if user is not None and user.role is Role.REPRESENTATIVE else None
    own_seat = record.seat_of(own.id) if own is not None else None
    voted = own is not None and own_seat is not None and motions.has_voted(found, own)
    my_seats = [(seat, proxy, seat_voted) for m, seat, proxy, seat_voted
                in (motions.votable_seats(user) if user is not None else []) if m.id == found.id]
    return render_template(
        "governance/motion.html", motion=found, council=found.council, item=item,
        result=record.result, seats=record.seats, count=count, ballots=ballots, labels=LABELS,
        is_admin=is_admin(), own=own, own_seat=own_seat, voted=voted, my_seats=my_seats,
        reservations=record.reservations, action_form=ActionForm(formdata=None),
        disqualified=record.disqualified, disqualify_form=DisqualifyForm(formdata=None),
        reservation_form=ReservationForm(formdata=None),
        may_reserve=own is not None and record.may_reserve(own.id),
        kept_hash=kept_hash("result", str(found.id)) if record.result is not None else None,
        opening=opening_of(found) if is_admin() else None, record=record,
        effect_text=effects.describe(found.effect))


@bp.route("/motions/<int:motion_id>/disqualified", methods=["POST"])
@admin_only
def motion_disqualify(motion_id: int) -> Any:
    found: Motion = or_404(motions.get_motion, motion_id)
    form = DisqualifyForm()
    if form.validate_on_submit():
        try:
            disqualification.disqualify(found, form.municipality.data or "",
                                        form.reason.data or "", actor=acting_user())
        except DomainError as error:
            show_domain_error(None, error)
        else:
            flash(_("The seat is disqualified from this vote."), "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
    return redirect(url_for("governance.motion", motion_id=motion_id) + "#disqualified")


@bp.route("/motions/<int:motion_id>/disqualified/<code>/remove", methods=["POST"])
@admin_only
def motion_requalify(motion_id: int, code: str) -> Any:
    found: Motion = or_404(motions.get_motion, motion_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        disqualification.requalify(found, code, actor=acting_user())
    except DomainError as error:
        show_domain_error(None, error)
    return redirect(url_for("governance.motion", motion_id=motion_id) + "#disqualified")


@bp.route("/motions/<int:motion_id>/open", methods=["POST"])
@admin_only
def motion_open(motion_id: int) -> Any:
    found = or_404(motions.get_motion, motion_id)
    if ActionForm().validate_on_submit():
        opening = opening_of(found)
        if opening is not None and opening.old:
            asked = confirmation(
                _("Open the vote"), _("Open the vote on %(title)s?", title=found.title),
                _("Open the vote"), url_for("governance.motion", motion_id=motion_id),
                details=_held_back(opening),
                warning=_("The seats will be weighed by the population on 31 December "
                          "%(year)s, more than two years before today.",
                          year=opening.population_year))
            if asked is not None:
                return asked
        try:
            motions.open_motion(found, actor=acting_user())
        except DomainError as error:
            show_domain_error(None, error)
        else:
            flash(_("The vote is open."), "success")
            if opening is not None:
                flash(" ".join([_("Weighed by the population on 31 December %(year)s.",
                                  year=opening.population_year), *_held_back(opening)]),
                      "info")
    return redirect(url_for("governance.motion", motion_id=motion_id))


def _held_back(opening: Opening) -> list[str]:
    if not opening.held_back_by:
        return []
    return [_("No later figure for: %(names)s.",
              names=", ".join(m.name for m in opening.held_back_by))]


@bp.route("/motions/<int:motion_id>/close", methods=["POST"])
@admin_only
def motion_close(motion_id: int) -> Any:
    found: Motion = or_404(motions.get_motion, motion_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if found.status is not MotionStatus.OPEN:
        flash(_("Only an open motion can be closed."), "error")
    else:
        seats = results.seat_rows(found)
        voted = {b.municipality_id for b in db.session.scalars(select(Ballot).where(
            Ballot.motion_id == found.id))}
        missing = [m.name for m, _w, _c in seats if m.id not in voted]
        asked = confirmation(
            _("Close the vote"),
            _("Close the vote on %(title)s and count it now?", title=found.title),
            _("Close and count"), url_for("governance.motion", motion_id=motion_id),
            warning=ngettext("%(num)d of %(seats)d seats has not voted; its ballot can no "
                             "longer be cast.",
                             "%(num)d of %(seats)d seats have not voted; their ballots can no "
                             "longer be cast.", len(missing), seats=len(seats))
            if missing else _("Every seat has voted."),
            details=missing)
        if asked is not None:
            return asked
        try:
            results.close_motion(motion_id, actor=acting_user())
        except DomainError as error:
            show_domain_error(None, error)
        else:
            flash(_("The vote is closed and counted."), "success")
    return redirect(url_for("governance.motion", motion_id=motion_id))


@bp.route("/motions/<int:motion_id>/reservations", methods=["POST"])
@roles(Role.REPRESENTATIVE)
def motion_reservation(motion_id: int) -> Any:
    found = or_404(motions.get_motion, motion_id)
    form = ReservationForm()
    user = acting_user()
    if form.validate_on_submit() and user is not None and user.municipality is not None:
        try:
            results.register_reservation(found, user.municipality.code, form.text.data or "",
                                         user)
        except DomainError as error:
            show_domain_error(None, error)
        else:
            flash(_("The reservation was registered."), "success")
    return redirect(url_for("governance.motion", motion_id=motion_id))


def _seat_code(code: str | None) -> str | None:
    user = acting_user()
    if code:
        return code
    return user.municipality.code if user is not None and user.municipality else None


@bp.route("/motions/<int:motion_id>/vote", methods=["GET", "POST"])
@bp.route("/motions/<int:motion_id>/vote/<code>", methods=["GET", "POST"])
@roles(Role.REPRESENTATIVE)
def vote(motion_id: int, code: str | None = None) -> Any:
    """The voting page of one seat: the own municipality's, or one held by proxy. Once the
    seat has voted, it sends to the ballot's page (Post/Redirect/Get): reloading or going back
    never shows an error."""
    found: Motion = or_404(motions.get_motion, motion_id)
    user = acting_user()
    assert user is not None
    code = _seat_code(code)
    municipality = db.session.scalar(select(Municipality).where(Municipality.code == code)) \
        if code else None
    form, options = _ballot_form(found)
    problem = None
    proxy = None
    if municipality is None:
        problem = _("Your account belongs to no municipality.") if not code else \
            _("No municipality has the code %(code)s.", code=code)
    else:
        allowed, proxy = motions.may_cast_for(user, municipality, found)
        if not allowed:
            problem = _("You may not cast the ballot of %(name)s in this vote.",
                        name=municipality.name)
        elif motions.has_voted(found, municipality):
            if request.method == "POST":
                flash(_("%(name)s has already voted; a ballot is final.",
                        name=municipality.name), "info")
            return redirect(url_for("governance.ballot", motion_id=found.id,
                                    code=municipality.code), 303)
        elif found.status is not MotionStatus.OPEN or motions.is_due(found):
            problem = _("The motion is not open for voting.")
        elif not any(m.id == municipality.id for m, _w, _c in results.seat_rows(found)):
            reason = disqualification.reason_of(found, municipality)
            problem = _("%(name)s is disqualified from this vote: %(reason)s",
                        name=municipality.name, reason=reason) if reason is not None else \
                _("%(name)s has no seat in this vote.", name=municipality.name)
    if problem is None and form.validate_on_submit():
        assert municipality is not None
        try:
            shown = _cast(found, municipality, form, options, user)
        except DomainError as error:
            db.rollback()
            problem = error.message
        else:
            flash(_("Your ballot is cast."), "success")
            if found.secret:
                # The choice of a secret ballot is shown in this answer only: never stored,
                # not even in the session cookie (SPEC); reloading shows the receipt alone.
                cast = motions.ballot_of(found, municipality)
                assert cast is not None
                return _receipt(found, municipality, cast, shown)
            return redirect(url_for("governance.ballot", motion_id=found.id,
                                    code=municipality.code), 303)
    status = 409 if problem and request.method == "POST" else (422 if form.errors else 200)
    if problem and municipality is not None and not motions.may_cast_for(
            user, municipality, found)[0]:
        status = 403
    return render_template("governance/vote.html", motion=found, council=found.council,
                           municipality=municipality, form=form, problem=problem,
                           proxy=proxy, labels=LABELS,
                           effect_text=effects.describe(found.effect)), status


def _ballot_form(motion: Motion) -> tuple[Any, list[tuple[Any, str]]]:
    """The ballot of the poll's kind: yes/no/abstain, one proposal or abstain, or at most n
    candidates (the service checks the count and names what is wrong)."""
    if motion.kind is PollKind.YES_NO:
        return VoteForm(), []
    options = polls.options_of(motion)
    if motion.kind is PollKind.PROPOSALS:
        proposal_form = ProposalVoteForm()
        proposal_form.choice.choices = choices(
            [(str(o.number), f"{o.number}. {o.text}") for o, _label in options]
            + [("abstain", _("Abstain"))])
        return proposal_form, options
    election_form = ElectionVoteForm()
    election_form.candidates.choices = choices(
        [(label, f"{o.text} ({label})" if o.municipality_id else o.text)
         for o, label in options])
    return election_form, options


def _cast(motion: Motion, municipality: Municipality, form: Any,
          options: list[tuple[Any, str]], user: Any) -> str:
    """Cast the form's ballot; what it chose, in words (shown once for a secret ballot)."""
    if motion.kind is PollKind.YES_NO:
        motions.cast_ballot(motion.id, municipality.code, form.choice.data or "", user)
        return str(LABELS["choice"][form.choice.data])
    if motion.kind is PollKind.PROPOSALS:
        chosen = form.choice.data
        number = int(chosen) if chosen and chosen.isdigit() else None
        motions.cast_ballot(motion.id, municipality.code, "abstain" if number is None else None,
                            user, proposal=number)
        return _("Abstain") if number is None else _("Proposal %(number)s", number=number)
    marked = list(form.candidates.data or [])
    motions.cast_ballot(motion.id, municipality.code, None, user, candidates=marked)
    names = {label: o.text for o, label in options}
    return ", ".join(names[label] for label in marked) or _("Blank ballot")


@bp.route("/motions/<int:motion_id>/ballots/<code>")
@roles(Role.REPRESENTATIVE)
def ballot(motion_id: int, code: str) -> Any:
    """A seat's ballot and receipt, for whoever may cast it or cast it."""
    found: Motion = or_404(motions.get_motion, motion_id)
    user = acting_user()
    assert user is not None
    municipality = db.session.scalar(select(Municipality).where(Municipality.code == code))
    if municipality is None:
        abort(404)
    cast = motions.ballot_of(found, municipality)
    if not (motions.may_cast_for(user, municipality, found)[0]
            or (cast is not None and cast.cast_by_id == user.id)):
        abort(403)
    if cast is None:
        return redirect(url_for("governance.vote", motion_id=found.id, code=code))
    return _receipt(found, municipality, cast, _shown_choice(found, cast))


def _shown_choice(motion: Motion, cast: Ballot) -> str | None:
    """An open ballot's choice in words (a secret ballot's is never shown again)."""
    if motion.secret:
        return None
    if motion.kind is PollKind.YES_NO:
        return str(LABELS["choice"][cast.choice.value]) if cast.choice is not None else None
    marks = [text for (text,) in db.session.execute(
        select(PollOption.text).join(BallotMark, BallotMark.option_id == PollOption.id)
        .where(BallotMark.ballot_id == cast.id).order_by(PollOption.number))]
    if marks:
        return ", ".join(marks)
    return _("Blank ballot") if motion.kind is PollKind.ELECTION else _("Abstain")


def _receipt(motion: Motion, municipality: Municipality, cast: Ballot,
             choice: str | None) -> Any:
    proxy = db.session.get(Proxy, cast.proxy_id) if cast.proxy_id else None
    return render_template("governance/receipt.html", motion=motion, municipality=municipality,
                           ballot=cast, choice=choice, proxy=proxy,
                           receipt=motions.receipt_of(cast), labels=LABELS)
