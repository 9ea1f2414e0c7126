"""API: municipalities and their population figures."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium import db
from consortium.api import bp
from consortium.api.schemas import members as s
from consortium.api.spec import answer, operation
from consortium.auth.access import acting_user, admin_only, readers
from consortium.members import queries, service
from consortium.members.models import Municipality

TAGS = ["Municipalities"]


def municipality_json(m: Municipality, population: int | None, year: int | None,
                      detail: bool = False) -> dict[str, Any]:
    data = {
        "code": m.code, "name": m.name, "county": m.county, "country": m.country,
        "status": m.status.value if m.status else None, "standing": m.standing(),
        "joined_on": m.joined_on,
        "left_on": m.left_on, "org_number": m.org_number,
        "invoice_reference": m.invoice_reference, "population": population,
        "population_year": year,
    }
    if detail:
        data["population_history"] = [{"year": p.year, "population": p.population}
                                      for p in m.population_figures]
        data["membership_periods"] = [{"joined_on": p.joined_on, "left_on": p.left_on}
                                      for p in m.membership_periods]
    return (s.MunicipalityDetail if detail else s.Municipality)().dump(data)


def _detail(code: str) -> dict[str, Any]:
    m = db.session.scalar(select(Municipality).where(Municipality.code == code).options(
        selectinload(Municipality.population_figures),
        selectinload(Municipality.membership_periods)).execution_options(populate_existing=True))
    if m is None:
        service.get_by_code(code)  # raises NotFound
    assert m is not None
    latest = m.population_figures[-1] if m.population_figures else None
    return municipality_json(m, latest.population if latest else None,
                             latest.year if latest else None, detail=True)


@bp.get("/municipalities")
@readers
@operation("List municipalities", tags=TAGS, query=s.MunicipalityQuery,
           response=s.Municipality, many=True)
def list_municipalities(args: dict[str, Any]) -> Any:
    filters = queries.Filters(q=args.get("q", "").strip(), county=args.get("county", ""),
                              status=args.get("status", ""), sort="code")
    rows = db.session.execute(queries.register_query(filters)).all()
    return jsonify([municipality_json(m, population, year) for m, population, year, *_ in rows])


@bp.post("/municipalities")
@admin_only
@operation("Add a municipality", tags=TAGS, body=s.MunicipalityCreate,
           response=s.MunicipalityDetail, status=201)
def create_municipality(data: dict[str, Any]) -> Any:
    municipality = service.create_municipality(data, actor=acting_user())
    return answer(_detail(municipality.code), 201,
                  url_for("api.get_municipality", code=municipality.code))


@bp.get("/municipalities/<code>")
@readers
@operation("One municipality with its population history", tags=TAGS,
           response=s.MunicipalityDetail)
def get_municipality(code: str) -> Any:
    return jsonify(_detail(code))


@bp.patch("/municipalities/<code>")
@admin_only
@operation("Correct a municipality or change its membership", tags=TAGS,
           body=s.MunicipalityPatch, partial=True, response=s.MunicipalityDetail)
def patch_municipality(code: str, data: dict[str, Any]) -> Any:
    service.update_municipality(service.get_by_code(code), data, actor=acting_user())
    return jsonify(_detail(code))


@bp.put("/municipalities/<code>/population/<int:year>")
@admin_only
@operation("Set the population on 31 December of a year", tags=TAGS, body=s.PopulationPut,
           response=s.PopulationFigure, extra_status=[201])
def put_population(code: str, year: int, data: dict[str, Any]) -> Any:
    municipality = service.get_by_code(code)
    figure, created = service.set_population(municipality, year, data["population"],
                                             actor=acting_user())
    return answer({"code": code, "year": figure.year, "population": figure.population},
                  201 if created else 200)
