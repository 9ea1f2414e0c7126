"""Prints the time and peak memory of the documents: a ~10-page protocol, the allocation
report of a tool with 290 participants, the annual report and the ZIP of 290 statements;
WeasyPrint alone on the same HTML (so the app's overhead shows as a ratio); and a second
download of a kept document. Usage: python bench/documents.py [DATABASE_URL]"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from consortium import db  # noqa: E402
from consortium.web.app import create_app  # noqa: E402
from tests.conftest import TEST_CONFIG, migrate  # noqa: E402


def measure(function: Callable[[], Any]) -> tuple[Any, float, float]:
    """(value, seconds, peak MiB of Python allocations). Timed without tracemalloc, which
    slows Python down several times; the memory is taken from a second run."""
    started = time.perf_counter()
    value = function()
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    function()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return value, elapsed, peak / 2**20


def pages_of(content: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, text=False)
    match = re.search(rb"Pages:\s+(\d+)", info.stdout)
    return int(match.group(1)) if match else 0


def timed(function: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tempfile.mkdtemp()}/docs.sqlite3"
    migrate(url)
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
    from consortium.costs import keys
    from consortium.costs import service as costs
    from consortium.demo.seed import seed
    from consortium.documents import data, renderer
    from consortium.documents import views as docs
    from consortium.documents.bulk import statements_zip
    from consortium.documents.models import StoredDocument
    from consortium.governance import councils, meetings
    from consortium.members.models import Municipality
    from consortium.tools import service as tools

    with app.test_request_context(headers={"Accept-Language": "sv"}):
        seed()
        tool = tools.create_tool({"slug": "alla", "name": "Gemensam e-tjänst"}, actor_label="b")
        for municipality in db.session.scalars(select(Municipality)):
            tools.set_participation(tool, municipality, date(2020, 1, 1), None, actor_label="b")
        db.commit()
        budget, _ = costs.set_budget(tool, 2025, 29_000_000_00, keys.key_from_data(
            {"method": "per_capita", "population_year": 2016}), actor_label="b")
        costs.adopt(budget, actor_label="b")
        board = councils.create_council({"kind": "board", "name": "Styrelse (bench)"},
                                        actor_label="b")
        meeting = meetings.create_meeting(board, date(2026, 6, 1), "Västerås", actor_label="b")
        for index in range(40):
            meetings.add_item(meeting, f"Ärende {index + 4}: Utveckling av tjänst {index}",
                         diary_number=f"2026/{index + 10}",
                         summary="Sammanfattning av ärendet. " * 25,
                         decision="Styrelsen beslutar att godkänna förslaget.", actor_label="b")
        from consortium.auth.models import User

        rep = db.session.scalar(select(User).where(User.email == "ombud.vasteras@sambruk.demo"))
        assert rep is not None
        print(f"set-up done on {db.engine_of(app).dialect.name}\n")
        import weasyprint  # noqa: F401  (the once-per-process import is not part of a document)

        renderer.render("statement", doc=data.frame("warm-up"), s={
            "code": "0", "name": "x", "year": 2025, "lines": [], "fee": None, "total": "0",
            "preliminary": False, "problems": [], "org_number": None,
            "invoice_reference": None})
        cases = {
            "protocol (45 paragraphs)": lambda: docs.protocol_pdf(meeting),
            "allocation report, 290 participants": lambda: docs.allocation_pdf(tool, budget),
            "annual report 2025": lambda: docs.annual_report_pdf(2025),
        }
        print(f"{'document':38} {'pages':>5} {'app s':>7} {'weasy s':>8} {'ratio':>6} {'MiB':>5}")
        htmls = {
            "protocol (45 paragraphs)": lambda: renderer.html_of(
                "protocol", doc=data.frame("P"), p=data.protocol_data(meeting)),
            "allocation report, 290 participants": lambda: renderer.html_of(
                "allocation", doc=data.frame("A"),
                a=data.allocation_data(costs.allocation_of(budget), tool)),
            "annual report 2025": lambda: renderer.html_of(
                "annual_report", doc=data.frame("R"), r=data.annual_report_data(2025)),
        }
        for name, function in cases.items():
            (content, _digest), elapsed = timed(function)
            html = htmls[name]()
            _pdf, weasy, peak = measure(lambda html=html: renderer.pdf_from_html(html))
            pages = pages_of(content)
            print(f"{name:38} {pages:>5} {elapsed:>7.2f} {weasy:>8.2f} "
                  f"{elapsed / weasy:>6.2f} {peak:>5.0f}")
        print("(MiB: peak of Python allocations while WeasyPrint renders, by tracemalloc)")
        _kept, first = timed(lambda: docs.allocation_pdf(tool, budget))
        print(f"\nsecond download of the kept allocation report: {first * 1000:.1f} ms")
        db.session.execute(StoredDocument.__table__.delete().where(
            StoredDocument.kind == "statement"))
        db.session.commit()
        zipped, elapsed = timed(lambda: statements_zip(2025))
        count = zipped.count(b"PK\x01\x02")
        print(f"ZIP of {count} statements of 2025 ({len(zipped) // 1024} KiB): {elapsed:.1f} s "
              f"({elapsed / max(count, 1) * 1000:.0f} ms each); kept, again: "
              f"{timed(lambda: statements_zip(2025))[1]:.1f} s")


if __name__ == "__main__":
    main()
