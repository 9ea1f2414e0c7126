"""API: tools, their participants and usage figures."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for
from sqlalchemy import func, select

from consortium import clock, db
from consortium.api import bp
from consortium.api.schemas import tools as s
from consortium.api.spec import answer, operation
from consortium.auth.access import acting_user, admin_only, consortium_finance, readers
from consortium.members import service as members
from consortium.members.models import Municipality
from consortium.tools import queries, service
from consortium.tools.models import Participation, Tool, UsageFigure

TAGS = ["Tools"]


def tool_json(tool: Tool, participants: int, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": tool.slug, "name": tool.name, "description": tool.description,
        "status": tool.status.value, "origin": tool.origin, "owner_since": tool.owner_since,
        "open_to_non_members": tool.open_to_non_members, "participants": participants,
        "vat_category": tool.vat_category, "vat_exemption_reason": tool.vat_exemption_reason,
        "revenue_account": tool.revenue_account,
    }
    if detail:
        grouped: dict[str, dict[str, Any]] = {}
        for period in db.session.scalars(
                select(Participation).where(Participation.tool_id == tool.id)
                .join(Municipality).order_by(Municipality.code, Participation.joined_on)):
            entry = grouped.setdefault(period.municipality.code, {
                "code": period.municipality.code, "name": period.municipality.name,
                "periods": []})
            entry["periods"].append({"joined_on": period.joined_on, "left_on": period.left_on})
        data["participations"] = list(grouped.values())
    return (s.ToolDetail if detail else s.Tool)().dump(data)


def _detail(slug: str) -> dict[str, Any]:
    tool = service.get_by_slug(slug)
    today = clock.today()
    current = db.session.scalar(
        select(func.count(func.distinct(Participation.municipality_id)))
        .where(Participation.tool_id == tool.id, queries.active_on(today)))
    return tool_json(tool, current or 0, detail=True)


@bp.get("/tools")
@readers
@operation("List tools", tags=TAGS, response=s.Tool, many=True)
def list_tools() -> Any:
    return jsonify([tool_json(tool, now)
                    for tool, now, _ever in queries.tools_with_counts(clock.today())])


@bp.post("/tools")
@admin_only
@operation("Add a tool", tags=TAGS, body=s.ToolCreate, response=s.ToolDetail, status=201)
def create_tool(data: dict[str, Any]) -> Any:
    tool = service.create_tool(data, actor=acting_user())
    return answer(_detail(tool.slug), 201, url_for("api.get_tool", slug=tool.slug))


@bp.get("/tools/<slug>")
@readers
@operation("One tool with its participation periods", tags=TAGS, response=s.ToolDetail)
def get_tool(slug: str) -> Any:
    return jsonify(_detail(slug))


@bp.patch("/tools/<slug>")
@admin_only
@operation("Change a tool", tags=TAGS, body=s.ToolPatch, partial=True, response=s.ToolDetail)
def patch_tool(slug: str, data: dict[str, Any]) -> Any:
    service.update_tool(service.get_by_slug(slug), data, actor=acting_user())
    return jsonify(_detail(slug))


def _participation_json(tool: Tool, municipality: Municipality) -> dict[str, Any]:
    periods = db.session.scalars(select(Participation).where(
        Participation.tool_id == tool.id, Participation.municipality_id == municipality.id)
        .order_by(Participation.joined_on))
    return s.Participation().dump({
        "tool": tool.slug, "code": municipality.code, "name": municipality.name,
        "periods": [{"joined_on": p.joined_on, "left_on": p.left_on} for p in periods]})


@bp.put("/tools/<slug>/participants/<code>")
@admin_only
@operation("Add a participation period, or set the end of the period that starts on "
           "joined_on", tags=TAGS, body=s.ParticipationPut, response=s.Participation,
           extra_status=[201])
def put_participant(slug: str, code: str, data: dict[str, Any]) -> Any:
    tool = service.get_by_slug(slug)
    municipality = members.get_by_code(code)
    _period, created = service.set_participation(tool, municipality, data["joined_on"],
                                                 data.get("left_on"), actor=acting_user())
    return answer(_participation_json(tool, municipality), 201 if created else 200)


@bp.put("/tools/<slug>/usage/<int:year>/<code>")
@consortium_finance
@operation("Set a participant's usage units for a year", tags=TAGS, body=s.UsagePut,
           response=s.Usage, extra_status=[201])
def put_usage(slug: str, year: int, code: str, data: dict[str, Any]) -> Any:
    tool = service.get_by_slug(slug)
    municipality = members.get_by_code(code)
    figure, created = service.set_usage(tool, municipality, year, data["units"],
                                        actor=acting_user())
    body = s.Usage().dump({"tool": slug, "code": code, "name": municipality.name,
                           "year": year, "units": figure.units})
    return answer(body, 201 if created else 200)


@bp.get("/tools/<slug>/usage/<int:year>")
@readers
@operation("Usage units of every participant in a year", tags=TAGS, response=s.Usage,
           many=True)
def get_usage(slug: str, year: int) -> Any:
    tool = service.get_by_slug(slug)
    rows = db.session.execute(
        select(UsageFigure, Municipality).join(Municipality)
        .where(UsageFigure.tool_id == tool.id, UsageFigure.year == year)
        .order_by(Municipality.code)).all()
    return jsonify([s.Usage().dump({"tool": slug, "code": m.code, "name": m.name, "year": year,
                                    "units": u.units}) for u, m in rows])
