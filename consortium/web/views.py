"""Home page per role, the language switch and a health check."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload

from consortium import clock, db
from consortium.audit.models import AuditEvent
from consortium.auth.access import acting_user, public, readers
from consortium.auth.forms import EmptyForm
from consortium.auth.models import Role, User
from consortium.config import LANGUAGES
from consortium.costs.models import Budget
from consortium.frame.redirects import local_path
from consortium.governance.models import Motion, MotionStatus
from consortium.members.models import standing_condition
from consortium.notices.service import troubled_count
from consortium.signals import answers, sealing_status
from consortium.tools.models import Tool

bp = Blueprint("web", __name__)


@bp.route("/")
@readers
def home() -> Any:
    user = acting_user()
    assert user is not None
    counts = db.session.execute(
        select(
            select(func.count()).where(standing_condition("member", clock.today()))
            .scalar_subquery().label("members"),
            select(func.count()).select_from(Tool).scalar_subquery().label("tools"),
            select(func.count()).where(Motion.status == MotionStatus.OPEN)
            .scalar_subquery().label("open_motions"),
            select(func.count()).select_from(Budget).scalar_subquery().label("budgets"),
            select(func.count()).select_from(User).scalar_subquery().label("users"),
            troubled_count().label("troubled_notices"),
        )
    ).one()
    recent: list[AuditEvent] = []
    if user.role is Role.ADMIN:
        recent = list(db.session.scalars(
            select(AuditEvent).options(joinedload(AuditEvent.actor))
            .order_by(AuditEvent.id.desc()).limit(8)
        ))
    open_motions: list[Any] = []
    held: list[Any] = []
    if user.role is Role.REPRESENTATIVE:
        from consortium.governance.motions import votable_seats
        from consortium.governance.proxies import held_by

        open_motions = votable_seats(user)
        held = held_by(user)
    work, overdue = None, []
    if user.role is Role.FINANCE:
        from consortium.costs.worklist import kept_worklist
        from consortium.invoicing.records import overdue_invoices

        work = kept_worklist(user)
        overdue = overdue_invoices(municipality_id=user.municipality_id)
    from consortium.governance.meetings import waiting_for

    return render_template("web/home.html", counts=counts, recent=recent, Role=Role,
                           open_motions=open_motions, proxies_held=held, work=work,
                           overdue=overdue, to_sign=waiting_for(user))


@bp.route("/language", methods=["POST"])
@public
def set_language() -> Any:
    form = EmptyForm()
    lang = request.form.get("lang")
    if not form.validate_on_submit() or lang not in LANGUAGES:
        abort(400)
    session["lang"] = lang
    user = acting_user()
    if user is not None and user.lang != lang:  # e-mail follows the language last chosen
        user.lang = lang
    return redirect(local_path(request.form.get("next")) or url_for("web.home"))


@bp.route("/help/api")
@readers
def api_reference() -> Any:
    from consortium.api.routes import openapi_document

    document = openapi_document()
    return render_template("web/api.html", doc=document,
                           schemas=document["components"]["schemas"])


@bp.route("/healthz")
@public
def health() -> Any:
    """Which part is up: the database, and Redis where it is used (the worker's queue, the
    login throttle's shared count). 503 naming the part when any is down (README "What a part
    down means")."""
    from consortium.jobs.service import redis_answers_at

    parts = {"database": "ok", "redis": "not used"}
    try:
        db.session.execute(text("SELECT 1"))
    except OperationalError:
        db.rollback()
        parts["database"] = "down"
    config = current_app.config
    used = ([config["REDIS_URL"]] if config["JOBS_MODE"] == "rq" else []) + \
        ([config["RATELIMIT_STORAGE_URI"]]
         if str(config["RATELIMIT_STORAGE_URI"]).startswith(("redis://", "rediss://")) else [])
    if used:
        parts["redis"] = "ok" if all(redis_answers_at(url) for url in dict.fromkeys(used)) \
            else "down"
    # Sealed protocols: without a certificate they are kept unsigned (not down: said)
    sealing = answers(sealing_status.send(None))
    parts["signing"] = "ok" if sealing and sealing[0][0] else "not configured"
    status = 503 if "down" in parts.values() else 200
    return jsonify({"status": "ok" if status == 200 else "down", "parts": parts}), status
