"""Web pages of proxies (fullmakter): registered and revoked by the office on the council's
page; the same rules as the API (proxies.py)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from consortium import db
from consortium.auth.access import acting_user, admin_only, roles
from consortium.auth.models import Role
from consortium.errors import DomainError
from consortium.frame.forms import choices, show_domain_error
from consortium.governance import councils, proxies
from consortium.governance.forms import ProxyForm, RevokeProxyForm
from consortium.governance.models import Council, Meeting
from consortium.governance.views import LABELS, bp, is_admin, or_404


def proxy_form(council: Council, formdata: Any = None) -> ProxyForm:
    form = ProxyForm(formdata=formdata) if formdata is not None else ProxyForm()
    form.meeting.choices = choices(
        [("", _("— for a period —"))] +
        [(str(m.id), f"{m.held_on.isoformat()} ({m.year}:{m.number})")
         for m in db.session.scalars(select(Meeting).where(Meeting.council_id == council.id)
                                     .order_by(Meeting.held_on.desc()))])
    return form


@bp.get("/councils/<int:council_id>/proxies")
@roles(Role.ADMIN, Role.OBSERVER)
def council_proxies(council_id: int) -> Any:
    """The council's fullmakter: the office registers and revokes them, the auditor reads
    them."""
    found: Council = or_404(councils.get_council, council_id)
    return _proxies_page(found, proxy_form(found))


@bp.post("/councils/<int:council_id>/proxies")
@admin_only
def register_proxy(council_id: int) -> Any:
    found: Council = or_404(councils.get_council, council_id)
    form = proxy_form(found)
    if form.validate_on_submit():
        data = {"principal": form.principal.data, "holder": form.holder.data,
                "meeting_id": int(form.meeting.data) if form.meeting.data else None,
                "valid_from": form.valid_from.data, "valid_until": form.valid_until.data,
                "reference": form.reference.data or ""}
        try:
            proxy = proxies.create_proxy(found, data, actor=acting_user())
        except DomainError as error:
            show_domain_error(form, error, {"meeting_id": "meeting"})
        else:
            flash(_("The proxy for %(name)s was registered.", name=proxy.principal.name),
                  "success")
            return redirect(url_for("governance.council_proxies", council_id=found.id))
    return _proxies_page(found, form)


def _proxies_page(council: Council, form: ProxyForm) -> Any:
    return render_template("governance/proxies.html", council=council, form=form,
                           proxies=proxies.proxies_of(council), last_day=proxies.last_day,
                           revoke_form=RevokeProxyForm(formdata=None), labels=LABELS,
                           may_change=is_admin()), 422 if form.errors else 200


@bp.route("/proxies/<int:proxy_id>/revoke", methods=["POST"])
@admin_only
def revoke_proxy(proxy_id: int) -> Any:
    proxy = or_404(proxies.get_proxy, proxy_id)
    form = RevokeProxyForm()
    if form.validate_on_submit():
        try:
            proxies.revoke_proxy(proxy, form.on.data, actor=acting_user())
        except DomainError as error:
            show_domain_error(None, error)
        else:
            flash(_("The proxy for %(name)s was revoked from %(date)s.",
                    name=proxy.principal.name, date=proxy.revoked_on.isoformat()
                    if proxy.revoked_on else ""), "success")
    else:
        flash(_("Give the day as YYYY-MM-DD."), "error")
    return redirect(url_for("governance.council_proxies", council_id=proxy.council_id))
