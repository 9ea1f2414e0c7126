"""marshmallow schemas of the API: they validate what comes in and describe what goes out."""

from __future__ import annotations

from marshmallow import Schema, validate
from marshmallow import fields as f

STATUS = ["applicant", "member", "resigned"]
TOOL_STATUS = ["development", "operation", "retired"]


class MunicipalityCreate(Schema):
    code = f.String(required=True, validate=validate.Regexp(
        r"^\d{4}$", error="The municipality code (kommunkod) must be exactly four digits."),
        metadata={"example": "0180"})
    name = f.String(required=True, validate=validate.Length(min=1, max=100))
    county = f.String(required=True, validate=validate.Length(min=1, max=100))
    country = f.String(validate=validate.OneOf(["SE", "NO"]), load_default=None)
    status = f.String(validate=validate.OneOf(STATUS), allow_none=True, load_default=None)
    joined_on = f.Date(allow_none=True, load_default=None)
    left_on = f.Date(allow_none=True, load_default=None)
    org_number = f.String(allow_none=True, load_default=None,
                          metadata={"example": "212000-0142"})
    invoice_reference = f.String(allow_none=True, load_default=None,
                                 validate=validate.Length(max=200))


class MunicipalityPatch(Schema):
    name = f.String(validate=validate.Length(min=1, max=100))
    county = f.String(validate=validate.Length(min=1, max=100))
    status = f.String(validate=validate.OneOf(STATUS), allow_none=True)
    joined_on = f.Date(allow_none=True)
    left_on = f.Date(allow_none=True)
    org_number = f.String(allow_none=True)
    invoice_reference = f.String(allow_none=True, validate=validate.Length(max=200))


class MunicipalityQuery(Schema):
    status = f.String(validate=validate.OneOf([*STATUS, "none"]),
                      metadata={"description": "Membership status; `none` for non-members."})
    county = f.String()
    q = f.String(metadata={"description": "Part of the name, or the start of the code."})


class PopulationPoint(Schema):
    year = f.Integer(required=True)
    population = f.Integer(required=True)


class Period(Schema):
    joined_on = f.Date(required=True)
    left_on = f.Date(allow_none=True)


class Municipality(Schema):
    code = f.String(required=True)
    name = f.String(required=True)
    county = f.String()
    country = f.String()
    status = f.String(allow_none=True, metadata={"enum": [*STATUS, None]})
    joined_on = f.Date(allow_none=True)
    left_on = f.Date(allow_none=True)
    org_number = f.String(allow_none=True)
    invoice_reference = f.String(allow_none=True)
    population = f.Integer(allow_none=True, metadata={"description": "The newest figure."})
    population_year = f.Integer(allow_none=True)


class MunicipalityDetail(Municipality):
    population_history = f.List(f.Nested(PopulationPoint))
    membership_periods = f.List(f.Nested(Period))


class PopulationPut(Schema):
    population = f.Integer(required=True, strict=True,
                           validate=validate.Range(min=0, error="Must not be negative."))


class PopulationFigure(Schema):
    code = f.String()
    year = f.Integer()
    population = f.Integer()


class ToolCreate(Schema):
    slug = f.String(required=True, validate=validate.Regexp(
        r"^[a-z0-9]+(?:-[a-z0-9]+)*$", error="Use a-z, 0-9 and single hyphens."),
        metadata={"example": "provisum"})
    name = f.String(required=True, validate=validate.Length(min=1, max=120))
    description = f.String(load_default="", validate=validate.Length(max=5000))
    status = f.String(validate=validate.OneOf(TOOL_STATUS), load_default="development")
    origin = f.String(allow_none=True, load_default=None, validate=validate.Length(max=300))
    owner_since = f.Date(allow_none=True, load_default=None)


class ToolPatch(Schema):
    name = f.String(validate=validate.Length(min=1, max=120))
    description = f.String(validate=validate.Length(max=5000))
    status = f.String(validate=validate.OneOf(TOOL_STATUS))
    origin = f.String(allow_none=True, validate=validate.Length(max=300))
    owner_since = f.Date(allow_none=True)


class ParticipantPeriods(Schema):
    code = f.String()
    name = f.String()
    periods = f.List(f.Nested(Period))


class Tool(Schema):
    slug = f.String(required=True)
    name = f.String(required=True)
    description = f.String()
    status = f.String(metadata={"enum": TOOL_STATUS})
    origin = f.String(allow_none=True)
    owner_since = f.Date(allow_none=True)
    participants = f.Integer(metadata={"description": "Participants today."})


class ToolDetail(Tool):
    participations = f.List(f.Nested(ParticipantPeriods))


class ParticipationPut(Schema):
    joined_on = f.Date(required=True)
    left_on = f.Date(allow_none=True, load_default=None)


class Participation(Schema):
    tool = f.String()
    code = f.String()
    name = f.String()
    periods = f.List(f.Nested(Period))


class UsagePut(Schema):
    units = f.Integer(required=True, strict=True,
                      validate=validate.Range(min=0, error="Must not be negative."))


class Usage(Schema):
    tool = f.String()
    code = f.String()
    name = f.String()
    year = f.Integer()
    units = f.Integer()


class Me(Schema):
    email = f.String()
    name = f.String()
    role = f.String()
    municipality = f.String(allow_none=True)


class AuditEventOut(Schema):
    id = f.Integer()
    occurred_at = f.DateTime()
    actor = f.String()
    action = f.String()
    object_type = f.String()
    object_id = f.String()
    before = f.Dict(allow_none=True)
    after = f.Dict(allow_none=True)
    note = f.String(allow_none=True)


# --- cost sharing ---------------------------------------------------------------------------

class Money(f.Field):
    """SEK as a decimal string with two decimals ("1250000.00"); integers are accepted."""

    def _serialize(self, value, attr, obj, **kwargs):  # type: ignore[no-untyped-def]
        from consortium.money import to_api

        return None if value is None else to_api(value)

    def _deserialize(self, value, attr, data, **kwargs):  # type: ignore[no-untyped-def]
        from marshmallow import ValidationError

        from consortium.money import MoneyError, parse_api

        try:
            return parse_api(value)
        except MoneyError as error:
            raise ValidationError(str(error)) from None


class BandIn(Schema):
    up_to = f.Integer(required=True, allow_none=True, strict=True,
                      validate=validate.Range(min=0, max=2**31 - 1))
    weight = f.Raw(required=True, metadata={"type": "string", "example": "2"})


KEY_METHODS = ["equal", "per_capita", "base_plus_per_capita", "tiered", "usage"]


class KeyIn(Schema):
    method = f.String(required=True, validate=validate.OneOf(KEY_METHODS))
    population_year = f.Integer(strict=True, allow_none=True, load_default=None)
    base_share = f.Raw(allow_none=True, load_default=None,
                       metadata={"type": "string", "example": "0.3"})
    bands = f.List(f.Nested(BandIn), allow_none=True, load_default=None)


class BudgetPut(Schema):
    amount = Money(required=True, metadata={"type": "string", "example": "1250000.00"})
    key = f.Nested(KeyIn, required=True)


class BudgetVersionIn(BudgetPut):
    reason = f.String(required=True, validate=validate.Length(min=1, max=2000))


class AdoptIn(Schema):
    decision_motion_id = f.Integer(allow_none=True, load_default=None)


class KeyOut(Schema):
    method = f.String()
    population_year = f.Integer()
    base_share = f.String()
    bands = f.List(f.Dict())


class BudgetOut(Schema):
    tool = f.String()
    year = f.Integer()
    version = f.Integer()
    previous_version = f.Integer(allow_none=True)
    change_reason = f.String(allow_none=True)
    amount = Money(metadata={"type": "string"})
    status = f.String(metadata={"enum": ["draft", "adopted"]})
    key = f.Nested(KeyOut)
    adopted_at = f.DateTime(allow_none=True)
    decision_motion_id = f.Integer(allow_none=True)


class AllocationLineOut(Schema):
    code = f.String()
    name = f.String()
    basis = f.String(metadata={"description": "What the key weighs: population, units, the "
                                              "participation fraction (equal)."})
    fraction = f.String(metadata={"description": "Part of the year taken part, decimal."})
    share = f.String(metadata={"description": "Exact share of the budget, as a decimal."})
    amount = Money(metadata={"type": "string"})


class AllocationOut(Schema):
    tool = f.String()
    year = f.Integer()
    version = f.Integer()
    amount = Money(metadata={"type": "string"})
    status = f.String()
    key = f.Nested(KeyOut)
    population_year = f.Integer(allow_none=True)
    total = Money(metadata={"type": "string"})
    lines = f.List(f.Nested(AllocationLineOut))


class StatementLineOut(Schema):
    tool = f.String(allow_none=True)
    type = f.String(metadata={"enum": ["tool", "membership_fee"]})
    key = f.String(allow_none=True)
    basis = f.String(allow_none=True)
    share = f.String(allow_none=True)
    status = f.String(allow_none=True)
    amount = Money(metadata={"type": "string"})


class StatementOut(Schema):
    code = f.String()
    name = f.String()
    year = f.Integer()
    preliminary = f.Boolean(metadata={"description": "True while a tool budget is a draft."})
    lines = f.List(f.Nested(StatementLineOut))
    total = Money(metadata={"type": "string"})
    problems = f.List(f.String())


class FeeBandIn(Schema):
    up_to = f.Integer(required=True, allow_none=True, strict=True,
                      validate=validate.Range(min=0, max=2**31 - 1))
    annual = Money(required=True, metadata={"type": "string", "example": "35000.00"})
    entry = Money(required=True, metadata={"type": "string", "example": "10000.00"})


class FeesPut(Schema):
    population_year = f.Integer(strict=True, allow_none=True, load_default=None)
    bands = f.List(f.Nested(FeeBandIn), required=True, validate=validate.Length(min=1))


class FeeBandOut(Schema):
    up_to = f.Integer(allow_none=True)
    annual = Money(metadata={"type": "string"})
    entry = Money(metadata={"type": "string"})


class FeeLineOut(Schema):
    code = f.String()
    name = f.String()
    band = f.Integer(metadata={"description": "1-based position of the band."})
    annual = Money(metadata={"type": "string"})
    entry = Money(metadata={"type": "string"})
    amount = Money(metadata={"type": "string"})


class FeesOut(Schema):
    year = f.Integer()
    population_year = f.Integer()
    bands = f.List(f.Nested(FeeBandOut))
    lines = f.List(f.Nested(FeeLineOut))
    total = Money(metadata={"type": "string"})


# --- governance -------------------------------------------------------------------------------

class CouncilIn(Schema):
    kind = f.String(required=True, validate=validate.OneOf(["assembly", "board", "tool"]))
    name = f.String(required=True, validate=validate.Length(min=1, max=150))
    tool = f.String(allow_none=True, load_default=None, metadata={"description": "Tool slug."})
    chair = f.String(allow_none=True, load_default=None,
                     metadata={"description": "The chair's municipality code."})


class SeatsIn(Schema):
    seats = f.List(f.String(), required=True)


class CouncilOut(Schema):
    id = f.Integer()
    kind = f.String()
    name = f.String()
    tool = f.String(allow_none=True)
    chair = f.String(allow_none=True)
    seats = f.List(f.String(), metadata={"description": "Seat municipality codes today."})


class MeetingIn(Schema):
    date = f.Date(required=True)
    place = f.String(load_default="", validate=validate.Length(max=200))
    chair = f.String(allow_none=True, load_default=None,
                     metadata={"description": "Overrides the council's chair for the meeting."})


class AttendanceIn(Schema):
    person = f.String(required=True, validate=validate.Length(min=1, max=150))
    capacity = f.String(required=True, validate=validate.OneOf(["ordinary", "deputy", "other"]))
    municipality = f.String(allow_none=True, load_default=None)


class OfficerIn(Schema):
    role = f.String(required=True, validate=validate.OneOf(["chair", "secretary", "adjuster"]))
    position = f.Integer(load_default=1, strict=True)
    person = f.String(required=True, validate=validate.Length(min=1, max=150))
    user = f.String(allow_none=True, load_default=None,
                    metadata={"description": "E-mail of the user who signs the minutes."})


class ItemIn(Schema):
    title = f.String(required=True, validate=validate.Length(min=1, max=300))
    diary_number = f.String(allow_none=True, load_default=None)
    summary = f.String(load_default="")
    decision = f.String(load_default="")
    basis = f.String(load_default="", metadata={"description": "Beslutsunderlag."})
    proposals = f.String(load_default="", metadata={"description": "Yrkanden."})
    sent_to = f.String(load_default="", metadata={"description": "Beslutet skickas till."})
    adjusted_at_once = f.Boolean(load_default=False)


class MeetingOut(Schema):
    id = f.Integer()
    council = f.Integer()
    year = f.Integer()
    number = f.Integer()
    date = f.Date()
    place = f.String()
    status = f.String()
    chair = f.String(allow_none=True)
    attendance = f.List(f.Dict())
    officers = f.List(f.Dict())
    items = f.List(f.Dict())
    signatures = f.List(f.Dict())
    minutes_sha256 = f.String(allow_none=True)


class MotionIn(Schema):
    title = f.String(required=True, validate=validate.Length(min=1, max=300))
    text = f.String(load_default="")
    meeting_id = f.Integer(allow_none=True, load_default=None)
    agenda_item_id = f.Integer(allow_none=True, load_default=None)
    weighting = f.String(load_default="equal",
                         validate=validate.OneOf(["equal", "population", "cost_share"]))
    majority = f.String(load_default="simple", validate=validate.OneOf(
        ["simple", "absolute", "two_thirds", "unanimous"]))
    quorum_percent = f.Integer(load_default=50, strict=True, validate=validate.Range(0, 100))
    tie_break = f.String(load_default="rejected", validate=validate.OneOf(["rejected", "chair"]))
    secret = f.Boolean(load_default=False)


class MotionOut(Schema):
    id = f.Integer()
    council = f.Integer()
    meeting_id = f.Integer(allow_none=True)
    paragraph = f.Integer(allow_none=True)
    title = f.String()
    text = f.String()
    weighting = f.String()
    majority = f.String()
    quorum_percent = f.Integer()
    tie_break = f.String()
    secret = f.Boolean()
    status = f.String()
    population_year = f.Integer(allow_none=True)
    ballots = f.Integer(metadata={"description": "How many seats have voted."})
    seats = f.List(f.Dict())


class BallotIn(Schema):
    municipality = f.String(required=True)
    choice = f.String(required=True, validate=validate.OneOf(["yes", "no", "abstain"]))


class BallotOut(Schema):
    motion = f.Integer()
    municipality = f.String()
    choice = f.String()
    cast_at = f.DateTime()
    receipt = f.String()


class SeatOut(Schema):
    code = f.String()
    name = f.String()
    weight = f.String()
    choice = f.String(allow_none=True)


class ResultOut(Schema):
    motion = f.Integer()
    outcome = f.String(metadata={"enum": ["adopted", "rejected", "no_quorum"]})
    yes = f.String()
    no = f.String()
    abstain = f.String()
    participating = f.String()
    total = f.String()
    quorum_met = f.Boolean()
    decided_by_chair = f.Boolean()
    population_year = f.Integer(allow_none=True)
    weighting = f.String()
    majority = f.String()
    secret = f.Boolean()
    seats = f.List(f.Nested(SeatOut))
    reservations = f.List(f.Dict())


class ReservationIn(Schema):
    municipality = f.String(required=True)
    text = f.String(load_default="", validate=validate.Length(max=5000))
