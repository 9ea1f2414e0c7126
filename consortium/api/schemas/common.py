"""API schemas of the frame: the signed-in user and the audit log."""

from __future__ import annotations

from marshmallow import Schema, validate
from marshmallow import fields as f

# A record's id in a body: what a BIGINT column holds (a larger one names no record, and would
# overflow the database driver: a 500)
ID_RANGE = validate.Range(1, 2**63 - 1)


class Me(Schema):
    email = f.String()
    name = f.String()
    role = f.String()
    municipality = f.String(allow_none=True)


class CheckpointOut(Schema):
    sequence = f.Integer(metadata={"description": "The newest linked event's place in the "
                                                  "chain when it was signed"})
    sha256 = f.String(metadata={"description": "That event's keyed hash"})
    at = f.String(metadata={"description": "When it was signed (ISO 8601)"})
    public_key = f.String(metadata={"description": "The Ed25519 key that signed it (hex)"})
    signature = f.String(metadata={"description": "Ed25519 over {at, sequence, sha256} as "
                                                  "compact JSON with sorted keys (hex)"})


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
