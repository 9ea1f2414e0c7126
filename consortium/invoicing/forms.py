"""Forms of invoicing: the consortium's settings, a credit and a payment."""

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
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from consortium.frame.forms import choices, strip
from consortium.tools.labels import VAT_LABELS


def vat_choices() -> list[SelectChoice]:
    return choices(VAT_LABELS.items())


class InvoicingSettingsForm(FlaskForm):
    legal_name = StringField(_l("Legal name"), validators=[DataRequired(), Length(max=200)],
                             filters=[strip])
    org_number = StringField(_l("Organisation number"),
                             validators=[DataRequired(), Length(max=20)], filters=[strip])
    vat_number = StringField(_l("VAT number"), validators=[Optional(), Length(max=20)],
                             filters=[strip])
    f_skatt = BooleanField(_l("Approved for F-tax (Godkänd för F-skatt)"))
    street = StringField(_l("Street address"), validators=[DataRequired(), Length(max=200)],
                         filters=[strip])
    postcode = StringField(_l("Postcode"), validators=[DataRequired(), Length(max=20)],
                           filters=[strip])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=100)],
                       filters=[strip])
    bankgiro = StringField(_l("Bankgiro"), validators=[Optional(), Length(max=20)],
                           filters=[strip])
    plusgiro = StringField(_l("Plusgiro"), validators=[Optional(), Length(max=20)],
                           filters=[strip])
    iban = StringField("IBAN", validators=[Optional(), Length(max=40)], filters=[strip])
    bic = StringField("BIC", validators=[Optional(), Length(max=11)], filters=[strip])
    peppol_id = StringField(_l("Peppol id"), validators=[Optional(), Length(max=40)],
                            filters=[strip])
    payment_terms_days = IntegerField(_l("Payment terms (days)"), validators=[
        InputRequired(), NumberRange(0, 365)], default=30)
    fee_vat_category = SelectField(_l("VAT category of the membership fee"),
                                   choices=vat_choices, default="O")
    fee_vat_exemption_reason = StringField(_l("Reason for exemption (E and O)"),
                                           validators=[Optional(), Length(max=300)],
                                           filters=[strip])
    account_receivable = StringField(_l("Accounts receivable (kundfordringar)"),
                                     validators=[DataRequired(), Length(max=10)],
                                     filters=[strip])
    account_vat_output = StringField(_l("Output VAT 25 %"),
                                     validators=[DataRequired(), Length(max=10)],
                                     filters=[strip])
    account_bank = StringField(_l("Bank"), validators=[DataRequired(), Length(max=10)],
                               filters=[strip])
    account_fees_revenue = StringField(_l("Revenue of membership fees"),
                                       validators=[DataRequired(), Length(max=10)],
                                       filters=[strip])
    submit = SubmitField(_l("Save"))


class CreditForm(FlaskForm):
    reason = TextAreaField(_l("Reason for the credit"),
                           validators=[DataRequired(), Length(max=500)], filters=[strip])
    submit = SubmitField(_l("Credit the whole invoice"))


class PaymentForm(FlaskForm):
    paid_on = DateField(_l("Paid on"), validators=[InputRequired()])
    amount = StringField(_l("Amount (kr)"), validators=[DataRequired()], filters=[strip])
    reference = StringField(_l("Reference"), validators=[Optional(), Length(max=100)],
                            filters=[strip])
    submit = SubmitField(_l("Record payment"))
