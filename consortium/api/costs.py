"""API: budgets, allocation, adoption, statements and membership fees."""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify

from consortium import db
from consortium.api import bp
from consortium.api.schemas import costs as s
from consortium.api.spec import answer, operation
from consortium.auth.access import acting_user, consortium_finance, readers
from consortium.costs import closing as closing_rules
from consortium.costs import fee_schedules, keys, queries, service
from consortium.costs.allocation import as_decimal
from consortium.costs.fees import FeeBand
from consortium.costs.models import Budget
from consortium.costs.statements import may_read_statement
from consortium.documents import pdfs
from consortium.errors import NotFound
from consortium.members import service as members
from consortium.tools import service as tools

TAGS = ["Cost sharing"]


def budget_json(budget: Budget) -> dict[str, Any]:
    previous = db.session.get(Budget, budget.previous_id) if budget.previous_id else None
    return s.BudgetOut().dump({
        "tool": budget.tool.slug, "year": budget.year, "version": budget.version,
        "previous_version": previous.version if previous else None,
        "change_reason": budget.change_reason, "amount": budget.amount,
        "status": budget.status.value, "key": keys.key_json(keys.key_of(budget)),
        "adopted_at": budget.adopted_at, "decision_motion_id": budget.decision_motion_id})


def allocation_json(view: service.AllocationView) -> dict[str, Any]:
    budget = view.budget
    return s.AllocationOut().dump({
        "tool": budget.tool.slug, "year": budget.year, "version": budget.version,
        "amount": budget.amount, "status": budget.status.value,
        "key": keys.key_json(view.key), "population_year": view.population_year,
        "total": view.total,
        "lines": [{"code": line.code, "name": line.name, "basis": line.basis,
                   "fraction": as_decimal(line.fraction, 10),
                   "share": as_decimal(line.share, 10), "amount": line.amount}
                  for line in view.lines]})


@bp.put("/tools/<slug>/budgets/<int:year>")
@consortium_finance
@operation("Enter or change the draft budget and key of a tool for a year", tags=TAGS,
           body=s.BudgetPut, response=s.BudgetOut, extra_status=[201])
def put_budget(slug: str, year: int, data: dict[str, Any]) -> Any:
    tool = tools.get_by_slug(slug)
    key = keys.key_from_data(data["key"])
    budget, created = service.set_budget(tool, year, data["amount"], key, actor=acting_user())
    return answer(budget_json(budget), 201 if created else 200)


@bp.get("/tools/<slug>/budgets/<int:year>")
@readers
@operation("The current version of a budget", tags=TAGS, response=s.BudgetOut)
def get_budget(slug: str, year: int) -> Any:
    return jsonify(budget_json(service.get_current(tools.get_by_slug(slug), year)))


@bp.get("/tools/<slug>/budgets/<int:year>/versions")
@readers
@operation("Every version of a budget, oldest first", tags=TAGS, response=s.BudgetOut,
           many=True)
def list_versions(slug: str, year: int) -> Any:
    found = service.versions(tools.get_by_slug(slug), year)
    if not found:
        raise NotFound(f"No budget for {slug} in {year}.")
    return jsonify([budget_json(budget) for budget in found])


@bp.post("/tools/<slug>/budgets/<int:year>/versions")
@consortium_finance
@operation("Make a new draft version of an adopted budget, saying why", tags=TAGS,
           body=s.BudgetVersionIn, response=s.BudgetOut, status=201)
def post_version(slug: str, year: int, data: dict[str, Any]) -> Any:
    tool = tools.get_by_slug(slug)
    key = keys.key_from_data(data["key"])
    budget = service.revise(tool, year, data["amount"], key, data["reason"], actor=acting_user())
    return answer(budget_json(budget), 201)


@bp.get("/tools/<slug>/budgets/<int:year>/allocation")
@readers
@operation("Every municipality's share: frozen when adopted, computed when a draft "
           "(?version=N for an earlier version)", tags=TAGS, response=s.AllocationOut)
def get_allocation(slug: str, year: int) -> Any:
    from flask import request

    tool = tools.get_by_slug(slug)
    budget = service.get_current(tool, year)
    wanted = request.args.get("version", type=int)
    if wanted is not None and wanted != budget.version:
        version = next((v for v in service.versions(tool, year) if v.version == wanted), None)
        if version is None:
            raise NotFound(f"No version {wanted} of the budget of {slug} for {year}.")
        budget = version
    return jsonify(allocation_json(service.allocation_of(budget)))


@bp.post("/tools/<slug>/budgets/<int:year>/adopt")
@consortium_finance
@operation("Adopt the budget; it and its allocation never change afterwards", tags=TAGS,
           response=s.AllocationOut)
def adopt(slug: str, year: int) -> Any:
    from flask import request
    from marshmallow import ValidationError

    from consortium.api.spec import flatten
    from consortium.errors import Invalid

    budget = service.get_current(tools.get_by_slug(slug), year)
    try:  # the body is optional: {"decision_motion_id": N} links the council's decision
        data = s.AdoptIn().load(request.get_json(silent=True) or {})
    except ValidationError as error:
        raise Invalid("The request has invalid fields.", flatten(error.messages)) from None
    view = service.adopt(budget, actor=acting_user(),
                         decision_motion_id=data["decision_motion_id"])
    return jsonify(allocation_json(view))


@bp.post("/years/<int:year>/close")
@consortium_finance
@operation("Close the year: its statements become final (409 with the reasons if it cannot)",
           tags=TAGS, response=s.ClosedYearOut)
def close_year(year: int) -> Any:
    user = acting_user()
    if user is None or user.municipality_id is not None:
        abort(403)  # a finance officer tied to a municipality changes nothing consortium-wide
    closing = closing_rules.close_year(year, actor=user)
    return jsonify(s.ClosedYearOut().dump({"year": closing.year, "closed_at": closing.closed_at,
                                           "closed": True}))


@bp.get("/municipalities/<code>/statements/<int:year>")
@readers
@operation("A municipality's statement (kostnadsunderlag) for a year", tags=TAGS,
           response=s.StatementOut)
def get_statement(code: str, year: int) -> Any:
    municipality = members.get_by_code(code)
    if not may_read_statement(acting_user(), municipality):
        abort(403)
    found = queries.statement(municipality, year)
    lines = [{"tool": item.tool.slug, "type": "tool",
              "key": item.budget.key_method.value if item.budget else None,
              "basis": item.line.basis if item.line else None,
              "share": as_decimal(item.line.share, 10) if item.line else None,
              "status": item.status, "amount": item.amount}
             for item in found.lines]
    if found.fee is not None or found.fee_missing:
        lines.append({"tool": None, "type": "membership_fee", "key": None, "basis": None,
                      "share": None, "status": "not_decided" if found.fee_missing else "adopted",
                      "amount": found.fee.amount if found.fee else None})
    lines.extend({"tool": item.tool.slug, "type": "adjustment", "key": None, "basis": None,
                  "share": None, "status": "adopted", "amount": item.amount,
                  "year": item.origin_year, "reason": item.reason}
                 for item in found.adjustments)
    return jsonify(s.StatementOut().dump({
        "code": municipality.code, "name": municipality.name, "year": year,
        "closed": found.closed, "preliminary": found.preliminary, "lines": lines,
        "total": found.total, "problems": found.problems}))


def fees_json(year: int) -> dict[str, Any]:
    schedule = fee_schedules.fee_schedule(year)
    if schedule is None:
        raise NotFound(f"No fee schedule for {year}.")
    lines = fee_schedules.fees_for(schedule)
    return s.FeesOut().dump({
        "year": year, "population_year": fee_schedules.fee_population_year(schedule),
        "bands": [{"up_to": b.up_to, "annual": b.annual, "entry": b.entry}
                  for b in schedule.bands],
        "lines": [{"code": line.code, "name": line.name, "band": line.band,
                   "annual": line.annual, "entry": line.entry, "amount": line.amount}
                  for line in lines],
        "total": sum(line.amount for line in lines),
        "decision": schedule.decision_motion_id})


@bp.put("/fees/<int:year>")
@consortium_finance
@operation("Set the membership fee schedule (medlemsavgift) of a year", tags=TAGS,
           body=s.FeesPut, response=s.FeesOut, extra_status=[201])
def put_fees(year: int, data: dict[str, Any]) -> Any:
    bands = [FeeBand(b["up_to"], b["annual"], b["entry"]) for b in data["bands"]]
    _schedule, created = fee_schedules.set_fee_schedule(year, data.get("population_year"), bands,
                                                  actor=acting_user())
    return answer(fees_json(year), 201 if created else 200)


@bp.get("/fees/<int:year>")
@readers
@operation("The fee schedule of a year with every member's fee", tags=TAGS,
           response=s.FeesOut)
def get_fees(year: int) -> Any:
    return jsonify(fees_json(year))


@bp.get("/tools/<slug>/budgets/<int:year>/allocation.pdf")
@readers
@operation("The allocation report as PDF (kept once adopted)", tags=TAGS,
           content_type="application/pdf")
def allocation_pdf(slug: str, year: int) -> Any:
    tool = tools.get_by_slug(slug)
    content, digest = pdfs.allocation_pdf(tool, service.get_current(tool, year))
    return pdfs.pdf_response(content, f"fordelning-{slug}-{year}.pdf", digest)


@bp.get("/municipalities/<code>/statements/<int:year>.pdf")
@readers
@operation("A municipality's statement as PDF (kept once the year is closed)", tags=TAGS,
           content_type="application/pdf")
def statement_pdf(code: str, year: int) -> Any:
    municipality = members.get_by_code(code)
    if not may_read_statement(acting_user(), municipality):
        abort(403)
    content, digest = pdfs.statement_pdf(municipality, year)
    return pdfs.pdf_response(content, f"kostnadsunderlag-{code}-{year}.pdf", digest)


@bp.get("/reports/<int:year>/annual.pdf")
@readers
@operation("The consortium's annual report as PDF", tags=["Reports"],
           content_type="application/pdf")
def annual_report_pdf(year: int) -> Any:
    content, digest = pdfs.annual_report_pdf(year)
    return pdfs.pdf_response(content, f"arsrapport-{year}.pdf", digest)
