"""Imports every model so that Base.metadata knows the whole schema (for Alembic and tests)."""

from consortium.audit.models import AuditEvent
from consortium.auth.models import ApiToken, Role, User
from consortium.costs.models import (
    Adjustment,
    AllocationLine,
    Budget,
    ClosedYear,
    FeeBand,
    FeeSchedule,
    StoredFee,
)
from consortium.documents.models import StoredDocument
from consortium.governance.models import (
    AgendaItem,
    Attendance,
    Ballot,
    BoardSeat,
    Council,
    Meeting,
    MeetingOfficer,
    MeetingSignature,
    Motion,
    MotionResult,
    MotionSeat,
    Reservation,
    SecretTally,
)
from consortium.jobs.models import Job
from consortium.members.models import MembershipPeriod, Municipality, PopulationFigure
from consortium.tools.models import Participation, Tool, UsageFigure

__all__ = [
    "Adjustment", "AgendaItem", "AllocationLine", "ApiToken", "Attendance", "AuditEvent",
    "Ballot", "ClosedYear", "Job",
    "BoardSeat", "Budget", "Council", "FeeBand", "FeeSchedule", "Meeting", "MeetingOfficer",
    "MeetingSignature", "MembershipPeriod", "Motion", "MotionResult", "MotionSeat",
    "Municipality", "Participation", "PopulationFigure", "Reservation", "Role", "SecretTally",
    "StoredDocument", "StoredFee", "Tool", "UsageFigure", "User",
]
