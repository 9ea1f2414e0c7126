"""Signing in and out, and the administrators' pages for users and API tokens."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from consortium import db
from consortium.auth import service
from consortium.auth.access import acting_user, admin_only, public, readers, require_user
from consortium.auth.forms import (
    ROLE_LABELS,
    EmptyForm,
    ForgotForm,
    LoginForm,
    NewPasswordForm,
    TokenForm,
    UserEditForm,
    UserForm,
)
from consortium.auth.models import ApiToken, User
from consortium.extensions import limiter
from consortium.frame.redirects import local_path

bp = Blueprint("auth", __name__)


def _login_throttle() -> str:
    return current_app.config["LOGIN_THROTTLE"]


def _login_key() -> str:
    """Guesses at one account from one client: the owner signing in from elsewhere is never
    locked out by someone else's wrong passwords."""
    return ("login:" + service.normalise_email(request.form.get("email", "")) + "@"
            + (request.remote_addr or "?"))


def _client_key() -> str:
    """One client trying many accounts."""
    return "login-client:" + (request.remote_addr or "?")


def _client_throttle() -> str:
    return current_app.config["LOGIN_CLIENT_THROTTLE"]


def _safe_next(target: str | None) -> str:
    return local_path(target) or url_for("web.home")


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_throttle, key_func=_login_key, methods=["POST"],
               deduct_when=lambda response: response.status_code == 401)
@limiter.limit(_client_throttle, key_func=_client_key, methods=["POST"],
               deduct_when=lambda response: response.status_code == 401)
def login() -> Any:
    if acting_user() is not None:
        return redirect(url_for("web.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = service.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            lang = session.get("lang")
            session.clear()  # a fresh session on every sign-in
            if lang:
                session["lang"] = lang
            login_user(user)
            session["generation"] = user.session_generation
            session.permanent = True
            if lang and user.lang != lang:  # e-mail follows the language chosen here
                user.lang = lang
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("Wrong e-mail or password."))
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@readers
def logout() -> Any:
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    user = acting_user()
    if user is not None:
        service.sign_out_everywhere(user)  # a copy of the cookie no longer works either
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/admin/users")
@admin_only
def users() -> Any:
    rows = db.session.execute(
        select(User, func.count(ApiToken.id))
        .outerjoin(ApiToken, (ApiToken.user_id == User.id) & ApiToken.revoked_at.is_(None))
        .options(joinedload(User.municipality))
        .group_by(User.id)
        .order_by(User.role, User.email)
    ).all()
    return render_template("auth/users.html", rows=rows, role_labels=ROLE_LABELS,
                           action_form=EmptyForm())


@bp.route("/admin/users/new", methods=["GET", "POST"])
@admin_only
def new_user() -> Any:
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = service.create_user(
                email=form.email.data or "", role=form.role.data or "",
                password=form.password.data or "", name=form.name.data or "",
                municipality_code=form.municipality.data or None, actor=acting_user(),
            )
        except service.AuthError as error:
            db.rollback()
            getattr(form, error.field or "email").errors.append(str(error))
        else:
            flash(_("The user %(email)s was created.", email=user.email), "success")
            return redirect(url_for("auth.user_detail", user_id=user.id))
    return render_template("auth/user_form.html", form=form), 200 if not form.errors else 422


def _get_user(user_id: int) -> User:
    user = db.session.get(User, user_id, options=[joinedload(User.municipality)])
    if user is None:
        abort(404)
    return user


@bp.route("/admin/users/<int:user_id>")
@admin_only
def user_detail(user_id: int) -> Any:
    user = _get_user(user_id)
    return render_template("auth/user_detail.html", user=user, tokens=service.user_tokens(user),
                           role_labels=ROLE_LABELS, token_form=TokenForm(),
                           action_form=EmptyForm(), new_token=None)


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_only
def edit_user(user_id: int) -> Any:
    user = _get_user(user_id)
    form = UserEditForm(obj=None, data=None if request.method == "POST" else {
        "name": user.name, "role": user.role.value,
        "municipality": user.municipality.code if user.municipality else ""})
    if form.validate_on_submit():
        try:
            service.update_user(user, name=form.name.data or "", role=form.role.data or "",
                                municipality_code=form.municipality.data or None,
                                actor=require_user())
        except service.AuthError as error:
            db.rollback()
            getattr(form, error.field or "role").errors.append(str(error))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("auth.user_detail", user_id=user.id))
    return render_template("auth/user_edit.html", user=user, form=form), \
        422 if form.errors else 200


@bp.route("/admin/users/<int:user_id>/reset", methods=["POST"])
@admin_only
def send_reset(user_id: int) -> Any:
    user = _get_user(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not user.active:
        flash(_("%(email)s is deactivated; activate the account first.", email=user.email),
              "error")
    else:
        service.send_password_reset(user, actor=acting_user())
        flash(_("A link to set a new password is on its way to %(email)s.", email=user.email),
              "success")
    return redirect(url_for("auth.user_detail", user_id=user_id))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit("5 per hour", methods=["POST"])
def forgot_password() -> Any:
    form = ForgotForm()
    if form.validate_on_submit():
        service.ask_for_reset(form.email.data or "")
        # The same answer whether the address is known or not: nobody learns who has an account.
        flash(_("If %(email)s belongs to an account, a link to set a new password is on its "
                "way. It works once, for 48 hours.", email=form.email.data), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/password/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str) -> Any:
    user = service.user_for_reset(token)
    if user is None:
        return render_template("auth/reset.html", form=None), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            service.set_password(user, form.password.data or "", actor=user)
        except service.AuthError as error:
            db.rollback()
            form.password.errors.append(str(error))
        else:
            flash(_("Your new password is set. Sign in with it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, user=user), \
        422 if form.errors else 200


@bp.route("/admin/users/<int:user_id>/tokens", methods=["POST"])
@admin_only
def create_token(user_id: int) -> Any:
    user = _get_user(user_id)
    form = TokenForm()
    if not form.validate_on_submit():
        abort(400)
    token = service.issue_token(user, label=form.label.data or "", actor=acting_user())
    # The token is shown once, in this response, and never again.
    return render_template("auth/user_detail.html", user=user, tokens=service.user_tokens(user),
                           role_labels=ROLE_LABELS, token_form=TokenForm(formdata=None),
                           action_form=EmptyForm(), new_token=token)


@bp.route("/admin/users/<int:user_id>/tokens/<int:token_id>/revoke", methods=["POST"])
@admin_only
def revoke_token(user_id: int, token_id: int) -> Any:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    service.revoke_token(token, actor=require_user())
    flash(_("The token was revoked."), "success")
    return redirect(url_for("auth.user_detail", user_id=user_id))


@bp.route("/admin/users/<int:user_id>/active", methods=["POST"])
@admin_only
def toggle_active(user_id: int) -> Any:
    user = _get_user(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service.set_active(user, not user.active, actor=require_user())
    except service.AuthError as error:
        flash(str(error), "error")
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("auth.user_detail", user_id=user_id))


def init_login(app: Flask) -> None:
    """Flask-Login: who the session names, and where a visitor is sent to sign in."""
    from flask_babel import lazy_gettext

    from consortium.extensions import login_manager

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.login_message = lazy_gettext("Sign in to see this page.")

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return db.session.get(User, int(user_id))
