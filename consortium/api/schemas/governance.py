"""API schemas of governance: councils, meetings, motions, ballots, results."""

from __future__ import annotations

from marshmallow import Schema, validate
from marshmallow import fields as f

from consortium.api.schemas.common import ID_RANGE


class CouncilIn(Schema):
    kind = f.String(required=True, validate=validate.OneOf(["assembly", "board", "tool"]))
    name = f.String(required=True, validate=validate.Length(min=1, max=150))
    tool = f.String(allow_none=True, load_default=None, metadata={"description": "Tool slug."})
    chair = f.String(allow_none=True, load_default=None,
                     metadata={"description": "The chair's municipality code."})
    proxy_limit = f.Integer(load_default=1, strict=True, validate=validate.Range(1, 50),
                            metadata={"description": "Proxies one holder may hold at once."})
    public = f.Boolean(load_default=False, metadata={
        "description": "Its signed protocols go on the public notice board."})


class CouncilPatch(Schema):
    public = f.Boolean(required=True, metadata={
        "description": "Its signed protocols go on the public notice board (anslagstavla)."})


class SeatsIn(Schema):
    seats = f.List(f.String(), required=True)


class CouncilOut(Schema):
    id = f.Integer()
    kind = f.String()
    name = f.String()
    tool = f.String(allow_none=True)
    chair = f.String(allow_none=True)
    proxy_limit = f.Integer()
    public = f.Boolean()
    seats = f.List(f.String(), metadata={"description": "Seat municipality codes today."})


class MeetingIn(Schema):
    date = f.Date(required=True)
    time = f.Time(allow_none=True, load_default=None, metadata={
        "description": "The time of day it begins (HH:MM, the consortium's time)."})
    place = f.String(load_default="", validate=validate.Length(max=200))
    chair = f.String(allow_none=True, load_default=None,
                     metadata={"description": "Overrides the council's chair for the meeting."})


class MeetingPatch(Schema):
    date = f.Date()
    time = f.Time(allow_none=True)
    place = f.String(validate=validate.Length(max=200))
    chair = f.String(allow_none=True)


class CancelIn(Schema):
    reason = f.String(required=True, validate=validate.Length(min=1, max=1000))


class AttendanceIn(Schema):
    person = f.String(required=True, validate=validate.Length(min=1, max=150))
    capacity = f.String(required=True, validate=validate.OneOf(["ordinary", "deputy", "other"]))
    municipality = f.String(allow_none=True, load_default=None)


class OfficerIn(Schema):
    role = f.String(required=True, validate=validate.OneOf(["chair", "secretary", "adjuster"]))
    position = f.Integer(load_default=1, strict=True, validate=validate.Range(1, 99))
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
    time = f.String(allow_none=True, metadata={"example": "13:00"})
    called_at = f.DateTime(allow_none=True, metadata={
        "description": "When the kallelse was last sent."})
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
    meeting_id = f.Integer(allow_none=True, load_default=None, validate=ID_RANGE)
    agenda_item_id = f.Integer(allow_none=True, load_default=None, validate=ID_RANGE)
    paragraph = f.Integer(allow_none=True, load_default=None, validate=validate.Range(1, 999),
                          metadata={"description": "The number of an existing § of the "
                                    "meeting to decide; without it a new § is made."})
    weighting = f.String(load_default="equal",
                         validate=validate.OneOf(["equal", "population", "cost_share"]))
    majority = f.String(load_default="simple", validate=validate.OneOf(
        ["simple", "absolute", "two_thirds", "unanimous"]))
    quorum_percent = f.Integer(load_default=50, strict=True, validate=validate.Range(0, 100))
    tie_break = f.String(allow_none=True, load_default=None, metadata={
        "description": "rejected (default of a yes/no motion), chair, or lot (default "
        "between proposals)."}, validate=validate.OneOf(["rejected", "chair", "lot"]))
    secret = f.Boolean(load_default=False)
    closes_at = f.AwareDateTime(allow_none=True, load_default=None, metadata={
        "description": "The moment the vote closes by itself (ISO 8601 with its offset)."})
    proposals = f.List(f.String(), allow_none=True, load_default=None, metadata={
        "description": "Two or more proposals, the main proposal (huvudförslag) first, "
        "instead of yes/no."})
    effect = f.Dict(allow_none=True, load_default=None, metadata={
        "description": "A decision that acts when adopted: {kind: admit_member, "
        "municipality, on}, {kind: end_membership, municipality, on}, {kind: adopt_budget, "
        "tool, year}, {kind: adopt_fees, year}."})


class ElectionIn(Schema):
    title = f.String(required=True, validate=validate.Length(min=1, max=300))
    text = f.String(load_default="")
    meeting_id = f.Integer(allow_none=True, load_default=None, validate=ID_RANGE)
    paragraph = f.Integer(allow_none=True, load_default=None, validate=validate.Range(1, 999))
    positions = f.Integer(required=True, strict=True, validate=validate.Range(1, 50))
    candidates = f.List(f.Dict(), required=True, metadata={
        "description": "[{municipality: code} or {name: a person's name}, ...]"})
    weighting = f.String(load_default="equal",
                         validate=validate.OneOf(["equal", "population", "cost_share"]))
    quorum_percent = f.Integer(load_default=50, strict=True, validate=validate.Range(0, 100))
    secret = f.Boolean(load_default=True, metadata={"description": "Default true."})
    closes_at = f.AwareDateTime(allow_none=True, load_default=None)
    effect = f.Dict(allow_none=True, load_default=None, metadata={
        "description": "{kind: board_seats, council, from}: the elected hold the board's "
        "seats from that day."})


class ElectionBallotIn(Schema):
    municipality = f.String(required=True)
    candidates = f.List(f.String(), load_default=list, metadata={
        "description": "The labels of the marked candidates (kommunkod or name); empty: "
        "a blank ballot."})


class PollResultOut(Schema):
    """What the result of every kind of poll says (weights as strings)."""

    participating = f.String()
    total = f.String()
    quorum_met = f.Boolean()
    population_year = f.Integer(allow_none=True)
    secret = f.Boolean()
    lot_seed = f.String(metadata={"description": "Hex of the 32-byte seed, when the lot "
                                  "decided."})
    lot_order = f.List(f.String(), metadata={"description": "The tied labels in the lot's "
                                             "order: sha256(seed|label) ascending."})
    effect_applied = f.Boolean(allow_none=True)
    effect_note = f.String()


class ElectionResultOut(PollResultOut):
    election = f.Integer()
    outcome = f.String(metadata={"enum": ["adopted", "no_quorum"]})
    scores = f.List(f.Dict())
    elected = f.List(f.String())
    vacant = f.Integer()
    blank = f.String()


class TallyOut(Schema):
    motion = f.Integer()
    status = f.String()
    ballots = f.Integer(metadata={"description": "How many seats have voted."})
    seats = f.Integer()
    total = f.String(metadata={"description": "W: the weight of every seat."})
    yes = f.String(allow_none=True)
    no = f.String(allow_none=True)
    abstain = f.String(allow_none=True)


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
    closes_at = f.DateTime(allow_none=True)
    ballots = f.Integer(metadata={"description": "How many seats have voted."})
    seats = f.List(f.Dict())
    disqualified = f.List(f.Nested("DisqualifiedOut"), metadata={
        "description": "Seats disqualified from the vote (jäv), with the reason."})
    kind = f.String(metadata={"enum": ["motion", "proposals", "election"]})
    proposals = f.List(f.Dict(), metadata={"description": "[{number, text}]; 1 is the main "
                                           "proposal."})
    positions = f.Integer(allow_none=True)
    candidates = f.List(f.Dict(), metadata={"description": "[{label, name, municipality?}]"})
    effect = f.Dict(allow_none=True)
    effect_text = f.String()


class DisqualifiedOut(Schema):
    municipality = f.String()
    name = f.String()
    reason = f.String()


class DisqualifyIn(Schema):
    municipality = f.String(required=True, validate=validate.Regexp(r"^\d{4}$"))
    reason = f.String(required=True, validate=validate.Length(min=1, max=500))


class DisqualifyQuery(Schema):
    municipality = f.String(required=True, validate=validate.Regexp(r"^\d{4}$"))


class BallotIn(Schema):
    municipality = f.String(required=True)
    choice = f.String(allow_none=True, load_default=None,
                      validate=validate.OneOf(["yes", "no", "abstain"]))
    proposal = f.Integer(allow_none=True, load_default=None, strict=True, metadata={
        "description": "Between proposals: the number chosen (1-based); or choice abstain."})


class BallotOut(Schema):
    motion = f.Integer()
    municipality = f.String()
    choice = f.String(allow_none=True)
    proposal = f.Integer(allow_none=True)
    candidates = f.List(f.String())
    cast_at = f.DateTime()
    receipt = f.String()
    by_proxy = f.Boolean(metadata={"description": "Cast by the holder of a proxy (fullmakt)."})


class SeatOut(Schema):
    code = f.String()
    name = f.String()
    weight = f.String()
    choice = f.String(allow_none=True)
    proposal = f.Integer(allow_none=True)
    candidates = f.List(f.String())


class ResultOut(PollResultOut):
    motion = f.Integer()
    outcome = f.String(metadata={"enum": ["adopted", "rejected", "no_quorum"]})
    yes = f.String()
    no = f.String()
    abstain = f.String()
    decided_by_chair = f.Boolean()
    weighting = f.String()
    majority = f.String()
    seats = f.List(f.Nested(SeatOut))
    reservations = f.List(f.Dict())
    proposals = f.List(f.Dict(), metadata={"description": "[{number, weight}] between "
                                           "proposals."})
    adopted_proposal = f.Integer(allow_none=True)


class ReservationIn(Schema):
    municipality = f.String(required=True)
    text = f.String(load_default="", validate=validate.Length(max=5000))


class ProxyIn(Schema):
    principal = f.String(required=True, metadata={
        "description": "Code of the municipality that gives the proxy."})
    holder = f.String(required=True, metadata={"description": "E-mail of the representative."})
    meeting_id = f.Integer(allow_none=True, load_default=None, validate=ID_RANGE)
    valid_from = f.Date(allow_none=True, load_default=None)
    valid_until = f.Date(allow_none=True, load_default=None)
    reference = f.String(load_default="", validate=validate.Length(max=200),
                         metadata={"description": "The signed fullmakt's reference."})


class ProxyOut(Schema):
    id = f.Integer()
    council = f.Integer()
    principal = f.String()
    holder = f.String()
    meeting_id = f.Integer(allow_none=True)
    valid_from = f.Date()
    valid_until = f.Date()
    reference = f.String()
    revoked_on = f.Date(allow_none=True)


class RevokeIn(Schema):
    on = f.Date(allow_none=True, load_default=None,
                metadata={"description": "The first day it no longer counts (default today)."})


class RollSeatOut(Schema):
    code = f.String()
    name = f.String()
    represented_by = f.String()
    by_proxy = f.Boolean()
    proxy_reference = f.String(allow_none=True)
    weights = f.Dict(metadata={"description": "equal, population and (tool councils) "
                                              "cost_share, as strings"})
    entered_at = f.DateTime()
    reason = f.String()


class RollOut(Schema):
    meeting = f.Integer()
    fixed_at = f.DateTime(allow_none=True)
    seats = f.List(f.Nested(RollSeatOut))


class RollChangeIn(Schema):
    municipality = f.String(required=True)
    represented_by = f.String(required=True, validate=validate.Length(max=150))
    reason = f.String(required=True, validate=validate.Length(min=1, max=300))
