"""Budgets, their versions and adoption, and fee schedules: each operation one transaction
with its audit event. The arithmetic lives in allocation.py and fees.py."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from consortium import clock, db
from consortium.audit.service import record
from consortium.auth.models import User
from consortium.costs import inputs, notices, years
from consortium.costs.allocation import (
    NEEDS_POPULATION,
    Allocation,
    AllocationError,
    Key,
    allocate,
)
from consortium.costs.keys import decimal_text, key_json, key_of, store_key
from consortium.costs.models import (
    AllocationLine,
    Budget,
    BudgetStatus,
)
from consortium.errors import Conflict, Invalid, NotFound
from consortium.members.models import Municipality
from consortium.members.validation import year_error
from consortium.tools.models import Tool


def explain(error: AllocationError) -> Invalid:
    """The pure module's refusal as a message for people, naming every municipality."""
    names = ", ".join(f"{name} ({code})" for code, name in error.missing)
    messages = {
        "missing_population": _("No population figure for %(year)s for: %(names)s. Enter the "
                                "figures or choose another population year.",
                                year=error.year, names=names),
        "missing_usage": _("No usage figure for %(year)s for: %(names)s.", year=error.year,
                           names=names),
        "no_participants": _("No municipality takes part in the tool in %(year)s.",
                             year=error.year),
        "zero_weights": _("The weights of all participants sum to zero; there is nothing to "
                          "share by."),
    }
    message = messages.get(error.kind, str(error))
    return Invalid(message, {"key": message})


# --- budgets ------------------------------------------------------------------------------

def versions(tool: Tool, year: int) -> list[Budget]:
    return list(db.session.scalars(
        select(Budget).where(Budget.tool_id == tool.id, Budget.year == year)
        .order_by(Budget.version)))


def current(tool: Tool, year: int) -> Budget | None:
    found = versions(tool, year)
    return found[-1] if found else None


def get_current(tool: Tool, year: int) -> Budget:
    budget = current(tool, year)
    if budget is None:
        raise NotFound(_("%(tool)s has no budget for %(year)s.", tool=tool.name, year=year))
    return budget


def _snapshot(budget: Budget) -> dict[str, Any]:
    return {"version": budget.version, "amount": budget.amount, "status": budget.status.value,
            "key": key_json(key_of(budget))}


def check_year(year: int) -> None:
    if message := year_error(year):
        raise Invalid(message, {"year": message})


def lock_budgets(tool: Tool) -> None:
    """Serialise every change to the tool's budgets (enter, edit, new version, adopt): the
    tool's row is locked until the transaction ends (SELECT … FOR UPDATE on PostgreSQL;
    SQLite's writers are serialised by BEGIN IMMEDIATE). The caller then reads the versions
    anew, so the second of two simultaneous requests sees what the first did."""
    db.session.execute(select(Tool.id).where(Tool.id == tool.id).with_for_update())
    # The versions as they are now, refreshed in the session
    db.session.scalars(select(Budget).where(Budget.tool_id == tool.id)
                       .execution_options(populate_existing=True)).all()


def set_budget(tool: Tool, year: int, amount: int, key: Key, *, actor: User | None = None,
               actor_label: str | None = None) -> tuple[Budget, bool]:
    """Enter or change the draft budget of a tool and year. An adopted budget never changes:
    that needs a new version (revise)."""
    check_year(year)
    lock_budgets(tool)
    latest = current(tool, year)
    if latest is None:
        years.refuse_if_closed(year, _("its budgets"), _(
            "A change to an adopted budget is a new version with a reason; its difference "
            "appears as an adjustment on the next statement."))
    if latest is not None and latest.status is BudgetStatus.ADOPTED:
        raise Conflict(_("The budget of %(tool)s for %(year)s is adopted and cannot be changed. "
                         "Make a new version that says why.", tool=tool.name, year=year))
    created = latest is None
    before = None if latest is None else _snapshot(latest)
    budget = latest or Budget(tool_id=tool.id, year=year, version=1)
    budget.amount = amount
    store_key(budget, key)
    if created:
        db.session.add(budget)
    db.session.flush()
    store_allocation(budget)
    record("budget.set", "budget", f"{tool.slug}/{year}", before=before,
           after=_snapshot(budget), actor=actor, actor_label=actor_label)
    return budget, created


def revise(tool: Tool, year: int, amount: int, key: Key, reason: str, *,
           actor: User | None = None, actor_label: str | None = None) -> Budget:
    """A new draft version of an adopted budget; it names the version it replaces and why."""
    lock_budgets(tool)
    latest = get_current(tool, year)
    if latest.status is not BudgetStatus.ADOPTED:
        raise Conflict(_("Version %(version)s is still a draft: change it instead of making a "
                         "new version.", version=latest.version))
    if not reason or not reason.strip():
        message = _("Say why the adopted budget is changed.")
        raise Invalid(message, {"reason": message})
    budget = Budget(tool_id=tool.id, year=year, version=latest.version + 1,
                    previous_id=latest.id, change_reason=reason.strip(), amount=amount)
    store_key(budget, key)
    db.session.add(budget)
    db.session.flush()
    store_allocation(budget)
    record("budget.revise", "budget", f"{tool.slug}/{year}", before=_snapshot(latest),
           after=_snapshot(budget), note=reason.strip(), actor=actor, actor_label=actor_label)
    return budget


def population_year_of(budget: Budget) -> int | None:
    key = key_of(budget)
    return key.effective_population_year(budget.year) if key.method in NEEDS_POPULATION \
        else None


def _allocate(budget: Budget) -> tuple[Allocation, dict[str, int]]:
    """The allocation of a budget from today's register, with the participants' ids by code."""
    people = inputs.participants({budget.tool_id: (budget.year, population_year_of(budget))})
    found = people.get(budget.tool_id, [])
    allocation = allocate(budget.amount, key_of(budget), budget.year, [p for _mid, p in found])
    return allocation, {p.code: mid for mid, p in found}


def compute(budget: Budget) -> Allocation:
    """The allocation of an unsaved budget (a preview)."""
    try:
        return _allocate(budget)[0]
    except AllocationError as error:
        raise explain(error) from None


def problem_json(error: AllocationError) -> dict[str, Any]:
    return {"kind": error.kind, "year": error.year, "missing": [list(m) for m in error.missing],
            "message": str(error)}


def problem_text(problem: dict[str, Any]) -> str:
    """A stored problem as a message in the reader's language."""
    return explain(AllocationError(problem.get("message", ""),
                                   [tuple(m) for m in problem.get("missing", [])],
                                   kind=problem.get("kind", "invalid_key"),
                                   year=problem.get("year"))).message


def store_allocation(budget: Budget) -> AllocationError | None:
    """Compute a draft's allocation from today's register and store its lines (replacing
    those stored before), or store why it cannot be computed. Called whenever an input of
    the draft changes, in that change's transaction (SPEC "Time")."""
    assert budget.status is BudgetStatus.DRAFT
    db.session.execute(delete(AllocationLine).where(AllocationLine.budget_id == budget.id),
                       execution_options={"synchronize_session": False})
    budget.computed_at = clock.now()
    try:
        allocation, ids = _allocate(budget)
    except AllocationError as error:
        budget.allocation_problem = problem_json(error)
        return error
    budget.allocation_problem = None
    if allocation.lines:
        db.session.execute(insert(AllocationLine), [
            {"budget_id": budget.id, "municipality_id": ids[line.code],
             "basis": _basis_text(line.basis), "fraction": _fraction_text(line.fraction),
             "share": _fraction_text(line.share(allocation.amount)), "amount": line.amount}
            for line in allocation.lines])
    return None


class ViewLine:
    """A municipality's line of an allocation as pages and documents show it. The exact
    fraction and share may be given as stored ("p/q") and become Fractions only when read: a
    page that shows amounts only never parses them."""

    __slots__ = ("code", "name", "basis", "amount", "_fraction", "_share")

    def __init__(self, code: str, name: str, basis: str, fraction: Fraction | str,
                 share: Fraction | str, amount: int) -> None:
        self.code, self.name, self.basis, self.amount = code, name, basis, amount
        self._fraction, self._share = fraction, share

    @property
    def fraction(self) -> Fraction:
        if isinstance(self._fraction, str):
            self._fraction = Fraction(self._fraction)
        return self._fraction

    @property
    def share(self) -> Fraction:
        if isinstance(self._share, str):
            self._share = Fraction(self._share)
        return self._share

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ViewLine) and (
            self.code, self.name, self.basis, self.fraction, self.share, self.amount) == (
            other.code, other.name, other.basis, other.fraction, other.share, other.amount)

    __hash__ = None  # type: ignore[assignment]


@dataclass
class AllocationView:
    budget: Budget
    key: Key
    population_year: int | None
    lines: list[ViewLine]

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


def _basis_text(basis: int | Fraction) -> str:
    return str(basis) if isinstance(basis, int) else decimal_text(basis)


def view_of(allocation: Allocation, budget: Budget) -> AllocationView:
    return AllocationView(budget, allocation.key, allocation.population_year, [
        ViewLine(line.code, line.name, _basis_text(line.basis), line.fraction,
                 line.share(allocation.amount), line.amount) for line in allocation.lines])


def stored_lines(budget_ids: list[int], municipality_id: int | None = None
                 ) -> dict[int, list[ViewLine]]:
    """The stored lines of the budgets by budget id (of one municipality when given), by
    code."""
    if not budget_ids:
        return {}
    query = (select(AllocationLine.budget_id, Municipality.code, Municipality.name,
                    AllocationLine.basis, AllocationLine.fraction, AllocationLine.share,
                    AllocationLine.amount)
             .join(Municipality, Municipality.id == AllocationLine.municipality_id)
             .where(db.any_of(AllocationLine.budget_id, budget_ids))
             .order_by(AllocationLine.budget_id, Municipality.code))
    if municipality_id is not None:
        query = query.where(AllocationLine.municipality_id == municipality_id)
    found: dict[int, list[ViewLine]] = {budget_id: [] for budget_id in budget_ids}
    for budget_id, code, name, basis, fraction, share, amount in db.session.execute(query):
        found[budget_id].append(ViewLine(code, name, basis, fraction, share, amount))
    return found


def problem_of(budget: Budget) -> str | None:
    """Why a draft has no allocation (None when its lines are stored)."""
    if budget.status is BudgetStatus.ADOPTED:
        return None
    if budget.computed_at is None:
        return _("The allocation of this draft has not been computed yet (flask costs "
                 "refresh).")
    return problem_text(budget.allocation_problem) if budget.allocation_problem else None


def view_from(budget: Budget, lines: list[ViewLine]) -> AllocationView:
    return AllocationView(budget, key_of(budget), population_year_of(budget)
                          if budget.status is BudgetStatus.DRAFT else budget.key_population_year,
                          lines)


def allocation_of(budget: Budget) -> AllocationView:
    """The stored allocation: frozen lines when adopted, the lines stored at the draft's last
    input change otherwise. Nothing is computed on reading."""
    problem = problem_of(budget)
    if problem is not None:
        raise Invalid(problem, {"key": problem})
    return view_from(budget, stored_lines([budget.id])[budget.id])


def _link_decision(budget: Budget, motion_id: int) -> None:
    """Name the council's decision; its foreign key says whether that decision exists."""
    budget.decision_motion_id = motion_id
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Invalid(_("No decision has that number."),
                      {"decision_motion_id": _("Unknown decision.")}) from None


def adopt(budget: Budget, *, actor: User | None = None, actor_label: str | None = None,
          decision_motion_id: int | None = None) -> AllocationView:
    """Freeze the budget and its allocation. Later changes need a new version."""
    lock_budgets(budget.tool)
    latest = current(budget.tool, budget.year)
    if latest is not None and latest.id != budget.id:
        raise Conflict(_("Version %(version)s of this budget has been made meanwhile; adopt "
                         "that one.", version=latest.version))
    if budget.status is BudgetStatus.ADOPTED:
        raise Conflict(_("Version %(version)s of this budget is already adopted.",
                         version=budget.version))
    if decision_motion_id is not None:
        _link_decision(budget, decision_motion_id)
    error = store_allocation(budget)  # adopted exactly as the register stands now
    if error is not None:
        raise explain(error)
    view = allocation_of(budget)
    if view.lines and view.total != budget.amount:  # never adopt lines that miss the amount
        raise Conflict(_("The allocation does not add up to the budget; nothing was adopted. "
                         "Try again."))
    budget.status = BudgetStatus.ADOPTED
    budget.key_population_year = view.population_year  # the year actually used
    budget.adopted_at = clock.now()
    budget.adopted_by_id = actor.id if actor else None
    db.session.flush()
    adjustments = []
    if years.closed(budget.year) is not None and budget.previous_id is not None:
        previous = db.session.get(Budget, budget.previous_id)
        assert previous is not None
        adjustments = years.adjust(budget, previous)
    record("budget.adopt", "budget", f"{budget.tool.slug}/{budget.year}",
           after={**_snapshot(budget), "lines": {line.code: line.amount for line in view.lines},
                  **({"adjustments": {a.municipality_id: a.amount for a in adjustments},
                      "adjusted_on": years.next_open_year(budget.year)} if adjustments else {})},
           actor=actor, actor_label=actor_label)
    notices.budget_adopted(budget.tool.slug, budget.tool.name, budget.year,
                           {line.code: line.amount for line in view.lines})
    return view


def _fraction_text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 \
        else f"{value.numerator}/{value.denominator}"


def preview(tool: Tool, year: int, amount: int, key: Key) -> AllocationView:
    """What a budget would give, computed without saving anything."""
    budget = Budget(tool_id=tool.id, year=year, version=0, amount=amount,
                    status=BudgetStatus.DRAFT)
    store_key(budget, key)
    return view_of(compute(budget), budget)


def amounts_of(tool: Tool, year: int) -> dict[str, int]:
    """Each municipality's amount in the tool's current budget of `year` (empty if none or
    if it cannot be computed)."""
    budget = current(tool, year)
    if budget is None:
        return {}
    try:
        return {line.code: line.amount for line in allocation_of(budget).lines}
    except Invalid:
        return {}
