"""The rules a lower domain must ask of a higher one: before and after it changes a figure,
and where the base must find a municipality.

The register (members, tools) does not know cost sharing, yet a closed year's figures never
change and the stored allocations follow every change of their inputs (SPEC "Time"). Each kind
of change is a dataclass; the cost-sharing domain provides both interfaces in its `init_app`,
and the app does not start without them (consortium/wiring.py): a change is never let through
because nobody answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from consortium import wiring
from consortium.errors import Conflict


@dataclass(frozen=True)
class PopulationChange:
    """Population figures of `year` (of these municipalities, when known)."""

    year: int
    municipality_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class UsageChange:
    tool_id: int
    year: int


@dataclass(frozen=True)
class ParticipationChange:
    """A participation in the tool changes between `start` and `end` (None: open end)."""

    tool_id: int
    start: date
    end: date | None


@dataclass(frozen=True)
class MembershipChange:
    """Membership changes from `on` onwards."""

    on: date


FigureChange = PopulationChange | UsageChange | ParticipationChange | MembershipChange


class ClosedYearGuard(Protocol):
    def refusal(self, change: FigureChange) -> str | None:
        """Why the change may not be made (it would alter a closed year), or None."""


class DerivedFigures(Protocol):
    def recompute(self, change: FigureChange) -> None:
        """Store again, in the change's transaction, every derived figure it touches."""


class MunicipalityDirectory(Protocol):
    """How the base (a user's municipality, a form's municipality field) finds a
    municipality without importing the register: members provides it."""

    def code_for(self, text: str) -> str | None:
        """The code of the municipality that `text` names ("0483", "Katrineholm",
        "Katrineholm (0483)"); None when none or several do."""

    def id_for(self, code: str) -> int | None:
        """The id of the municipality with this code, or None."""


CLOSED_YEAR_GUARD: wiring.Rule[ClosedYearGuard] = wiring.Rule("ClosedYearGuard")
DERIVED_FIGURES: wiring.Rule[DerivedFigures] = wiring.Rule("DerivedFigures")
MUNICIPALITY_DIRECTORY: wiring.Rule[MunicipalityDirectory] = wiring.Rule("MunicipalityDirectory")
REQUIRED = (CLOSED_YEAR_GUARD, DERIVED_FIGURES, MUNICIPALITY_DIRECTORY)


def refuse_change(change: FigureChange) -> None:
    """Raise a 409 with the reason when the change would alter a closed year."""
    reason = wiring.rule(CLOSED_YEAR_GUARD).refusal(change)
    if reason:
        raise Conflict(reason)


def figures_changed(change: FigureChange) -> None:
    """After the change is flushed, before the commit: recompute what depends on it."""
    wiring.rule(DERIVED_FIGURES).recompute(change)
