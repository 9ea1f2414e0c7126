"""Forms for tools, participation periods and usage figures."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from consortium.frame.fields import MunicipalityField
from consortium.frame.forms import choices, strip
from consortium.tools.labels import TOOL_STATUS_LABELS, VAT_LABELS


def tool_status_choices() -> list[SelectChoice]:
    return choices(TOOL_STATUS_LABELS.items())


class ToolEditForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)], filters=[strip])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    status = SelectField(_l("Status"), choices=tool_status_choices)
    origin = StringField(_l("Origin"), validators=[Optional(), Length(max=300)], filters=[strip])
    owner_since = DateField(_l("Owned by the consortium since"), validators=[Optional()])
    open_to_non_members = BooleanField(_l("Open to municipalities that are not members"))
    vat_category = SelectField(_l("VAT category of its invoice lines"),
                               choices=lambda: choices(VAT_LABELS.items()), default="S")
    vat_exemption_reason = StringField(_l("Reason for exemption (E and O)"),
                                       validators=[Optional(), Length(max=300)],
                                       filters=[strip])
    revenue_account = StringField(_l("Revenue account (BAS)"), default="3001",
                                  validators=[DataRequired(), Regexp(
                                      r"^\d{4}$", message=_l("Four digits, e.g. 3001."))],
                                  filters=[strip])
    submit = SubmitField(_l("Save"))

    field_order = ("name", "description", "status", "origin", "owner_since",
                   "open_to_non_members", "vat_category", "vat_exemption_reason",
                   "revenue_account")


class ToolForm(ToolEditForm):
    slug = StringField(
        _l("Identifier in addresses"), filters=[strip],
        validators=[DataRequired(), Length(max=60), Regexp(
            r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
            message=_l("Use lower-case letters a–z, digits and single hyphens."))])
    submit = SubmitField(_l("Add tool"))


class ParticipationForm(FlaskForm):
    municipality = MunicipalityField(_l("Municipality"), validators=[DataRequired()])
    joined_on = DateField(_l("Takes part from"), validators=[InputRequired()])
    left_on = DateField(_l("Until (leave empty if ongoing)"), validators=[Optional()])
    submit = SubmitField(_l("Add participation"))


class EndParticipationForm(FlaskForm):
    municipality = MunicipalityField(_l("Municipality"), validators=[DataRequired()])
    left_on = DateField(_l("Last day"), validators=[InputRequired(
        message=_l("Give the last day of the participation."))])
    submit = SubmitField(_l("End the participation"))


class UsageForm(FlaskForm):
    municipality = MunicipalityField(_l("Municipality"), validators=[DataRequired()])
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(1900, 2100)])
    units = IntegerField(_l("Units (licences, cases, pupils …)"), validators=[
        InputRequired(message=_l("Enter the units as a whole number.")),
        NumberRange(min=0, message=_l("The units cannot be negative."))])
    submit = SubmitField(_l("Save usage"))
