"""API schemas of cost sharing: budgets, keys, allocations, statements, fees."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, validate
from marshmallow import fields as f

from consortium.api.schemas.common import ID_RANGE
from consortium.money import MoneyError, parse_api, to_api


class Money(f.Field[int]):
    """SEK as a decimal string with two decimals ("1250000.00"); integers are accepted."""

    def _serialize(self, value: int | None, attr: str | None, obj: Any,
                   **kwargs: Any) -> str | None:
        return None if value is None else to_api(value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
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
    decision_motion_id = f.Integer(allow_none=True, load_default=None, validate=ID_RANGE)


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
    type = f.String(metadata={"enum": ["tool", "membership_fee", "adjustment"]})
    key = f.String(allow_none=True)
    basis = f.String(allow_none=True)
    share = f.String(allow_none=True)
    status = f.String(metadata={
        "enum": ["adopted", "draft", "not_decided"],
        "description": "`not_decided`: no budget (or no fee schedule) yet; `amount` is null."})
    amount = Money(allow_none=True, metadata={"type": "string", "nullable": True})
    year = f.Integer(metadata={"description": "Adjustments: the closed year adjusted."})
    reason = f.String(metadata={"description": "Adjustments: why the budget changed."})


class StatementOut(Schema):
    code = f.String()
    name = f.String()
    year = f.Integer()
    closed = f.Boolean(metadata={"description": "The year is closed: the statement is final."})
    preliminary = f.Boolean(metadata={"description": "True until the year is closed."})
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
    decision = f.Integer(allow_none=True, metadata={
        "description": "The motion whose adoption adopted the schedule (then it is final)."})


class ClosedYearOut(Schema):
    year = f.Integer()
    closed = f.Boolean()
    closed_at = f.DateTime()
