"""What `seed-demo` loads. Figures come from the shipped CSV files (sources in data/SOURCE.md);
nothing is made up."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import func, select

from consortium import db
from consortium.audit.service import record
from consortium.auth import service as auth_service
from consortium.auth.models import User
from consortium.members.models import Municipality, PopulationFigure

DATA = Path(__file__).parent / "data"
DEMO_PASSWORD = "sambruk-demo"
DEMO_USERS = [
    ("kansli@sambruk.demo", "admin", None, "Kansliet"),
    ("ekonomi@sambruk.demo", "finance", None, "Ekonomi, Sambruk"),
    ("ekonomi.katrineholm@sambruk.demo", "finance", "0483", "Ekonomi, Katrineholm"),
    ("ombud.katrineholm@sambruk.demo", "representative", "0483", "Ombud Katrineholm"),
    ("ombud.stockholm@sambruk.demo", "representative", "0180", "Ombud Stockholm"),
    ("ombud.malmo@sambruk.demo", "representative", "1280", "Ombud Malmö"),
    ("ombud.vasteras@sambruk.demo", "representative", "1980", "Ombud Västerås"),
    ("revisor@sambruk.demo", "observer", None, "Revisor"),
]


def read_csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def seed() -> bool:
    """Load the demo into an empty database; return False (and change nothing) otherwise."""
    if db.session.scalar(select(func.count()).select_from(User)):
        return False
    municipalities: dict[str, Municipality] = {}
    for row in read_csv("se_municipalities.csv"):
        municipality = Municipality(code=row["code"], name=row["name"], county=row["county"],
                                    country="SE")
        municipality.population_figures.append(PopulationFigure(
            year=int(row["population_year"]), population=int(row["population"]),
            source="SCB via marcusasplund/kommundata"))
        municipalities[row["code"]] = municipality
    for row in read_csv("se_population.csv"):
        municipalities[row["code"]].population_figures.append(PopulationFigure(
            year=int(row["population_year"]), population=int(row["population"]),
            source=row["source"]))
    db.session.add_all(municipalities.values())
    db.session.flush()
    record("demo.seed", "municipality", "*", after={"municipalities": len(municipalities)},
           actor_label="seed-demo")
    for email, role, code, name in DEMO_USERS:
        auth_service.create_user(email=email, role=role, password=DEMO_PASSWORD, name=name,
                                 municipality_code=code, actor_label="seed-demo")
    db.session.commit()
    return True
