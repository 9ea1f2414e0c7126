"""The office's list of notices that failed or whose fate is unknown, each with "send again"
(SPEC "Notices": the registry e-mails no one silently)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consortium import db
from consortium.auth.access import admin_only, require_user
from consortium.auth.forms import EmptyForm
from consortium.notices import service as notices
from consortium.notices.models import Notice
from consortium.web.views import bp

# What a notice was about, as the office names it
KIND_NAMES = {
    "motion_opened": _l("A vote opened"), "motion_reminder": _l("Reminder before a vote closes"),
    "minutes_to_sign": _l("Minutes to sign"), "meeting_called": _l("Meeting called"),
    "password_reset": _l("Link to set a password"),
    "motion_result": _l("Result of a vote"), "budget_adopted": _l("Budget adopted"),
    "year_closed": _l("Year closed"), "invoice_issued": _l("Invoice issued"),
}


@bp.route("/admin/notices")
@admin_only
def troubled_notices() -> Any:
    return render_template("web/notices.html", notices=notices.troubled(),
                           kinds=KIND_NAMES, form=EmptyForm(formdata=None))


@bp.route("/admin/notices/<notice_id>/send-again", methods=["POST"])
@admin_only
def send_notice_again(notice_id: str) -> Any:
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if notice.status.value not in ("failed", "unknown"):
        flash(_("That notice is not waiting for a decision any more."), "info")
    else:
        notices.send_again(notice, actor=require_user())
        flash(_("The notice to %(email)s goes again.", email=notice.user.email), "success")
    return redirect(url_for("web.troubled_notices"))
