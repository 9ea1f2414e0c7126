"""Schemas of long work (jobs)."""

from __future__ import annotations

from marshmallow import Schema
from marshmallow import fields as f


class JobOut(Schema):
    id = f.String(metadata={"description": "Not guessable; only its starter (or an admin) "
                                           "reads it."})
    kind = f.String(metadata={"example": "statements_zip"})
    status = f.String(metadata={"enum": ["queued", "running", "done", "failed"]})
    done = f.Integer()
    total = f.Integer()
    result_url = f.String(allow_none=True, metadata={"description": "When done."})
    created_at = f.DateTime()
    finished_at = f.DateTime(allow_none=True)
