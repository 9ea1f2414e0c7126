"""Forms for councils, meetings, motions, ballots and reservations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from consortium.frame.fields import MunicipalityField
from consortium.frame.forms import choices, strip
from consortium.governance.labels import (
    CAPACITY_LABELS,
    CHOICE_LABELS,
    EFFECT_LABELS,
    KIND_LABELS,
    MAJORITY_LABELS,
    OFFICER_LABELS,
    TIE_BREAK_LABELS,
    WEIGHTING_LABELS,
)


def _choices(labels: dict[str, object]) -> list[SelectChoice]:
    return choices(labels.items())


class CouncilForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=lambda: _choices(KIND_LABELS))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=150)], filters=[strip])
    tool = SelectField(_l("Tool (förvaltningsråd only)"), choices=[])
    chair = MunicipalityField(_l("Standing chair (municipality)"))
    proxy_limit = IntegerField(_l("Proxies one representative may hold at once"), default=1,
                               validators=[Optional(), NumberRange(1, 50)])
    submit = SubmitField(_l("Create council"))


class PublicForm(FlaskForm):
    public = BooleanField()


class SeatsForm(FlaskForm):
    seats = TextAreaField(_l("Seats: one municipality per line, by name or kommunkod"))
    submit = SubmitField(_l("Save the seats"))


class MeetingForm(FlaskForm):
    held_on = DateField(_l("Date"), validators=[InputRequired()])
    starts_at = TimeField(_l("Time"), validators=[Optional()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)], filters=[strip])
    chair = MunicipalityField(_l("Chair of this meeting (municipality; empty: the council's "
                                 "chair)"))
    submit = SubmitField(_l("Plan the meeting"))


class MeetingChangeForm(FlaskForm):
    held_on = DateField(_l("Date"), validators=[InputRequired()])
    starts_at = TimeField(_l("Time"), validators=[Optional()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)], filters=[strip])
    submit = SubmitField(_l("Save the change"))


class CancelMeetingForm(FlaskForm):
    reason = StringField(_l("Why the meeting is cancelled"),
                         validators=[DataRequired(), Length(max=1000)], filters=[strip])
    submit = SubmitField(_l("Cancel the meeting"))


class AttendanceForm(FlaskForm):
    person = StringField(_l("Name"), validators=[DataRequired(), Length(max=150)],
                         filters=[strip])
    capacity = SelectField(_l("As"), choices=lambda: _choices(CAPACITY_LABELS))
    municipality = MunicipalityField(_l("Municipality (if any)"))
    submit = SubmitField(_l("Add"))


class OfficerForm(FlaskForm):
    role = SelectField(_l("Role"), choices=lambda: _choices(OFFICER_LABELS))
    position = IntegerField(_l("Adjuster number"), default=1,
                            validators=[Optional(), NumberRange(1, 2)])
    person = StringField(_l("Name"), validators=[DataRequired(), Length(max=150)],
                         filters=[strip])
    user = StringField(_l("User who signs (e-mail)"), validators=[Optional(), Length(max=254)],
                       filters=[strip])
    submit = SubmitField(_l("Save"))


class ItemForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)],
                        filters=[strip])
    diary_number = StringField(_l("Diary number (Dnr)"), validators=[Optional(), Length(max=50)],
                               filters=[strip])
    summary = TextAreaField(_l("Summary of the matter"), validators=[Optional()])
    decision = TextAreaField(_l("Decision"), validators=[Optional()])
    basis = TextAreaField(_l("Decision documents (beslutsunderlag)"), validators=[Optional()])
    proposals = TextAreaField(_l("Proposals made at the meeting (yrkanden)"),
                              validators=[Optional()])
    sent_to = StringField(_l("The decision is sent to"), validators=[Optional()],
                          filters=[strip])
    adjusted_at_once = BooleanField(_l("Adjusted at once (omedelbart justerad)"))
    submit = SubmitField(_l("Add paragraph"))


class MotionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)],
                        filters=[strip])
    text = TextAreaField(_l("Proposal"), validators=[Optional()])
    meeting = SelectField(_l("Meeting (empty: per capsulam)"), choices=[])
    paragraph = IntegerField(_l("Decides § (empty: a new paragraph)"),
                             validators=[Optional(), NumberRange(1, 999)])
    weighting = SelectField(_l("Weighting"), choices=lambda: _choices(WEIGHTING_LABELS))
    majority = SelectField(_l("Majority"), choices=lambda: _choices(MAJORITY_LABELS))
    quorum_percent = IntegerField(_l("Quorum (percent of the weight)"), default=50,
                                  validators=[InputRequired(), NumberRange(0, 100)])
    tie_break = SelectField(_l("On a tie"), choices=lambda: _choices(TIE_BREAK_LABELS))
    secret = BooleanField(_l("Secret vote"))
    closes_at = DateTimeLocalField(_l("Closes by itself at (optional)"), validators=[Optional()],
                                   format="%Y-%m-%dT%H:%M")
    counter_proposals = TextAreaField(
        _l("Counter-proposals (motförslag), one per line"), validators=[Optional()])
    effect = SelectField(_l("When adopted, the registry"), choices=lambda: _choices(EFFECT_LABELS),
                         validate_choice=False)
    effect_municipality = StringField(_l("Municipality (kommunkod)"),
                                      validators=[Optional(), Length(max=4)], filters=[strip])
    effect_on = DateField(_l("Takes effect on"), validators=[Optional()])
    effect_tool = SelectField(_l("Tool"), choices=[], validate_choice=False)
    effect_year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(1900, 2100)])
    submit = SubmitField(_l("Create motion"))

    def effect_data(self) -> dict[str, object] | None:
        """The effect as the service takes it (it checks what the fields say)."""
        kind = self.effect.data
        if not kind:
            return None
        if kind in ("admit_member", "end_membership"):
            return {"kind": kind, "municipality": self.effect_municipality.data,
                    "on": self.effect_on.data.isoformat() if self.effect_on.data else None}
        if kind == "adopt_budget":
            return {"kind": kind, "tool": self.effect_tool.data, "year": self.effect_year.data}
        return {"kind": kind, "year": self.effect_year.data}


class ElectionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)],
                        filters=[strip])
    text = TextAreaField(_l("Description"), validators=[Optional()])
    meeting = SelectField(_l("Meeting (empty: per capsulam)"), choices=[])
    paragraph = IntegerField(_l("Decides § (empty: a new paragraph)"),
                             validators=[Optional(), NumberRange(1, 999)])
    positions = IntegerField(_l("Positions to fill"), default=1,
                             validators=[InputRequired(), NumberRange(1, 50)])
    candidates = TextAreaField(
        _l("Candidates, one per line: a kommunkod (a municipality) or a person's name"),
        validators=[DataRequired()])
    weighting = SelectField(_l("Weighting"), choices=lambda: _choices(WEIGHTING_LABELS))
    quorum_percent = IntegerField(_l("Quorum (percent of the weight)"), default=50,
                                  validators=[InputRequired(), NumberRange(0, 100)])
    secret = BooleanField(_l("Closed ballot (secret)"), default=True)
    closes_at = DateTimeLocalField(_l("Closes by itself at (optional)"), validators=[Optional()],
                                   format="%Y-%m-%dT%H:%M")
    board = SelectField(_l("The elected hold the seats of (optional)"), choices=[],
                        validate_choice=False)
    seats_from = DateField(_l("Seats held from"), validators=[Optional()])
    submit = SubmitField(_l("Create election"))

    def candidate_list(self) -> list[dict[str, str]]:
        lines = [line.strip() for line in (self.candidates.data or "").splitlines()]
        return [{"municipality": line} if line.isdigit() and len(line) == 4 else {"name": line}
                for line in lines if line]


class RollChangeForm(FlaskForm):
    municipality = MunicipalityField(_l("Seat (municipality)"), validators=[InputRequired()])
    represented_by = StringField(_l("Now represented by (empty: nobody)"),
                                 validators=[Optional(), Length(max=150)], filters=[strip])
    reason = StringField(_l("Reason"), validators=[InputRequired(), Length(max=300)],
                         filters=[strip])
    submit = SubmitField(_l("Enter the change"))


class ProxyForm(FlaskForm):
    principal = MunicipalityField(_l("For the municipality (the principal)"),
                                  validators=[InputRequired()])
    holder = StringField(_l("Held by (the representative's e-mail)"),
                         validators=[InputRequired(), Length(max=254)], filters=[strip])
    meeting = SelectField(_l("For the meeting (empty: for a period)"), choices=[], default="")
    valid_from = DateField(_l("Period from"), validators=[Optional()])
    valid_until = DateField(_l("Period until (inclusive)"), validators=[Optional()])
    reference = StringField(_l("Reference of the signed fullmakt"),
                            validators=[Optional(), Length(max=200)], filters=[strip])
    submit = SubmitField(_l("Register the proxy"))


class RevokeProxyForm(FlaskForm):
    on = DateField(_l("No longer valid from"), validators=[Optional()])
    submit = SubmitField(_l("Revoke"))


class VoteForm(FlaskForm):
    choice = RadioField(_l("Your municipality's vote"), choices=lambda: _choices(CHOICE_LABELS),
                        validators=[InputRequired(message=_l("Choose yes, no or abstain."))])
    submit = SubmitField(_l("Cast the final ballot"))


class ProposalVoteForm(FlaskForm):
    choice = RadioField(_l("Your municipality's vote"), choices=[],
                        validators=[InputRequired(message=_l("Choose a proposal or abstain."))])
    submit = SubmitField(_l("Cast the final ballot"))


class ElectionVoteForm(FlaskForm):
    candidates = SelectMultipleField(_l("Your municipality's marks"), choices=[],
                                     widget=ListWidget(prefix_label=False),
                                     option_widget=CheckboxInput())
    submit = SubmitField(_l("Cast the final ballot"))


class ReservationForm(FlaskForm):
    text = TextAreaField(_l("Reservation"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Register the reservation"))


class DisqualifyForm(FlaskForm):
    municipality = MunicipalityField(_l("Seat (municipality)"), validators=[InputRequired()])
    reason = StringField(_l("Reason"), validators=[InputRequired(), Length(max=500)],
                         filters=[strip])
    submit = SubmitField(_l("Disqualify"))


class ActionForm(FlaskForm):
    submit = SubmitField(_l("Confirm"))
