"""API schemas of the frame: the signed-in user and the audit log."""

from __future__ import annotations

from marshmallow import Schema
from marshmallow import fields as f


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
