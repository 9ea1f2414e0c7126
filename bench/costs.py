"""Prints the speed of cost sharing: one allocation across 290 (Sweden) and 647 (Sweden and
Norway) participants with each key, a whole year of 60 tools, and the finance overview with
290 municipalities x 60 tools (time and SQL statements).
Usage: python bench/costs.py [DATABASE_URL]   (default: a fresh SQLite file)"""

from __future__ import annotations

import csv
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from fractions import Fraction
from pathlib import Path

from sqlalchemy import event, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import signed_in  # noqa: E402
from consortium import db  # noqa: E402
from consortium.costs.allocation import Band, Key, Method, Participant, allocate  # noqa: E402
from consortium.web.app import create_app  # noqa: E402
from tests.conftest import TEST_CONFIG, migrate  # noqa: E402

DATA = ROOT / "consortium" / "demo" / "data"
KEYS = {
    "equal": Key(Method.EQUAL),
    "per_capita": Key(Method.PER_CAPITA),
    "base_plus_per_capita": Key(Method.BASE_PLUS_PER_CAPITA, base_share=Fraction(3, 10)),
    "tiered": Key(Method.TIERED, bands=(Band(15_000, Fraction(1)), Band(50_000, Fraction(2)),
                                        Band(None, Fraction(4)))),
    "usage": Key(Method.USAGE),
}


def municipalities() -> list[tuple[str, str, int]]:
    rows = []
    for name, prefix in (("se_municipalities.csv", ""), ("no_municipalities.csv", "N")):
        with (DATA / name).open(encoding="utf-8") as handle:
            rows += [(prefix + r["code"], r["name"], int(r["population"]))
                     for r in csv.DictReader(handle)]
    return rows


def timed(function, rounds: int = 5) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def pure() -> None:
    everyone = municipalities()
    rng = random.Random(7)
    print("allocation of one budget (pure rules, median of 5):")
    print(f"{'key':24} {'290 ms':>8} {'647 ms':>8}")
    for name, key in KEYS.items():
        figures = []
        for count in (290, 647):
            people = [Participant(code, n, ((date(2020, 1, 1) if i % 9 else date(2026, 7, 1),
                                             None),), population, rng.randint(1, 5000))
                      for i, (code, n, population) in enumerate(everyone[:count])]
            figures.append(timed(lambda people=people, key=key: allocate(
                123_456_789_01, key, 2026, people)))
        print(f"{name:24} {figures[0]:>8.1f} {figures[1]:>8.1f}")


def database(url: str) -> None:
    from consortium.costs import keys, queries
    from consortium.costs import service as costs
    from consortium.demo.seed import seed
    from consortium.members.models import Municipality
    from consortium.tools import service as tools

    migrate(url)
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
    with app.app_context():
        seed()
        everyone = list(db.session.scalars(select(Municipality)))
        started = time.perf_counter()
        methods = list(KEYS)
        for index in range(57):  # 57 more tools: 60 in all, every municipality in each
            tool = tools.create_tool({"slug": f"bench-{index}", "name": f"Bench {index:02d}"},
                                     actor_label="bench")
            for municipality in everyone:
                tools.set_participation(tool, municipality, date(2020, 1, 1), None,
                                        actor_label="bench")
            method = methods[index % 4]  # usage needs units: leave it to the demo
            data = {**{"method": method, "population_year": 2016},
                    **({"base_share": "0.3"} if method == "base_plus_per_capita" else {}),
                    **({"bands": [{"up_to": 15000, "weight": "1"},
                                  {"up_to": None, "weight": "3"}]} if method == "tiered"
                       else {})}
            costs.set_budget(tool, 2026, 1_000_000_00 + index, keys.key_from_data(data),
                             actor_label="bench")
        print(f"\nset-up of 57 tools x 290 participants: {time.perf_counter() - started:.1f} s "
              f"on {db.engine_of(app).dialect.name}")
        db.commit()
        db.session.remove()
        year = timed(lambda: queries.year_allocations(2026), rounds=3)
        print(f"recompute a whole year (60 tools, all drafts computed): {year:.0f} ms")
        db.session.remove()
    client = signed_in(app, "ekonomi@sambruk.demo")
    count = {"n": 0}
    event.listen(db.engine_of(app), "before_cursor_execute",
                 lambda *_: count.__setitem__("n", count["n"] + 1))
    client.get("/costs/2026")
    count["n"] = 0
    response = client.get("/costs/2026")
    assert response.status_code == 200
    statements = count["n"]
    overview = timed(lambda: client.get("/costs/2026"), rounds=3)
    print(f"finance overview 2026, 290 municipalities x 60 tools: {overview:.0f} ms, "
          f"{statements} SQL statements, {len(response.data) // 1024} KiB")
    statement = timed(lambda: client.get("/costs/statements/0180/2026"), rounds=3)
    print(f"one municipality's statement (computes the whole year): {statement:.0f} ms")


if __name__ == "__main__":
    pure()
    database(sys.argv[1] if len(sys.argv) > 1 else
             f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
