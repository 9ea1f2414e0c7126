"""API: municipalities and their population figures."""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from flask import jsonify, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium import db
from consortium.api import bp
from consortium.api.schemas import members as s
from consortium.api.spec import answer, operation
from consortium.auth.access import acting_user, admin_only, readers
from consortium.errors import Invalid, NotFound
from consortium.members import importing, queries, service
from consortium.members.models import Municipality, PopulationImport

TAGS = ["Municipalities"]


def municipality_json(m: Municipality, population: int | None, year: int | None,
                      detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": m.code, "name": m.name, "county": m.county, "country": m.country,
        "status": m.status.value if m.status else None, "standing": m.standing(),
        "joined_on": m.joined_on,
        "left_on": m.left_on, "org_number": m.org_number,
        "invoice_reference": m.invoice_reference, "population": population,
        "address": {"street": m.street, "postcode": m.postcode, "city": m.city},
        "peppol_id": m.peppol_id,
        "population_year": year,
    }
    if detail:
        data["population_history"] = [{"year": p.year, "population": p.population,
                                       "source": p.source, "import_id": p.import_id}
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
    data = {key: value for key, value in data.items() if key != "address"} \
        | data.get("address", {})
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


IMPORT_TAGS = ["Population imports"]


def _import_json(kept: PopulationImport) -> dict[str, Any]:
    return s.Import().dump({
        "id": kept.id, "created_at": kept.created_at,
        "by": importing.imported_by(kept), "filename": kept.filename,
        "sha256": kept.sha256, "layout": kept.layout, "title": kept.title,
        "row_count": kept.row_count, "counts": kept.counts,
        "rows": [{"line": r.line, "code": r.municipality.code, "kind": r.kind, "year": r.year,
                  "population_before": r.population_before,
                  "population_after": r.population_after, "name_before": r.name_before,
                  "name_after": r.name_after} for r in kept.rows]})


def _refused(lines: list[Any]) -> Invalid:
    fields: dict[str, str] = {}
    for line in lines:
        key = f"line {line.line}"
        fields[key] = f"{fields[key]} {line.message}" if key in fields else line.message
    return Invalid("The file cannot be imported; nothing was imported.", fields)


@bp.post("/imports")
@admin_only
@operation("Import population figures (all rows or none)", tags=IMPORT_TAGS,
           body=s.ImportCreate, response=s.Import, status=201, extra_status=[200])
def create_import(data: dict[str, Any]) -> Any:
    try:
        raw = base64.b64decode(data["content"], validate=True)
    except (binascii.Error, ValueError):
        raise Invalid("The request has invalid fields.",
                      {"content": "Not base64: send the file's bytes in base64."}) from None
    try:
        parsed = importing.read(raw)
    except importing.BadFile as error:
        raise Invalid("The file cannot be read; nothing was imported.",
                      {"content": str(error)}) from None
    if parsed.errors:
        raise _refused(parsed.errors)
    renames = set(data["rename"])
    result = importing.plan(parsed, renames)
    if result.refused:
        raise _refused([*result.errors, *result.conflicts])
    unknown = sorted(renames - set(result.renames))
    if unknown:
        raise Invalid("The request has invalid fields.", {"rename": (
            f"No row names {', '.join(unknown)} otherwise than the register.")})
    if data["dry_run"]:
        return jsonify(s.Import().dump({
            "id": None, "created_at": None, "by": None, "filename": data["filename"],
            "sha256": hashlib.sha256(raw).hexdigest(), "layout": parsed.layout,
            "title": parsed.title, "row_count": len(parsed.rows),
            "counts": importing.summary(result),
            "rows": [{"line": c.line, "code": c.code, "kind": c.kind, "year": c.year,
                      "population_before": c.previous, "population_after": c.population,
                      "name_before": c.rename_from,
                      "name_after": c.name if c.rename_from else None}
                     for c in result.changes]}))
    result = importing.apply(parsed, source=data["filename"], data=raw, renames=renames,
                             actor=acting_user())
    return answer(_import_json(_kept(result.kept_id)), 201,  # type: ignore[arg-type]
                  url_for("api.get_import", import_id=result.kept_id))


def _kept(import_id: int) -> PopulationImport:
    kept = importing.kept_import(import_id)
    if kept is None:
        raise NotFound(f"No import has the id {import_id}.")
    return kept


@bp.get("/imports")
@readers
@operation("The kept imports, newest first (without their rows)", tags=IMPORT_TAGS,
           response=s.Import, many=True)
def list_imports() -> Any:
    kept = db.session.scalars(select(PopulationImport).order_by(PopulationImport.id.desc())
                              .limit(500))
    return jsonify([{**_import_json(k), "rows": []} for k in kept])


@bp.get("/imports/<int:import_id>")
@readers
@operation("One import: who, when, the file's name and SHA-256, and the rows it changed",
           tags=IMPORT_TAGS, response=s.Import)
def get_import(import_id: int) -> Any:
    return jsonify(_import_json(_kept(import_id)))
