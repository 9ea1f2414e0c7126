"""API schemas of the register: municipalities, membership periods, population."""

from __future__ import annotations

from marshmallow import Schema, validate
from marshmallow import fields as f

STATUS = ["applicant", "member", "resigned"]


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
    status = f.String(validate=validate.OneOf([*STATUS, "admitted", "none"]),
                      metadata={"description": "Membership as it is today: `member`, "
                                "`admitted` (member from a later day), `applicant`, "
                                "`resigned`; `none` for non-members."})
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
    standing = f.String(allow_none=True, metadata={
        "enum": [*STATUS, "admitted", None],
        "description": "Membership as it is today: `admitted` until an admission's day."})
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
