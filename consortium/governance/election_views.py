"""Web pages of elections (val): preparing one on a council's page; it then lives on the
poll's page (/motions/<id>) with its candidates, ballots and result."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from consortium import clock, db
from consortium.auth.access import acting_user, admin_only
from consortium.errors import DomainError
from consortium.frame.forms import choices, flash_form_errors, show_domain_error
from consortium.governance import councils, motions
from consortium.governance.forms import ElectionForm
from consortium.governance.models import Council, CouncilKind
from consortium.governance.motion_views import meeting_choices, meeting_ids
from consortium.governance.views import bp, or_404


@bp.route("/councils/<int:council_id>/elections/new")
@admin_only
def new_election(council_id: int) -> Any:
    """The form of a new election (a page of its own: the council's page stays light)."""
    found = or_404(councils.get_council, council_id)
    form = ElectionForm(formdata=None)
    form.meeting.choices = meeting_choices(found)
    form.board.choices = choices([("", _("— none —"))] + [
        (str(c.id), c.name) for c in db.session.scalars(
            select(Council).where(Council.kind == CouncilKind.BOARD).order_by(Council.name))])
    return render_template("governance/new_election.html", council=found, election_form=form)


@bp.route("/councils/<int:council_id>/elections", methods=["POST"])
@admin_only
def create_election(council_id: int) -> Any:
    found = or_404(councils.get_council, council_id)
    form = ElectionForm()
    form.meeting.choices = meeting_ids(found)
    back = url_for("governance.new_election", council_id=council_id)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(back)
    effect = None
    if form.board.data:
        effect = {"kind": "board_seats", "council": int(form.board.data),
                  "from": form.seats_from.data.isoformat() if form.seats_from.data else None}
    data = {"title": form.title.data, "text": form.text.data or "",
            "meeting_id": int(form.meeting.data) if form.meeting.data else None,
            "paragraph": form.paragraph.data if form.meeting.data else None,
            "positions": form.positions.data, "candidates": form.candidate_list(),
            "weighting": form.weighting.data, "quorum_percent": form.quorum_percent.data,
            "secret": bool(form.secret.data), "effect": effect,
            "closes_at": form.closes_at.data.replace(tzinfo=clock.zone())
            if form.closes_at.data else None}
    try:
        election = motions.create_election(found, data, actor=acting_user())
    except DomainError as error:
        show_domain_error(None, error)
        return redirect(back)
    flash(_("The election was created as a draft. Open it when the voting starts."),
          "success")
    return redirect(url_for("governance.motion", motion_id=election.id))
