"""Forms for signing in and for managing users and tokens."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from consortium.auth.models import Role
from consortium.auth.service import MIN_PASSWORD_LENGTH
from consortium.frame.fields import MunicipalityField
from consortium.frame.forms import choices


def role_choices() -> list[SelectChoice]:
    return choices([("", _l("— choose a role —"))] +
                   [(role.value, label) for role, label in ROLE_LABELS.items()])


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator (office)"),
    Role.FINANCE: _l("Finance officer"),
    Role.REPRESENTATIVE: _l("Representative"),
    Role.OBSERVER: _l("Observer (auditor)"),
}


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()], filters=[strip])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    submit = SubmitField(_l("Sign in"))


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change something."""

    submit = SubmitField(_l("Confirm"))


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)],
                       filters=[strip])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=150)])
    role = SelectField(_l("Role"), choices=role_choices,
                       validators=[DataRequired(message=_l("Choose the user's role."))])
    municipality = MunicipalityField(_l("Municipality (representatives and municipal finance "
                                        "officers)"))
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)]
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Create user"))


class UserEditForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=150)], filters=[strip])
    role = SelectField(_l("Role"), choices=role_choices,
                       validators=[DataRequired(message=_l("Choose the user's role."))])
    municipality = MunicipalityField(_l("Municipality (representatives and municipal finance "
                                        "officers)"))
    submit = SubmitField(_l("Save the user"))


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Set the password"))


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(_l("Your current password"), validators=[DataRequired()])
    submit = SubmitField(_l("Change the password"))


class ForgotForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()], filters=[strip])
    submit = SubmitField(_l("Send me a link"))


class TokenForm(FlaskForm):
    label = StringField(_l("What the token is for"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Create token"))
