"""Forms for municipalities, membership changes, population figures and the CSV import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from consortium.frame.forms import choices, strip
from consortium.members.labels import MEMBERSHIP_LABELS
from consortium.members.validation import MAX_YEAR, MIN_YEAR


def county_choices() -> list[SelectChoice]:
    from consortium.members.national import counties
    from consortium.members.service import installation_country

    return choices([("", _l("— choose —"))] + [(c, c) for c in counties(installation_country())])


def status_choices() -> list[SelectChoice]:
    return choices(("" if value is None else value, label)
                   for value, label in MEMBERSHIP_LABELS.items())


class MunicipalityEditForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)], filters=[strip])
    # The service says which counties there are (validate_choice off: one message, its own)
    county = SelectField(_l("County (län)"), choices=lambda: county_choices(),
                         validate_choice=False,
                         validators=[DataRequired(message=_l("Choose the county (län)."))])
    org_number = StringField(_l("Organisation number"), validators=[Optional(), Length(max=20)],
                             filters=[strip])
    invoice_reference = StringField(_l("Invoice reference"),
                                    validators=[Optional(), Length(max=200)], filters=[strip])
    street = StringField(_l("Street address"), validators=[Optional(), Length(max=200)],
                         filters=[strip])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Length(max=20)],
                           filters=[strip])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)], filters=[strip])
    peppol_id = StringField(_l("Peppol id"), validators=[Optional(), Length(max=40)],
                            filters=[strip])
    submit = SubmitField(_l("Save"))

    invoicing_fields = ("street", "postcode", "city", "peppol_id")

    def validate_county(self, field: SelectField) -> None:
        from consortium.members.national import county_error
        from consortium.members.service import installation_country

        if field.data and (message := county_error(field.data, installation_country())):
            raise ValidationError(message)


class MunicipalityForm(MunicipalityEditForm):
    code = StringField(
        _l("Municipality code (kommunkod)"), filters=[strip],
        validators=[DataRequired(), Regexp(r"^\d{4}$", message=_l(
            "The municipality code (kommunkod) must be exactly four digits, e.g. 0180."))])
    status = SelectField(_l("Membership"), choices=status_choices)
    joined_on = DateField(_l("Member since"), validators=[Optional()])
    left_on = DateField(_l("Left on"), validators=[Optional()])
    submit = SubmitField(_l("Add municipality"))

    field_order = ("code", "name", "county", "org_number", "invoice_reference", "street",
                   "postcode", "city", "peppol_id", "status", "joined_on", "left_on")

    def validate_code(self, field: StringField) -> None:
        from consortium.members.national import national_code_error
        from consortium.members.service import installation_country

        if message := national_code_error(field.data or "", installation_country()):
            raise ValidationError(message)


class MembershipForm(FlaskForm):
    action = RadioField(_l("Change"), choices=lambda: choices([
        ("apply", _l("Register an application")),
        ("admit", _l("Admit as member")),
        ("resign", _l("Record a resignation")),
    ]), validators=[DataRequired()])
    on = DateField(_l("Date"), validators=[Optional()])
    note = StringField(_l("Note (e.g. the decision's reference)"),
                       validators=[Optional(), Length(max=300)], filters=[strip])
    submit = SubmitField(_l("Save the change"))


class PopulationForm(FlaskForm):
    year = IntegerField(_l("Year (population on 31 December)"),
                        validators=[InputRequired(), NumberRange(MIN_YEAR, MAX_YEAR)])
    population = IntegerField(_l("Population"), validators=[
        InputRequired(message=_l("Enter the population as a whole number.")),
        NumberRange(min=0, message=_l("The population cannot be negative."))])
    source = StringField(_l("Source"), validators=[Optional(), Length(max=200)], filters=[strip])
    submit = SubmitField(_l("Save the figure"))


class ImportUploadForm(FlaskForm):
    file = FileField(_l("File (CSV or XLSX)"),
                     validators=[FileRequired(_l("Choose a CSV or XLSX file."))])
    submit = SubmitField(_l("Check the file"))


class ImportConfirmForm(FlaskForm):
    content = HiddenField()  # the file's bytes in base64: checked again, nothing kept between
    filename = HiddenField()
    # The codes whose name in the file replaces the register's; the choices are the rows
    # whose names differ, set by the view from the file.
    rename = SelectMultipleField(choices=[], validate_choice=True)
    submit = SubmitField(_l("Import"))


class DeleteForm(FlaskForm):
    submit = SubmitField(_l("Delete"))
