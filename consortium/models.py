"""Imports every model so that Base.metadata knows the whole schema (for Alembic and tests)."""

from consortium.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
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
from consortium.frame.stamps import DataStamp
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
    Proxy,
    Reservation,
    RollEntry,
    SealedBallot,
)
from consortium.governance.poll_models import BallotMark, Disqualification, PollOption
from consortium.invoicing.models import (
    Invoice,
    InvoiceLine,
    InvoiceSeries,
    InvoicingSettings,
    Payment,
)
from consortium.jobs.models import Job
from consortium.members.models import MembershipPeriod, Municipality, PopulationFigure
from consortium.notices.models import Notice, NoticeOptOut
from consortium.tools.models import Participation, Tool, UsageFigure

__all__ = [
    "Adjustment", "AgendaItem", "AllocationLine", "ApiToken", "Attendance", "AuditChainHead",
    "AuditCheckpoint", "AuditEvent", "Invoice", "InvoiceLine", "InvoiceSeries",
    "InvoicingSettings", "Payment",
    "Ballot", "BallotMark", "BoardSeat", "PollOption", "Budget", "ClosedYear", "Council",
    "DataStamp", "Disqualification", "FeeBand",
    "FeeSchedule", "Job",
    "Meeting", "MeetingOfficer", "MeetingSignature", "MembershipPeriod", "Motion",
    "MotionResult", "MotionSeat", "Municipality", "Notice", "NoticeOptOut", "Participation",
    "PopulationFigure", "Proxy", "Reservation", "Role", "RollEntry", "SealedBallot",
    "StoredDocument", "StoredFee", "Tool", "UsageFigure", "User",
]
