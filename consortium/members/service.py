"""Municipalities: creating, correcting, membership changes and population figures.
Each operation is one transaction that checks the rules and writes the audit log."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from consortium import db
from consortium.audit.service import record, snapshot
from consortium.auth.models import User
from consortium.errors import Conflict, Invalid, NotFound
from consortium.members.models import (
    MembershipPeriod,
    MembershipStatus,
    Municipality,
    PopulationFigure,
    PopulationImportRow,
)
from consortium.members.national import county_error, national_code_error
from consortium.members.validation import (
    code_error,
    normalise_org_number,
    normalise_peppol_id,
    population_error,
    year_error,
)
from consortium.rules import (
    MembershipChange,
    PopulationChange,
    figures_changed,
    refuse_change,
)
from consortium.signals import answers, municipality_in_use

FIELDS = ("code", "name", "county", "country", "org_number", "invoice_reference", "status",
          "joined_on", "left_on", "street", "postcode", "city", "peppol_id")
EDITABLE = ("name", "county", "org_number", "invoice_reference", "street", "postcode", "city",
            "peppol_id")


def installation_country() -> str:
    return current_app.config["COUNTRY"] if has_app_context() else "SE"


def get_by_code(code: str) -> Municipality:
    municipality = db.session.scalar(select(Municipality).where(Municipality.code == code))
    if municipality is None:
        raise NotFound(_("No municipality has the code %(code)s.", code=code))
    return municipality


def _clean_text(data: dict[str, Any], key: str, errors: dict[str, str], *, required: bool,
                max_length: int) -> str | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[key] = _("This field is required.")
        return None
    if not isinstance(value, str):
        errors[key] = _("Must be text.")
        return None
    value = value.strip()
    if len(value) > max_length:
        errors[key] = _("At most %(max)s characters.", max=max_length)
    return value


def _check_details(data: dict[str, Any], country: str, errors: dict[str, str], *,
                   creating: bool) -> dict[str, Any]:
    """Validate the descriptive fields present in `data`; return them cleaned."""
    clean: dict[str, Any] = {}
    for key, max_length, required in (("name", 100, True), ("county", 100, True),
                                      ("invoice_reference", 200, False), ("street", 200, False),
                                      ("postcode", 20, False), ("city", 100, False)):
        if creating or key in data:
            clean[key] = _clean_text(data, key, errors, required=required,
                                     max_length=max_length)
    if clean.get("county") and "county" not in errors \
            and (message := county_error(clean["county"], country)):
        errors["county"] = message
    if "org_number" in data:
        raw = _clean_text(data, "org_number", errors, required=False, max_length=20)
        if raw:
            try:
                clean["org_number"] = normalise_org_number(raw, country)
            except ValueError as error:
                errors["org_number"] = str(error)
        else:
            clean["org_number"] = None
    if "peppol_id" in data:
        raw = _clean_text(data, "peppol_id", errors, required=False, max_length=40)
        clean["peppol_id"] = None
        if raw:
            try:
                clean["peppol_id"] = normalise_peppol_id(raw, country)
            except ValueError as error:
                errors["peppol_id"] = str(error)
    return clean


def create_municipality(data: dict[str, Any], *, actor: User | None = None,
                        actor_label: str | None = None) -> Municipality:
    errors: dict[str, str] = {}
    code = data.get("code")
    code = code.strip() if isinstance(code, str) else ""
    country = data.get("country") or installation_country()
    if message := code_error(code) or national_code_error(code, installation_country()):
        errors["code"] = message
    if country != installation_country():
        errors["country"] = _("This registry keeps the municipalities of %(country)s only.",
                              country=installation_country())
    clean = _check_details(data, country, errors, creating=True)
    status = _parse_status(data.get("status"), errors)
    joined_on, left_on = data.get("joined_on"), data.get("left_on")
    _check_dates_for_status(status, joined_on, left_on, errors)
    if errors:
        raise Invalid(_("The municipality could not be saved."), errors)
    for day in (joined_on, left_on):
        if isinstance(day, date):
            refuse_change(MembershipChange(day))
    if db.session.scalar(select(exists().where(Municipality.code == code))):
        raise Conflict(_("A municipality with the code %(code)s already exists.", code=code),
                       {"code": _("This code is already in the register.")})
    municipality = Municipality(code=code, country=country, **clean)
    db.session.add(municipality)
    if status is MembershipStatus.MEMBER or status is MembershipStatus.RESIGNED:
        municipality.membership_periods.append(MembershipPeriod(joined_on=joined_on,
                                                                left_on=left_on))
        municipality.joined_on, municipality.left_on = joined_on, left_on
    municipality.status = status
    db.session.flush()
    _membership_changed(set(), _membership_dates(municipality))
    record("municipality.create", "municipality", code, after=snapshot(municipality, *FIELDS),
           actor=actor, actor_label=actor_label)
    return municipality


def _parse_status(value: Any, errors: dict[str, str]) -> MembershipStatus | None:
    if value in (None, "", "none"):
        return None
    try:
        return MembershipStatus(value)
    except ValueError:
        errors["status"] = _("Must be one of applicant, member, resigned.")
        return None


def _check_dates_for_status(status: MembershipStatus | None, joined_on: date | None,
                            left_on: date | None, errors: dict[str, str]) -> None:
    if status in (MembershipStatus.MEMBER, MembershipStatus.RESIGNED) and joined_on is None:
        errors["joined_on"] = _("Give the date the municipality became a member.")
    if status is MembershipStatus.RESIGNED and left_on is None:
        errors["left_on"] = _("Give the date the municipality left.")
    if status is MembershipStatus.MEMBER and left_on is not None:
        errors["left_on"] = _("A member has no leaving date; resign it instead.")
    if status in (None, MembershipStatus.APPLICANT) and (joined_on or left_on):
        errors["status"] = _("Membership dates belong to a member or a resigned member.")
    if joined_on and left_on and left_on < joined_on:
        errors["left_on"] = _("The leaving date must not be before the joining date.")


def update_municipality(municipality: Municipality, data: dict[str, Any], *,
                        actor: User | None = None,
                        actor_label: str | None = None) -> Municipality:
    """Correct descriptive fields; a status change in `data` becomes the membership change."""
    errors: dict[str, str] = {}
    if "code" in data and data["code"] != municipality.code:
        errors["code"] = _("The municipality code cannot be changed.")
    if "country" in data and data["country"] != municipality.country:
        errors["country"] = _("The country cannot be changed.")
    clean = _check_details(data, municipality.country, errors, creating=False)
    status_given = "status" in data
    status = _parse_status(data.get("status"), errors) if status_given else municipality.status
    if errors:
        raise Invalid(_("The municipality could not be saved."), errors)
    before = snapshot(municipality, *FIELDS)
    dates_before = _membership_dates(municipality)
    for key, value in clean.items():
        setattr(municipality, key, value)
    for key in ("joined_on", "left_on"):
        if isinstance(data.get(key), date):
            refuse_change(MembershipChange(data[key]))
    if status_given and status is not municipality.status:
        _change_status(municipality, status, data.get("joined_on"), data.get("left_on"))
    elif "joined_on" in data or "left_on" in data:
        _correct_dates(municipality, data)
    after = snapshot(municipality, *FIELDS)
    _membership_changed(dates_before, _membership_dates(municipality))
    if after != before:
        record("municipality.update", "municipality", municipality.code, before=before,
               after=after, actor=actor, actor_label=actor_label)
    return municipality


def _membership_dates(municipality: Municipality) -> set[date]:
    return {day for period in municipality.membership_periods
            for day in (period.joined_on, period.left_on) if day is not None}


def _membership_changed(before: set[date], after: set[date]) -> None:
    """Tell the higher domains from which day the membership history changed."""
    if before != after:
        figures_changed(MembershipChange(min(before ^ after)))


def _latest_period(municipality: Municipality) -> MembershipPeriod | None:
    periods = municipality.membership_periods
    return max(periods, key=lambda p: p.joined_on) if periods else None


def _change_status(municipality: Municipality, status: MembershipStatus | None,
                   joined_on: date | None, left_on: date | None) -> None:
    if status is MembershipStatus.MEMBER:
        if joined_on is None:
            message = _("Give the date the municipality became a member.")
            raise Invalid(message, {"joined_on": message})
        _admit(municipality, joined_on)
    elif status is MembershipStatus.RESIGNED:
        if left_on is None:
            message = _("Give the date the municipality left.")
            raise Invalid(message, {"left_on": message})
        _resign(municipality, left_on)
    elif status is MembershipStatus.APPLICANT:
        _apply(municipality)
    else:
        if municipality.membership_periods:
            raise Conflict(_("A municipality with a membership history keeps its status; "
                             "resign it instead."), {"status": _("Resign the member instead.")})
        municipality.status = None


def _apply(municipality: Municipality) -> None:
    if municipality.status is MembershipStatus.MEMBER:
        raise Conflict(_("%(name)s is already a member.", name=municipality.name),
                       {"status": _("Already a member.")})
    if municipality.status is MembershipStatus.APPLICANT:
        raise Conflict(_("%(name)s has already applied.", name=municipality.name),
                       {"status": _("Already an applicant.")})
    municipality.status = MembershipStatus.APPLICANT


def _admit(municipality: Municipality, on: date) -> None:
    if municipality.status is MembershipStatus.MEMBER:
        raise Conflict(_("%(name)s is already a member.", name=municipality.name),
                       {"status": _("Already a member.")})
    latest = _latest_period(municipality)
    if latest is not None and (latest.left_on is None or on <= latest.left_on):
        raise Invalid(_("A new membership must start after the previous one ended."),
                      {"joined_on": _("Must be after %(date)s.", date=latest.left_on)})
    municipality.membership_periods.append(MembershipPeriod(joined_on=on))
    municipality.status = MembershipStatus.MEMBER
    municipality.joined_on, municipality.left_on = on, None


def _resign(municipality: Municipality, on: date) -> None:
    latest = _latest_period(municipality)
    if municipality.status is not MembershipStatus.MEMBER or latest is None:
        raise Conflict(_("%(name)s is not a member.", name=municipality.name),
                       {"status": _("Not a member.")})
    if on < latest.joined_on:
        raise Invalid(_("The leaving date must not be before the joining date."),
                      {"left_on": _("Must be on or after %(date)s.", date=latest.joined_on)})
    latest.left_on = on
    municipality.status = MembershipStatus.RESIGNED
    municipality.left_on = on


def _correct_dates(municipality: Municipality, data: dict[str, Any]) -> None:
    latest = _latest_period(municipality)
    if latest is None:
        raise Invalid(_("Only a member or former member has membership dates."),
                      {"joined_on": _("Not a member.")})
    joined_on = data.get("joined_on", latest.joined_on)
    left_on = data.get("left_on", latest.left_on)
    if joined_on is None:
        raise Invalid(_("The joining date is required."), {"joined_on": _("Required.")})
    if municipality.status is MembershipStatus.MEMBER and left_on is not None:
        raise Invalid(_("A member has no leaving date; resign it instead."),
                      {"left_on": _("Resign the member instead.")})
    if municipality.status is MembershipStatus.RESIGNED and left_on is None:
        raise Invalid(_("A resigned member needs its leaving date."),
                      {"left_on": _("Required.")})
    if left_on is not None and left_on < joined_on:
        raise Invalid(_("The leaving date must not be before the joining date."),
                      {"left_on": _("Before the joining date.")})
    earlier = [p for p in municipality.membership_periods if p is not latest]
    if any(p.left_on is not None and p.left_on >= joined_on for p in earlier):
        raise Invalid(_("The membership would overlap an earlier one."),
                      {"joined_on": _("Overlaps an earlier membership.")})
    latest.joined_on, latest.left_on = joined_on, left_on
    municipality.joined_on, municipality.left_on = joined_on, left_on


def change_membership(municipality: Municipality, action: str, on: date | None, *,
                      actor: User | None = None, note: str | None = None,
                      actor_label: str | None = None) -> None:
    """The three dated membership changes of the web page: apply, admit, resign."""
    before = snapshot(municipality, *FIELDS)
    dates_before = _membership_dates(municipality)
    if on is not None and action in ("admit", "resign"):
        refuse_change(MembershipChange(on))
    if action == "apply":
        _apply(municipality)
    elif action in ("admit", "resign"):
        if on is None:
            raise Invalid(_("Give the date."), {"on": _("Required.")})
        (_admit if action == "admit" else _resign)(municipality, on)
    else:
        raise Invalid(_("Unknown membership change."), {"action": _("Unknown.")})
    _membership_changed(dates_before, _membership_dates(municipality))
    record(f"municipality.{action}", "municipality", municipality.code, before=before,
           after=snapshot(municipality, *FIELDS), actor=actor, note=note,
           actor_label=actor_label)


def set_population(municipality: Municipality, year: int, population: Any, *,
                   source: str | None = None, actor: User | None = None,
                   actor_label: str | None = None) -> tuple[PopulationFigure, bool]:
    """Add or correct the population of 31 December of `year`. Returns (figure, created)."""
    errors = {}
    if message := year_error(year):
        errors["year"] = message
    if message := population_error(population):
        errors["population"] = message
    if errors:
        raise Invalid(_("The population figure could not be saved."), errors)
    figure = db.session.scalar(select(PopulationFigure).where(
        PopulationFigure.municipality_id == municipality.id, PopulationFigure.year == year))
    created = figure is None
    before = None if figure is None else {"year": year, "population": figure.population}
    if before != {"year": year, "population": population}:
        refuse_change(PopulationChange(year))
    if figure is None:
        figure = PopulationFigure(municipality_id=municipality.id, year=year,
                                  population=population, source=source)
        db.session.add(figure)
    else:
        if figure.population != population:
            figure.import_id = None  # entered by hand now, whatever the import said
        figure.population = population
        figure.source = source or figure.source
    if before != {"year": year, "population": population}:
        db.session.flush()
        figures_changed(PopulationChange(year, (municipality.id,)))
        record("population.set", "municipality", municipality.code, before=before,
               after={"year": year, "population": population, "source": figure.source},
               actor=actor, actor_label=actor_label)
    return figure, created


def has_history(municipality: Municipality) -> bool:
    """True when anything refers to the municipality (then it is never deleted). The higher
    domains say what of theirs refers to it (`consortium.signals.municipality_in_use`)."""
    mid = municipality.id
    checks = [
        exists().where(PopulationFigure.municipality_id == mid),
        exists().where(PopulationImportRow.municipality_id == mid),
        exists().where(MembershipPeriod.municipality_id == mid),
        exists().where(User.municipality_id == mid),
    ]
    for clauses in answers(municipality_in_use.send(mid)):
        checks.extend(clauses)
    return any(db.session.execute(select(*checks)).one())


def delete_municipality(municipality: Municipality, *, actor: User) -> None:
    """Remove a municipality entered by mistake; refused once it has any history."""
    if municipality.status is not None or has_history(municipality):
        raise Conflict(_("%(name)s has a history in the registry and is never deleted. "
                         "Record a resignation instead.", name=municipality.name))
    record("municipality.delete", "municipality", municipality.code,
           before=snapshot(municipality, *FIELDS), actor=actor)
    db.session.delete(municipality)


def latest_population_columns() -> Any:
    """A subquery of each municipality's newest population figure."""
    newest = (select(PopulationFigure.municipality_id, func.max(PopulationFigure.year)
                     .label("year")).group_by(PopulationFigure.municipality_id).subquery())
    return (select(PopulationFigure.municipality_id, PopulationFigure.year,
                   PopulationFigure.population)
            .join(newest, (newest.c.municipality_id == PopulationFigure.municipality_id)
                  & (newest.c.year == PopulationFigure.year))
            .subquery())
