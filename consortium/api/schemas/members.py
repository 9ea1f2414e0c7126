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


class PostalAddress(Schema):
    street = f.String(allow_none=True, validate=validate.Length(max=200))
    postcode = f.String(allow_none=True, validate=validate.Length(max=20))
    city = f.String(allow_none=True, validate=validate.Length(max=100))


class MunicipalityPatch(Schema):
    name = f.String(validate=validate.Length(min=1, max=100))
    county = f.String(validate=validate.Length(min=1, max=100))
    status = f.String(validate=validate.OneOf(STATUS), allow_none=True)
    joined_on = f.Date(allow_none=True)
    left_on = f.Date(allow_none=True)
    org_number = f.String(allow_none=True)
    invoice_reference = f.String(allow_none=True, validate=validate.Length(max=200))
    address = f.Nested(PostalAddress, metadata={"description": "Where invoices go"})
    peppol_id = f.String(allow_none=True, validate=validate.Length(max=40), metadata={
        "example": "0007:2120000142",
        "description": "Peppol participant id; by default from the organisation number"})


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
    source = f.String(allow_none=True)
    import_id = f.Integer(allow_none=True, metadata={
        "description": "The import that wrote the figure (`GET /imports/{id}`); null when "
                       "it was entered by hand."})


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
    address = f.Nested(PostalAddress)
    peppol_id = f.String(allow_none=True)
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


class ImportCreate(Schema):
    filename = f.String(required=True, validate=validate.Length(min=1, max=200),
                        metadata={"example": "BE0101.csv"})
    content = f.String(required=True, validate=validate.Length(min=1, max=4_000_000),
                       metadata={"description": "The file's bytes in base64: the registry's "
                                 "CSV, or SCB's or SSB's table as CSV or XLSX."})
    dry_run = f.Boolean(load_default=False, metadata={
        "description": "Check and show what would change; write nothing."})
    rename = f.List(f.String(validate=validate.Regexp(r"^\d{4}$")), load_default=list,
                    validate=validate.Length(max=1000), metadata={
                        "description": "Codes whose name in the file replaces the register's."
                                       " Without it a name that differs is an error."})


class ImportRow(Schema):
    line = f.Integer()
    code = f.String()
    kind = f.String(metadata={"enum": ["new_municipality", "new_figure", "changed_figure",
                                       "renamed", "unchanged"]})
    year = f.Integer(allow_none=True)
    population_before = f.Integer(allow_none=True)
    population_after = f.Integer(allow_none=True)
    name_before = f.String(allow_none=True)
    name_after = f.String(allow_none=True)


class Import(Schema):
    id = f.Integer(allow_none=True, metadata={"description": "null for a dry run"})
    created_at = f.DateTime(allow_none=True)
    by = f.String(allow_none=True)
    filename = f.String()
    sha256 = f.String()
    layout = f.String(metadata={"enum": ["registry", "scb", "ssb"]})
    title = f.String()
    row_count = f.Integer()
    counts = f.Dict(keys=f.String(), values=f.Integer())
    rows = f.List(f.Nested(ImportRow))
