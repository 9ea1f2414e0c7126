"""API schemas of tools, participation and usage."""

from __future__ import annotations

from marshmallow import Schema, validate
from marshmallow import fields as f

from consortium.api.schemas.members import Period

TOOL_STATUS = ["development", "operation", "retired"]


class ToolCreate(Schema):
    slug = f.String(required=True, validate=validate.Regexp(
        r"^[a-z0-9]+(?:-[a-z0-9]+)*$", error="Use a-z, 0-9 and single hyphens."),
        metadata={"example": "provisum"})
    name = f.String(required=True, validate=validate.Length(min=1, max=120))
    description = f.String(load_default="", validate=validate.Length(max=5000))
    status = f.String(validate=validate.OneOf(TOOL_STATUS), load_default="development")
    origin = f.String(allow_none=True, load_default=None, validate=validate.Length(max=300))
    owner_since = f.Date(allow_none=True, load_default=None)
    open_to_non_members = f.Boolean(load_default=False)


class ToolPatch(Schema):
    name = f.String(validate=validate.Length(min=1, max=120))
    description = f.String(validate=validate.Length(max=5000))
    status = f.String(validate=validate.OneOf(TOOL_STATUS))
    origin = f.String(allow_none=True, validate=validate.Length(max=300))
    owner_since = f.Date(allow_none=True)
    open_to_non_members = f.Boolean()
    vat_category = f.String(validate=validate.OneOf(("S", "E", "O")), metadata={
        "description": "S: standard 25 %; E: exempt; O: outside the scope of VAT"})
    vat_exemption_reason = f.String(validate=validate.Length(max=300))
    revenue_account = f.String(validate=validate.Regexp(r"^\d{4}$"),
                               metadata={"example": "3001"})


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
    open_to_non_members = f.Boolean()
    vat_category = f.String()
    vat_exemption_reason = f.String()
    revenue_account = f.String()
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
