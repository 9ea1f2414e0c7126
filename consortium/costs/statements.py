"""Who may read which municipality's statement (kostnadsunderlag)."""

from __future__ import annotations

from consortium.auth.models import Role, User
from consortium.members.models import Municipality


def may_read_statement(user: User | None, municipality: Municipality) -> bool:
    """The office, auditors and consortium-wide finance read every statement; a finance user
    or representative tied to a municipality reads only that municipality's."""
    if user is None:
        return False
    if user.role in (Role.ADMIN, Role.OBSERVER):
        return True
    if user.role is Role.FINANCE and user.municipality_id is None:
        return True
    return user.municipality_id == municipality.id
