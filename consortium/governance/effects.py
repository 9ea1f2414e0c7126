"""Decisions that act (SPEC "Decisions that act"): a poll may carry one effect, named when it
is made, shown to the voters, and applied in the transaction that closes it, only when it
is adopted (for a vote between proposals: when the main proposal, which the effect belongs
to, is adopted). The changed record names the decision and the result names the change.

An effect that can no longer be applied when the poll closes (the budget's draft changed
since the poll opened, the municipality became a member meanwhile) is not applied, and the
result says why; the decision itself stands."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from consortium import clock, db
from consortium.audit.service import record
from consortium.costs import fee_schedules, years
from consortium.costs import service as budgets
from consortium.costs.models import Budget, BudgetStatus
from consortium.errors import DomainError, Invalid
from consortium.governance import councils
from consortium.governance.models import (
    AgendaItem,
    Council,
    CouncilKind,
    Meeting,
    Motion,
    PollKind,
)
from consortium.members import service as members
from consortium.members.models import MembershipStatus, Municipality
from consortium.tools.models import Tool

MOTION_EFFECTS = ("admit_member", "end_membership", "adopt_budget", "adopt_fees")
ELECTION_EFFECTS = ("board_seats",)


def _date(value: Any, field: str, errors: dict[str, str]) -> date | None:
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        errors[field] = _("A date (YYYY-MM-DD).")
        return None


def _year(value: Any, errors: dict[str, str]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2100:
        errors["effect"] = _("The effect needs its year (1900-2100).")
        return None
    return value


def check(raw: Any, kind: PollKind) -> dict[str, Any] | None:
    """The effect as it will be stored, or Invalid naming what cannot be: an effect on a
    municipality that cannot take it, a tool with no draft budget, a board that is not one."""
    if raw is None:
        return None
    allowed = ELECTION_EFFECTS if kind is PollKind.ELECTION else MOTION_EFFECTS
    if not isinstance(raw, dict) or raw.get("kind") not in allowed:
        message = _("The effect is one of: %(kinds)s.", kinds=", ".join(allowed))
        raise Invalid(message, {"effect": message})
    errors: dict[str, str] = {}
    effect: dict[str, Any] = {"kind": raw["kind"]}
    if raw["kind"] in ("admit_member", "end_membership"):
        municipality = db.session.scalar(select(Municipality).where(
            Municipality.code == str(raw.get("municipality") or "")))
        on = _date(raw.get("on"), "effect", errors)
        if municipality is None:
            errors["effect"] = _("No municipality has the code %(code)s.",
                                 code=raw.get("municipality"))
        elif raw["kind"] == "admit_member" and municipality.status is MembershipStatus.MEMBER:
            errors["effect"] = _("%(name)s is already a member.", name=municipality.name)
        elif raw["kind"] == "end_membership" \
                and municipality.status is not MembershipStatus.MEMBER:
            errors["effect"] = _("%(name)s is not a member.", name=municipality.name)
        elif on is not None:
            effect.update(municipality=municipality.code, on=on.isoformat())
    elif raw["kind"] == "adopt_budget":
        tool = db.session.scalar(select(Tool).where(Tool.slug == str(raw.get("tool") or "")))
        year = _year(raw.get("year"), errors)
        if tool is None:
            errors["effect"] = _("No tool is called %(slug)s.", slug=raw.get("tool"))
        elif year is not None:
            draft = budgets.current(tool, year)
            if draft is None or draft.status is not BudgetStatus.DRAFT:
                errors["effect"] = _("%(tool)s has no draft budget for %(year)s to adopt.",
                                     tool=tool.name, year=year)
            else:
                effect.update(tool=tool.slug, year=year)
    elif raw["kind"] == "adopt_fees":
        year = _year(raw.get("year"), errors)
        if year is not None:
            schedule = fee_schedules.fee_schedule(year)
            if schedule is None:
                errors["effect"] = _("%(year)s has no fee schedule to adopt.", year=year)
            elif schedule.adopted_at is not None:
                errors["effect"] = _("The fees of %(year)s are already adopted.", year=year)
            elif years.closed(year) is not None:
                errors["effect"] = _("%(year)s is closed.", year=year)
            else:
                effect.update(year=year)
    else:
        council_id = raw.get("council")
        if isinstance(council_id, str) and council_id.isdigit():
            council_id = int(council_id)
        board = db.session.get(Council, council_id) \
            if isinstance(council_id, int) and not isinstance(council_id, bool) else None
        start = _date(raw.get("from"), "effect", errors)
        if board is None or board.kind is not CouncilKind.BOARD:
            errors["effect"] = _("The board's seats: name a council that is a board.")
        elif start is not None:
            effect.update(council=board.id, **{"from": start.isoformat()})
    if errors:
        raise Invalid(errors["effect"], errors)
    return effect


def basis_at_opening(motion: Motion) -> dict[str, Any] | None:
    """What the effect acts on as it stands when the poll opens: a budget's draft."""
    effect = motion.effect
    if not effect or effect["kind"] != "adopt_budget":
        return None
    tool = db.session.scalar(select(Tool).where(Tool.slug == effect["tool"]))
    draft = budgets.current(tool, effect["year"]) if tool else None
    return None if draft is None else _budget_basis(draft)


def _budget_basis(budget: Budget) -> dict[str, Any]:
    return {"budget": budget.id, "version": budget.version, "amount": budget.amount,
            "key": [budget.key_method.value, budget.key_population_year,
                    budget.key_base_share, budget.key_bands], "status": budget.status.value}


def decision_label(motion: Motion) -> str:
    """The decision as a register names it: council, meeting and §, or per capsulam."""
    council = db.session.get(Council, motion.council_id)
    assert council is not None
    found = db.session.execute(select(Meeting, AgendaItem.number).join(
        AgendaItem, AgendaItem.meeting_id == Meeting.id)
        .where(AgendaItem.id == motion.agenda_item_id)).first() \
        if motion.agenda_item_id else None
    if found is None:
        return _("%(council)s, decision %(id)s (per capsulam)", council=council.name,
                 id=motion.id)
    meeting, number = found
    return _("%(council)s %(meeting)s § %(number)s", council=council.name,
             meeting=f"{meeting.year}:{meeting.number}", number=number)


def apply(motion: Motion, *, adopted: bool, elected: list[Municipality] | None = None
          ) -> tuple[bool | None, str]:
    """Apply the effect of an adopted decision, in the closing transaction: (applied, what
    changed or why not). (None, "") when the poll has no effect."""
    effect = motion.effect
    if not effect:
        return None, ""
    if not adopted:
        return False, _("Not applied: the decision was not adopted.")
    label = decision_label(motion)
    try:
        with db.session.begin_nested():
            change = _act(motion, effect, label, elected or [])
    except DomainError as error:
        return False, _("Not applied: %(reason)s", reason=str(error))
    record("decision.effect", "motion", motion.id, after={**effect, "change": change},
           note=label, actor_label=label)
    return True, change


def _act(motion: Motion, effect: dict[str, Any], label: str,
         elected: list[Municipality]) -> str:
    kind = effect["kind"]
    if kind in ("admit_member", "end_membership"):
        municipality = members.get_by_code(effect["municipality"])
        on = date.fromisoformat(effect["on"])
        members.change_membership(municipality, "admit" if kind == "admit_member" else "resign",
                                  on, note=label, actor_label=label)
        if kind == "admit_member":
            municipality.membership_periods[-1].note = label
        return change_text(effect, [])
    if kind == "adopt_budget":
        tool = db.session.scalar(select(Tool).where(Tool.slug == effect["tool"]))
        draft = budgets.current(tool, effect["year"]) if tool else None
        if draft is None or motion.effect_basis is None \
                or _budget_basis(draft) != motion.effect_basis:
            raise Invalid(_("the draft budget changed after the vote opened."))
        budgets.adopt(draft, actor_label=label, decision_motion_id=motion.id)
        return change_text({**effect, "version": draft.version}, [])
    if kind == "adopt_fees":
        schedule = fee_schedules.fee_schedule(effect["year"])
        if schedule is None or schedule.adopted_at is not None:
            raise Invalid(_("the fee schedule is gone or already adopted."))
        years.refuse_if_closed(schedule.year, _("its membership fees"))
        schedule.decision_motion_id = motion.id
        schedule.adopted_at = clock.now()
        record("fees.adopt", "fee_schedule", schedule.year, after={"decision": motion.id},
               note=label, actor_label=label)
        return change_text(effect, [])
    board = db.session.get(Council, effect["council"])
    if board is None or not elected:
        raise Invalid(_("no one was elected to seat."))
    start = date.fromisoformat(effect["from"])
    councils.reseat(board, elected, start, motion.id)
    record("council.seats", "council", board.id,
           after={"seats": sorted(m.code for m in elected), "from": effect["from"]},
           note=label, actor_label=label)
    return change_text(effect, [(m.name, m.code) for m in elected])


def change_text(effect: dict[str, Any], elected: list[tuple[str, str | None]]) -> str:
    """What an applied effect changed, in the reader's language."""
    kind = effect["kind"]
    if kind == "admit_member":
        return _("%(code)s is a member from %(date)s.", code=_name(effect["municipality"]),
                 date=effect["on"])
    if kind == "end_membership":
        return _("%(code)s leaves the consortium on %(date)s.",
                 code=_name(effect["municipality"]), date=effect["on"])
    if kind == "adopt_budget":
        return _("The budget of %(tool)s for %(year)s is adopted.", tool=effect["tool"],
                 year=effect["year"])
    if kind == "adopt_fees":
        return _("The membership fees of %(year)s are adopted.", year=effect["year"])
    board = db.session.get(Council, effect["council"])
    return _("%(board)s: %(names)s hold the seats from %(date)s.",
             board=board.name if board else effect["council"],
             names=", ".join(f"{name} ({code})" if code else name for name, code in elected),
             date=effect["from"])


def result_text(effect: dict[str, Any] | None, applied: bool | None, note: str,
                elected: list[tuple[str, str | None]]) -> str:
    """The result's word on the effect, in the reader's language: what changed, or why not
    (a reason the services gave is kept as it was written when the vote closed)."""
    if not effect or applied is None:
        return ""
    if applied:
        return _("Applied: %(change)s", change=change_text(effect, elected))
    return note


def describe(effect: dict[str, Any] | None) -> str:
    """The effect in words, for the voters and the protocol."""
    if not effect:
        return ""
    kind = effect["kind"]
    if kind == "admit_member":
        return _("If adopted: admits %(code)s as a member from %(date)s.",
                 code=_name(effect["municipality"]), date=effect["on"])
    if kind == "end_membership":
        return _("If adopted: %(code)s leaves the consortium on %(date)s.",
                 code=_name(effect["municipality"]), date=effect["on"])
    if kind == "adopt_budget":
        return _("If adopted: adopts the draft budget of %(tool)s for %(year)s as it stood "
                 "when the vote opened.", tool=effect["tool"], year=effect["year"])
    if kind == "adopt_fees":
        return _("If adopted: adopts the membership fee schedule of %(year)s.",
                 year=effect["year"])
    board = db.session.get(Council, effect["council"])
    return _("The elected hold the seats of %(board)s from %(date)s.",
             board=board.name if board else effect["council"], date=effect["from"])


def _name(code: str) -> str:
    name = db.session.scalar(select(Municipality.name).where(Municipality.code == code))
    return f"{name} ({code})" if name else code
