"""The plain data each document is rendered from, gathered first (never live ORM objects in
the templates). Labels are translated here, in the document's language."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from consortium import clock, db
from consortium.costs.allocation import as_decimal
from consortium.documents import board
from consortium.governance import effects, roll
from consortium.governance.labels import (
    CHOICE_LABELS,
    MAJORITY_LABELS,
    OFFICER_LABELS,
    OUTCOME_LABELS,
    TIE_BREAK_LABELS,
    WEIGHTING_LABELS,
)
from consortium.governance.models import (
    AgendaItem,
    AttendanceCapacity,
    Meeting,
    Motion,
    OfficerRole,
)
from consortium.governance.records import MotionRecord, meeting_record, motion_record
from consortium.money import format_sek


def frame(title: str) -> dict[str, Any]:
    return {"consortium": current_app.config["CONSORTIUM_NAME"], "title": title,
            "lang": str(get_locale()),
            # the installation's day (Europe/Stockholm or Europe/Oslo), as its times are
            "printed": clock.today().isoformat()}


def _time(value: Any) -> str:
    return clock.local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def vote_data(motion: MotionRecord) -> dict[str, Any]:
    result = motion.result
    if motion.kind == "motion":
        rules = _("Weighting: %(weighting)s. Majority: %(majority)s. Quorum: %(quorum)s %%.",
                  weighting=str(WEIGHTING_LABELS[motion.weighting]),
                  majority=str(MAJORITY_LABELS[motion.majority]),
                  quorum=motion.quorum_percent)
    elif motion.kind == "proposals":
        rules = _("Between proposals: the largest weight wins. Weighting: %(weighting)s. "
                  "Quorum: %(quorum)s %%. On a tie: %(tie)s.",
                  weighting=str(WEIGHTING_LABELS[motion.weighting]),
                  quorum=motion.quorum_percent, tie=str(TIE_BREAK_LABELS[motion.tie_break]))
    else:
        rules = _("Election of %(positions)s, by closed ballot: %(secret)s. Weighting: "
                  "%(weighting)s. Quorum: %(quorum)s %%.", positions=motion.positions,
                  secret=_("yes") if motion.secret else _("no"),
                  weighting=str(WEIGHTING_LABELS[motion.weighting]),
                  quorum=motion.quorum_percent)
    if motion.population_year:
        rules += " " + _("Population on 31 December %(year)s.", year=motion.population_year)
    data: dict[str, Any] = {"title": motion.title, "text": motion.text, "rules": rules,
                            "secret": motion.secret, "closed": result is not None,
                            "reservations": [{"name": r.name, "text": r.text}
                                             for r in motion.reservations],
                            "disqualified": [{"name": d.name, "reason": d.reason}
                                             for d in motion.disqualified],
                            "kind": motion.kind, "effect": effects.describe(motion.effect),
                            "options": [{"number": o.number, "text": o.text, "code": o.code,
                                         "score": format_decimal(o.score or 0),
                                         "chosen": bool(o.elected) or (
                                             result is not None
                                             and result.adopted_option == o.number
                                             and motion.kind == "proposals")}
                                        for o in motion.options]}
    if result is not None:
        outcome = str(OUTCOME_LABELS[result.outcome])
        if motion.kind == "election" and result.outcome == "adopted":
            outcome = _("Elected: %(names)s.", names=", ".join(
                o.text for o in motion.elected) or "—")
            if result.vacant:
                outcome += " " + _("Vacant positions: %(num)s.", num=result.vacant)
        elif motion.kind == "proposals" and result.adopted_option:
            outcome = _("Proposal %(number)s is adopted.", number=result.adopted_option)
        if result.decided_by_chair:
            outcome += " " + _("(the chair's casting vote)")
        elif result.lot_group:
            outcome += " " + _("(decided by lot)")
        data.update({
            "outcome": outcome, "yes": format_decimal(result.yes),
            "no": format_decimal(result.no), "abstain": format_decimal(result.abstain),
            "participating": format_decimal(result.participating),
            "total": format_decimal(result.total),
            "quorum_met": result.quorum_met,
            "lot_seed": result.lot_seed if result.lot_group else None,
            "lot_order": list(result.lot_group),
            "effect_note": motion.effect_outcome(),
            "seats": [] if motion.secret else [
                {"name": seat.name, "weight": format_decimal(seat.weight),
                 "choice": ", ".join(seat.marks) if seat.marks else
                 (str(CHOICE_LABELS[seat.choice]) if seat.choice and motion.kind == "motion"
                  else (_("Abstain") if seat.choice else "—")),
                 "proxy": _("by proxy: %(holder)s", holder=seat.proxy_holder)
                 if seat.proxy_holder is not None else ""}
                for seat in motion.seats],
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
             "reason": line.reason, "represented": bool(line.represented_by)}
            for line in roll.current(meeting)]


def roll_data(meeting: Meeting) -> dict[str, Any]:
    return {"council": meeting.council.name, "number": f"{meeting.year}:{meeting.number}",
            "date": meeting.held_on.isoformat(), "place": meeting.place or "—",
            "fixed": _time(meeting.roll_fixed_at), "rows": roll_rows(meeting),
            "tool": meeting.council.kind.value == "tool"}


DECISIONS = {"adopted": _l("The proposal is adopted."),
             "rejected": _l("The proposal is rejected."),
             "no_quorum": _l("The meeting could not decide: no quorum.")}


def protocol_data(meeting: Meeting) -> dict[str, Any]:
    """The protocol of the meeting's record: the same people, officers and paragraphs in the
    same order as the content the justerare sign (records.py)."""
    record = meeting_record(meeting)

    def people(capacity: AttendanceCapacity) -> list[dict[str, str]]:
        return [{"person": row.person, "municipality": row.municipality_name or ""}
                for row in record.attending(capacity)]

    def names(role: OfficerRole) -> list[str]:
        return [officer.person for officer in record.officers_as(role)]

    rows = roll_rows(meeting) if record.roll is not None else []
    paragraphs = []
    for item in record.paragraphs:
        motion = item.motion
        decision = item.decision
        vote = vote_data(motion) if motion is not None else None
        if motion is not None and motion.result is not None and not decision:
            decision = str(DECISIONS[motion.result.outcome]) if motion.kind == "motion" \
                else vote["outcome"] if vote else ""
        paragraphs.append({"number": item.number, "dnr": item.diary_number,
                           "title": item.title, "decision": decision, "summary": item.summary,
                           "basis": item.basis, "proposals": item.proposals,
                           "sent_to": item.sent_to,
                           "adjusted_at_once": item.adjusted_at_once, "vote": vote})
    signatures = [{"role": str(OFFICER_LABELS[s.officer.role]).lower(),
                   "person": s.officer.person, "time": _time(s.signed_at),
                   "sha256": s.sha256 or ""}
                  for s in record.signatures if s.signed_at is not None]
    locked = record.minutes_locked_at
    local_locked = clock.local(locked).date() if locked else None
    numbers = [item.number for item in record.paragraphs]
    return {
        "council": record.council_name, "number": record.label,
        "date": record.held_on.isoformat(), "place": record.place or "—",
        # Beslutande: the seats the fixed register lists as represented (the whole register,
        # absent seats too, is its own document)
        "roll": [row for row in rows if row["represented"]],
        "not_represented": [row["name"] for row in rows if not row["represented"]],
        "tool": record.council_kind == "tool",
        "ordinary": people(AttendanceCapacity.ORDINARY),
        "deputies": people(AttendanceCapacity.DEPUTY),
        "others": people(AttendanceCapacity.OTHER),
        "chair": ", ".join(names(OfficerRole.CHAIR)),
        "secretary": ", ".join(names(OfficerRole.SECRETARY)),
        "adjusters": names(OfficerRole.ADJUSTER),
        "adjusted_at": (f"{record.place} {local_locked.isoformat()}".strip()
                        if local_locked else None),
        "first": numbers[0] if numbers else 0, "last": numbers[-1] if numbers else 0,
        "paragraphs": paragraphs, "signatures": signatures, "signed": locked is not None,
        **_notice_dates(locked),
        "kept_at": _("The office of %(name)s", name=current_app.config["CONSORTIUM_NAME"]),
        "sha256": record.minutes_sha256 or "",
        "open_votes": any(item.motion is not None and item.motion.status == "open"
                          for item in record.paragraphs),
    }


def _notice_dates(locked: Any) -> dict[str, str]:
    """The notice of adjustment (anslag): posted on the day of justering, appealable for
    three weeks, taken down the day after (board.notice_dates)."""
    if not locked:
        return {"notice_up": "", "appeal_until": "", "notice_down": ""}
    dates = board.notice_dates(locked)
    return {"notice_up": dates.posted.isoformat(), "appeal_until": dates.appeal_until.isoformat(),
            "notice_down": dates.taken_down.isoformat()}


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
    return clock.start_of(date(year, 1, 1))  # the consortium's new year, not UTC's


def motion_result_data(motion: Motion) -> dict[str, Any]:
    item = db.session.get(AgendaItem, motion.agenda_item_id) if motion.agenda_item_id else None
    return {"council": motion.council.name, "vote": vote_data(motion_record(motion)),
            "opened": _time(motion.opened_at) or "—", "closed": _time(motion.closed_at),
            "paragraph": f"§ {item.number}" if item else None}


VAT_CATEGORY_LABELS = {"S": _l("VAT %(rate)s %%"), "E": _l("Exempt from VAT"),
                       "O": _l("Outside the scope of VAT")}


def _vat_label(category: str, rate: int | None) -> str:
    return str(VAT_CATEGORY_LABELS[category]) % {"rate": rate} if category == "S" \
        else str(VAT_CATEGORY_LABELS[category])


def invoice_data(row: Any) -> dict[str, Any]:
    """An issued invoice or credit note as its PDF shows it: the figures of its UBL document
    (the same lines, VAT breakdown and totals; invoicing/ubl.py computes both)."""
    from consortium.invoicing import ubl
    from consortium.invoicing.identifiers import org_number_shown

    invoice = row.invoice
    seller, buyer = invoice.seller, invoice.buyer
    lines = [ubl.Line(line.text, line.amount, line.vat_category, line.vat_rate,
                      line.exemption_reason) for line in invoice.lines]
    groups = ubl.vat_groups(lines)
    return {
        "credit_note": invoice.kind.value == "credit_note", "number": invoice.number,
        "issue_date": invoice.issue_date.isoformat(),
        "due_date": invoice.due_date.isoformat() if invoice.due_date else "",
        "ocr": invoice.ocr, "buyer_reference": invoice.buyer_reference,
        "year": invoice.year, "currency": invoice.currency, "reason": invoice.reason or "",
        "credits": row.credits, "seller": seller, "buyer": buyer,
        "lines": [{"text": line.text, "vat": _vat_label(line.vat_category, line.vat_rate),
                   "amount": money(line.amount)} for line in lines],
        "vat_groups": [{"label": _vat_label(g.category, g.rate), "taxable": money(g.taxable),
                        "vat": money(g.vat), "reason": g.exemption_reason}
                       for g in groups],
        "net": money(invoice.net), "vat": money(invoice.vat), "payable": money(invoice.payable),
        "f_skatt": seller.get("f_skatt") and seller.get("country") != "NO",
        "seller_org": org_number_shown(seller["org_number"], seller["country"]),
        "buyer_org": org_number_shown(buyer["org_number"], buyer["country"]),
    }
