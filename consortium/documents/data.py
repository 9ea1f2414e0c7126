"""The plain data each document is rendered from, gathered first (never live ORM objects in
the templates). Labels are translated here, in the document's language."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from consortium import clock, db
from consortium.costs.allocation import as_decimal
from consortium.governance import meetings, results, roll
from consortium.governance.labels import (
    CHOICE_LABELS,
    MAJORITY_LABELS,
    OFFICER_LABELS,
    OUTCOME_LABELS,
    WEIGHTING_LABELS,
)
from consortium.governance.models import (
    AgendaItem,
    Attendance,
    AttendanceCapacity,
    Meeting,
    MeetingOfficer,
    Motion,
    MotionStatus,
    OfficerRole,
    Reservation,
)
from consortium.money import format_sek

NOTICE_DAYS = 21  # the notice of adjustment stays up three weeks


def frame(title: str) -> dict[str, Any]:
    return {"consortium": current_app.config["CONSORTIUM_NAME"], "title": title,
            "lang": str(get_locale()),
            # the installation's day (Europe/Stockholm or Europe/Oslo), as its times are
            "printed": clock.today().isoformat()}


def _time(value: Any) -> str:
    return clock.local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def vote_data(motion: Motion) -> dict[str, Any]:
    result = results.result_of(motion)
    rules = _("Weighting: %(weighting)s. Majority: %(majority)s. Quorum: %(quorum)s %%.",
              weighting=str(WEIGHTING_LABELS[motion.weighting.value]),
              majority=str(MAJORITY_LABELS[motion.majority.value]),
              quorum=motion.quorum_percent)
    if motion.population_year:
        rules += " " + _("Population on 31 December %(year)s.", year=motion.population_year)
    data: dict[str, Any] = {"title": motion.title, "text": motion.text, "rules": rules,
                            "secret": motion.secret, "closed": result is not None,
                            "reservations": [{"name": r.municipality.name, "text": r.text}
                                             for r in db.session.scalars(select(Reservation)
                                             .where(Reservation.motion_id == motion.id))]}
    if result is not None:
        by_proxy = results.proxy_ballots(motion)
        outcome = str(OUTCOME_LABELS[result.outcome.value])
        if result.decided_by_chair:
            outcome += " " + _("(the chair's casting vote)")
        data.update({
            "outcome": outcome, "yes": format_decimal(result.yes),
            "no": format_decimal(result.no), "abstain": format_decimal(result.abstain),
            "participating": format_decimal(result.participating),
            "total": format_decimal(result.total),
            "quorum_met": result.quorum_met,
            "seats": [] if motion.secret else [
                {"name": m.name, "weight": format_decimal(w),
                 "choice": str(CHOICE_LABELS[c]) if c else "—",
                 "proxy": _("by proxy: %(holder)s", holder=by_proxy[m.id][0])
                 if m.id in by_proxy else ""}
                for m, w, c in results.seat_rows(motion)],
        })
    return data


def roll_rows(meeting: Meeting) -> list[dict[str, Any]]:
    """The voting register as rows for documents and exports (amounts formatted)."""
    return [{"code": line.municipality.code, "name": line.municipality.name,
             "represented_by": line.represented_by or "—",
             "by_proxy": line.proxy is not None,
             "reference": line.proxy.reference if line.proxy else "",
             "equal": format_decimal(line.equal),
             "population": format_decimal(line.population)
             if line.population is not None else "—",
             "cost_share": format_sek(line.cost_share, str(get_locale()))
             if line.cost_share is not None else "—",
             "reason": line.reason}
            for line in roll.current(meeting)]


def roll_data(meeting: Meeting) -> dict[str, Any]:
    return {"council": meeting.council.name, "number": f"{meeting.year}:{meeting.number}",
            "date": meeting.held_on.isoformat(), "place": meeting.place or "—",
            "fixed": _time(meeting.roll_fixed_at), "rows": roll_rows(meeting),
            "tool": meeting.council.kind.value == "tool"}


def protocol_data(meeting: Meeting) -> dict[str, Any]:
    council = meeting.council
    attendance = list(db.session.scalars(select(Attendance).where(
        Attendance.meeting_id == meeting.id).order_by(Attendance.person_name)))

    def people(capacity: AttendanceCapacity) -> list[dict[str, str]]:
        return [{"person": a.person_name,
                 "municipality": a.municipality.name if a.municipality else ""}
                for a in attendance if a.capacity is capacity]

    officers = list(db.session.scalars(select(MeetingOfficer).where(
        MeetingOfficer.meeting_id == meeting.id).order_by(MeetingOfficer.position)))
    by_role = {role: [o.person_name for o in officers if o.role is role] for role in OfficerRole}
    items = list(db.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.number)))
    item_motions = {m.agenda_item_id: m for m in db.session.scalars(select(Motion).where(
        Motion.agenda_item_id.in_([i.id for i in items])))} if items else {}
    paragraphs = []
    for item in items:
        motion = item_motions.get(item.id)
        decision = item.decision
        vote = vote_data(motion) if motion is not None else None
        if motion is not None and not decision and vote and vote["closed"]:
            decision = {"adopted": _("The proposal is adopted."),
                        "rejected": _("The proposal is rejected."),
                        "no_quorum": _("The meeting could not decide: no quorum.")}[
                results.result_of(motion).outcome.value]  # type: ignore[union-attr]
        paragraphs.append({"number": item.number, "dnr": item.diary_number,
                           "title": item.title, "decision": decision, "summary": item.summary,
                           "basis": item.basis, "proposals": item.proposals,
                           "sent_to": item.sent_to,
                           "adjusted_at_once": item.adjusted_at_once, "vote": vote})
    signatures = [{"role": str(OFFICER_LABELS[o.role.value]).lower(), "person": o.person_name,
                   "time": _time(s.signed_at)}
                  for o, s in meetings.signers(meeting) if s is not None]
    locked = meeting.minutes_locked_at
    local_locked = clock.local(locked).date() if locked else None
    return {
        "council": council.name, "number": f"{meeting.year}:{meeting.number}",
        "date": meeting.held_on.isoformat(), "place": meeting.place or "—",
        "roll": roll_rows(meeting) if meeting.roll_fixed_at is not None else [],
        "tool": council.kind.value == "tool",
        "ordinary": people(AttendanceCapacity.ORDINARY),
        "deputies": people(AttendanceCapacity.DEPUTY),
        "others": people(AttendanceCapacity.OTHER),
        "chair": ", ".join(by_role[OfficerRole.CHAIR]),
        "secretary": ", ".join(by_role[OfficerRole.SECRETARY]),
        "adjusters": by_role[OfficerRole.ADJUSTER],
        "adjusted_at": (f"{meeting.place or ''} {local_locked.isoformat()}".strip()
                        if local_locked else None),
        "first": items[0].number if items else 0, "last": items[-1].number if items else 0,
        "paragraphs": paragraphs, "signatures": signatures, "signed": locked is not None,
        "notice_up": local_locked.isoformat() if local_locked else "",
        "notice_down": (local_locked + timedelta(days=NOTICE_DAYS)).isoformat()
        if local_locked else "",
        "kept_at": _("The office of %(name)s", name=current_app.config["CONSORTIUM_NAME"]),
        "sha256": meeting.minutes_sha256 or "",
        "open_votes": any(m.status is MotionStatus.OPEN for m in item_motions.values()),
    }


def money(ore: int | None) -> str:
    return format_sek(ore, str(get_locale())) if ore is not None else ""


def percent(value: Any, places: int = 3) -> str:
    return format_decimal(float(as_decimal(value * 100, places)),
                          format="#,##0." + "0" * places) + " %"



def key_text(key: Any, year: int, population_year: int | None) -> str:
    """The allocation key explained in words."""
    method = key.method.value
    if method == "equal":
        return _("Equal shares: every participating municipality pays the same, times the part "
                 "of %(year)s it took part.", year=year)
    if method == "per_capita":
        return _("Per inhabitant: each municipality pays in proportion to its population on "
                 "31 December %(pop)s, times the part of %(year)s it took part.",
                 pop=population_year, year=year)
    if method == "base_plus_per_capita":
        share = as_decimal(key.base_share * 100, 1)
        return _("Base share plus per inhabitant: %(share)s %% of the budget is shared equally "
                 "and the rest in proportion to the population on 31 December %(pop)s, both "
                 "times the part of %(year)s each municipality took part.",
                 share=share, pop=population_year, year=year)
    if method == "tiered":
        bands = "; ".join(
            (_("up to %(limit)s inhabitants: weight %(weight)s",
               limit=format_decimal(b.up_to), weight=as_decimal(b.weight, 2))
             if b.up_to is not None else
             _("above that: weight %(weight)s", weight=as_decimal(b.weight, 2)))
            for b in key.bands)
        return _("Population bands on 31 December %(pop)s (%(bands)s): each municipality pays "
                 "in proportion to its band's weight, times the part of %(year)s it took part.",
                 pop=population_year, bands=bands, year=year)
    return _("By usage: each municipality pays in proportion to its usage units of %(year)s.",
             year=year)


def allocation_data(view: Any, tool: Any) -> dict[str, Any]:
    from consortium.charts import bars
    from consortium.costs.labels import KEY_LABELS

    budget = view.budget
    largest = sorted(view.lines, key=lambda line: -line.amount)[:15]
    chart = bars([(line.name, line.amount / 100) for line in largest],
                 label=_("The largest shares of %(tool)s %(year)s", tool=tool.name,
                         year=budget.year), locale=str(get_locale()), width=620) \
        if view.lines else None
    return {
        "tool": tool.name, "year": budget.year, "version": budget.version,
        "reason": budget.change_reason, "amount": money(budget.amount),
        "status": _("Adopted") if budget.status.value == "adopted" else _("Draft"),
        "key_name": str(KEY_LABELS[budget.key_method.value]),
        "key_text": key_text(view.key, budget.year, view.population_year),
        "chart": chart, "total": money(view.total),
        "lines": [{"code": line.code, "name": line.name,
                   "basis": format_decimal(int(line.basis)) if line.basis.isdigit()
                   else line.basis, "fraction": percent(line.fraction, 1),
                   "share": percent(line.share, 3), "amount": money(line.amount)}
                  for line in view.lines],
    }


def statement_data(found: Any) -> dict[str, Any]:
    from consortium.costs.labels import KEY_LABELS

    m = found.municipality
    return {
        "code": m.code, "name": m.name, "org_number": m.org_number,
        "invoice_reference": m.invoice_reference, "year": found.year,
        "preliminary": found.preliminary, "problems": found.problems,
        "lines": [{"tool": item.tool.name,
                   "key": str(KEY_LABELS[item.budget.key_method.value]) if item.budget else "",
                   "draft": item.status == "draft", "not_decided": item.status == "not_decided",
                   "basis": "" if item.line is None else format_decimal(int(item.line.basis))
                   if item.line.basis.isdigit() else item.line.basis,
                   "share": percent(item.line.share, 3) if item.line else "",
                   "amount": money(item.line.amount) if item.line else "—"}
                  for item in found.lines],
        "adjustments": [{"tool": item.tool.name, "year": item.origin_year,
                         "version": item.version, "reason": item.reason,
                         "amount": money(item.amount)} for item in found.adjustments],
        "fee_missing": found.fee_missing,
        "fee": {"band": found.fee.band, "amount": money(found.fee.amount)} if found.fee else None,
        "total": money(found.total),
    }


def annual_report_data(year: int) -> dict[str, Any]:
    from collections import Counter

    from consortium.charts import bars, columns
    from consortium.costs.labels import KEY_LABELS
    from consortium.costs.queries import latest_budgets
    from consortium.governance.models import Council, MotionResult
    from consortium.members.models import MembershipPeriod, Municipality
    from consortium.members.service import latest_population_columns
    from consortium.tools import queries as tool_queries
    from consortium.tools.labels import TOOL_STATUS_LABELS

    end = date(year, 12, 31)
    latest = latest_population_columns()
    rows = db.session.execute(
        select(Municipality, MembershipPeriod.joined_on, latest.c.population)
        .join(MembershipPeriod, MembershipPeriod.municipality_id == Municipality.id)
        .outerjoin(latest, latest.c.municipality_id == Municipality.id)
        .where(MembershipPeriod.joined_on <= end,
               (MembershipPeriod.left_on.is_(None)) | (MembershipPeriod.left_on >= end))
        .order_by(Municipality.sort_name)).all()
    members = [{"code": m.code, "name": m.name, "county": m.county,
                "since": joined.isoformat(),
                "population": format_decimal(population) if population is not None else "—"}
               for m, joined, population in rows]
    joined_by_year = Counter(joined.year for _m, joined, _p in rows)
    budgets = {b.tool_id: b for b in latest_budgets(year)}
    tools: list[dict[str, Any]] = []
    for tool, participants, _ever in tool_queries.tools_with_counts(end):
        budget = budgets.get(tool.id)
        tools.append({"name": tool.name,
                      "status": str(TOOL_STATUS_LABELS.get(tool.status.value, tool.status.value)),
                      "participants": participants,
                      "budget": money(budget.amount) if budget else "—",
                      "key": str(KEY_LABELS[budget.key_method.value]) if budget else "",
                      "amount": budget.amount if budget else 0})
    decisions = db.session.execute(
        select(Motion, Council.name, MotionResult.outcome)
        .join(Council, Council.id == Motion.council_id)
        .join(MotionResult, MotionResult.motion_id == Motion.id)
        .where(Motion.closed_at >= datetime_start(year), Motion.closed_at < datetime_start(
            year + 1)).order_by(Motion.closed_at)).all()
    matrix = tool_queries.matrix(tool_queries.MatrixFilters(on=end))
    locale = str(get_locale())
    return {
        "year": year, "member_count": len(members),
        "inhabitants": format_decimal(sum(p for _m, _j, p in rows if p)),
        "members": members, "tools": tools,
        "budget_total": money(sum(t["amount"] for t in tools)),
        "budget_chart": bars([(t["name"], t["amount"] / 100) for t in tools if t["amount"]],
                             label=_("Budgets %(year)s", year=year), locale=locale, width=620)
        if any(t["amount"] for t in tools) else None,
        "members_chart": columns([(f"{y % 100:02d}", n)
                                  for y, n in sorted(joined_by_year.items())],
                                 label=_("Members by year of joining"), locale=locale,
                                 width=620, height=220) if joined_by_year else None,
        "decisions": [{"date": _time(m.closed_at)[:10], "council": council, "title": m.title,
                       "outcome": str(OUTCOME_LABELS[outcome.value])}
                      for m, council, outcome in decisions],
        "matrix_tools": [t.name for t in matrix.tools],
        "matrix": [(m.name, cells) for m, cells in matrix.rows],
    }


def datetime_start(year: int) -> Any:
    from datetime import UTC, datetime

    return datetime(year, 1, 1, tzinfo=UTC)


def motion_result_data(motion: Motion) -> dict[str, Any]:
    item = db.session.get(AgendaItem, motion.agenda_item_id) if motion.agenda_item_id else None
    return {"council": motion.council.name, "vote": vote_data(motion),
            "opened": _time(motion.opened_at) or "—", "closed": _time(motion.closed_at),
            "paragraph": f"§ {item.number}" if item else None}
