"""Forms for budgets (with a preview before saving), adoption and fee schedules."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from consortium.costs.fees import FeeBand
from consortium.costs.labels import KEY_LABELS
from consortium.frame.forms import choices, strip
from consortium.money import MoneyError, parse_form


def key_choices() -> list[SelectChoice]:
    return choices(KEY_LABELS.items())


class AmountField(StringField):
    """Kronor typed by a person ("1 250 000" or "1 250 000,50"); data becomes öre."""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        if self.raw.strip():
            try:
                self.data = parse_form(self.raw)
            except MoneyError:
                raise ValueError(_("Write the amount in kronor, e.g. 1 250 000 or "
                                   "1 250 000,50.")) from None

    def _value(self) -> str:
        if getattr(self, "raw", None) is not None:
            return self.raw
        if self.data is None:
            return ""
        whole, cents = divmod(self.data, 100)
        return f"{whole}" if not cents else f"{whole},{cents:02d}"


def parse_bands(text: str) -> list[dict[str, object]]:
    """Lines "up_to;weight" (an empty up_to on the last line: no upper bound)."""
    bands: list[dict[str, object]] = []
    for number, line in enumerate(text.strip().splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.replace(",", ".").split(";")]
        if len(parts) != 2:
            raise ValueError(_("Line %(line)s: write up_to;weight, e.g. 10000;1.", line=number))
        up_to = parts[0].replace(" ", "")
        if up_to and not up_to.isdigit():
            raise ValueError(_("Line %(line)s: the upper bound must be a whole number.",
                               line=number))
        bands.append({"up_to": int(up_to) if up_to else None, "weight": parts[1]})
    return bands


def parse_fee_bands(text: str) -> list[FeeBand]:
    """Lines "up_to;annual;entry" in kronor (an empty up_to on the last line)."""
    bands = []
    for number, line in enumerate(text.strip().splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(";")]
        if len(parts) != 3:
            raise ValueError(_("Line %(line)s: write up_to;annual fee;entry fee, "
                               "e.g. 6999;5000;5000.", line=number))
        up_to = parts[0].replace(" ", "")
        if up_to and not up_to.isdigit():
            raise ValueError(_("Line %(line)s: the upper bound must be a whole number.",
                               line=number))
        try:
            annual, entry = parse_form(parts[1]), parse_form(parts[2])
        except MoneyError:
            raise ValueError(_("Line %(line)s: the fees must be amounts in kronor.",
                               line=number)) from None
        bands.append(FeeBand(int(up_to) if up_to else None, annual, entry))
    return bands


class BudgetForm(FlaskForm):
    amount = AmountField(_l("Amount (kr)"), validators=[InputRequired(
        message=_l("Enter the budget in kronor."))])
    method = SelectField(_l("Allocation key"), choices=key_choices)
    population_year = IntegerField(_l("Population year"), validators=[
        Optional(), NumberRange(1900, 2100)])
    base_share = StringField(_l("Base share (0–1)"), validators=[Optional(), Length(max=20)],
                             filters=[strip])
    bands = TextAreaField(_l("Bands, one per line: up_to;weight"), validators=[Optional()])
    reason = TextAreaField(_l("Why the adopted budget is changed"),
                           validators=[Optional(), Length(max=2000)])
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save draft"))

    def validate_bands(self, field: TextAreaField) -> None:
        if self.method.data == "tiered":
            try:
                if not parse_bands(field.data or ""):
                    raise ValidationError(_("Give at least one band."))
            except ValueError as error:
                raise ValidationError(str(error)) from None

    def key_data(self) -> dict[str, object]:
        data: dict[str, object] = {"method": self.method.data,
                                   "population_year": self.population_year.data}
        if self.method.data == "base_plus_per_capita":
            data["base_share"] = (self.base_share.data or "").replace(",", ".")
        if self.method.data == "tiered":
            data["bands"] = parse_bands(self.bands.data or "")
        return data


class AdoptForm(FlaskForm):
    submit = SubmitField(_l("Adopt the budget"))


class FeeForm(FlaskForm):
    population_year = IntegerField(_l("Population year"), validators=[
        Optional(), NumberRange(1900, 2100)])
    bands = TextAreaField(_l("Bands, one per line: up_to;annual fee;entry fee (kr)"),
                          validators=[DataRequired()])
    submit = SubmitField(_l("Save the fee schedule"))

    def validate_bands(self, field: TextAreaField) -> None:
        try:
            if not parse_fee_bands(field.data or ""):
                raise ValidationError(_("Give at least one band."))
        except ValueError as error:
            raise ValidationError(str(error)) from None
