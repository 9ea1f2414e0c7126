"""Kept pages (consortium/frame/stamps.py): the database renews a stamp on every write to the
tables behind a kept page, and what was kept under an old stamp is never served again."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select, text

from consortium import db
from consortium.auth.models import Role, User
from consortium.costs import keys
from consortium.costs import service as costs
from consortium.costs.views import _overview_content, _statement_content
from consortium.costs.worklist import _made as _worklist
from consortium.db import Base
from consortium.frame import stamps
from consortium.governance import councils, motions
from consortium.members import service as members
from consortium.members.models import Municipality
from consortium.members.queries import Filters, extra_columns
from consortium.members.views import _history, _register
from consortium.tools import service as tools
from consortium.tools.models import Tool
from consortium.tools.queries import MatrixFilters
from consortium.tools.receivers import _tools_section
from consortium.tools.views import _matrix_content, _tool_lists

EN = {"Accept-Language": "en"}


TOKEN = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*"')


def page(client, url: str) -> str:
    """The page, its CSRF tokens blanked: they are signed with the second they were made in,
    so two views of the same page differ in them across a second's turn."""
    return TOKEN.sub(r'\1"', client.get(url, headers=EN).get_data(as_text=True))


def read_kept(client, url: str) -> str:
    """The page as made, after checking that a second view serves the same (kept) page."""
    first = page(client, url)
    assert page(client, url) == first
    return first


def watched_tables(name: str) -> dict[str, set[str]]:
    """The tables whose writes renew the stamp, each with its kinds of write, as the database's
    own catalogue lists the triggers."""
    if db.session.get_bind().dialect.name == "postgresql":
        rows = db.session.execute(text(
            "SELECT event_object_table, lower(event_manipulation) FROM information_schema.triggers "
            "WHERE trigger_name = :trigger"), {"trigger": f"data_stamp_{name}"})
    else:
        rows = [(table, trigger.rsplit("_", 1)[1]) for trigger, table in db.session.execute(text(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE :prefix"), {"prefix": f"data_stamp_{name}_%"})]
    found: dict[str, set[str]] = {}
    for table, write in rows:
        found.setdefault(table, set()).add(write)
    return found


def test_every_kind_of_write_to_a_watched_table_renews_the_stamp(make_municipality):
    first = stamps.current(stamps.COSTS)
    municipality = make_municipality("2999", "Ny kommun", "Län")
    added = stamps.current(stamps.COSTS)
    municipality.name = "Nyare kommun"
    db.session.commit()
    renamed = stamps.current(stamps.COSTS)
    db.session.delete(municipality)
    db.session.commit()
    removed = stamps.current(stamps.COSTS)
    assert None not in (first, added, renamed, removed)
    assert len({first, added, renamed, removed}) == 4


def test_a_write_elsewhere_leaves_the_stamp(make_user):
    before = stamps.current(stamps.COSTS)
    make_user("observer")  # users: not behind the overview
    assert stamps.current(stamps.COSTS) == before


def test_a_rolled_back_change_does_not_come_back_under_its_stamp(make_municipality):
    """The stamp is random, not a counter: the state after a rolled-back change and a later
    different one never share a stamp (a counter would give both the same number)."""
    before = stamps.current(stamps.COSTS)
    savepoint = db.session.begin_nested()
    db.session.add(Municipality(code="2998", name="Bortglömd", county="Län"))
    db.session.flush()
    undone = stamps.current(stamps.COSTS)
    savepoint.rollback()
    assert stamps.current(stamps.COSTS) == before
    make_municipality("2997", "Annan", "Län")
    assert stamps.current(stamps.COSTS) not in (before, undone)


def tables_read(app, count_queries, make) -> set[str]:
    """The registry's tables that the statements `make` sends name."""
    with app.test_request_context("/"), count_queries() as sent:
        assert make().strip()
    return {table.name for table in Base.metadata.sorted_tables
            if any(re.search(rf"\b{table.name}\b", statement) for statement in sent.statements)}


def tool_lists() -> str:
    provisum = db.session.scalar(select(Tool).where(Tool.slug == "provisum"))
    lists = _tool_lists(provisum, 2026, 1, 1, date(2026, 6, 1))
    return lists.participants + lists.usage


def municipality_history() -> str:
    stockholm = db.session.scalar(select(Municipality).where(Municipality.code == "0180"))
    history = _history(stockholm, "en")
    return history.membership + history.population


def statement() -> str:
    stockholm = db.session.scalar(select(Municipality).where(Municipality.code == "0180"))
    return _statement_content(stockholm, 2026).body + _statement_content(stockholm, 2025).body


def finance_worklist() -> str:
    stockholm = db.session.scalar(select(Municipality).where(Municipality.code == "0180"))
    officer = User(email="ekonomi@example.se", role=Role.FINANCE, municipality_id=stockholm.id)
    return _worklist(officer, date(2026, 6, 1)).made


COUNCILS: dict[str, Any] = {}  # made before the statements are captured


def council_seats(kind: str) -> str:
    return str(councils.seat_names(COUNCILS[kind], date(2026, 6, 1), 40))


KEPT_PAGES = {
    # every table a kept page's content reads, with and without its filters
    "overview": (stamps.COSTS, lambda: _overview_content(2026, "", "", 1, "en", True, None)
                 + _overview_content(2026, "Län", "provisum", 1, "en", True, None)),
    "matrix": (stamps.PARTICIPATION, lambda: _matrix_content(MatrixFilters(on=date(2026, 6, 1)), 1)
               + _matrix_content(MatrixFilters(on=date(2026, 6, 1), county="Län",
                                               status="member", only_participants=False,
                                               include_retired=True), 1)),
    "tool lists": (stamps.PARTICIPATION, tool_lists),
    "municipality history": (stamps.MEMBERS, municipality_history),
    "register": ((stamps.MEMBERS, stamps.PARTICIPATION), lambda: _register(
        Filters(), extra_columns(), date(2026, 6, 1)) + _register(
        Filters(q="stock", county="Län", status="member", sort="tools_in_use", desc=True),
        extra_columns(), date(2026, 6, 1))),
    "statement": ((stamps.COSTS, stamps.PARTICIPATION, stamps.MEMBERS), statement),
    "finance worklist": (stamps.COSTS, finance_worklist),
    "assembly seats": (stamps.MEMBERS, lambda: council_seats("assembly")),
    "tool council seats": ((stamps.MEMBERS, stamps.PARTICIPATION),
                           lambda: council_seats("tool")),
    "tools section": (stamps.PARTICIPATION, lambda: str(_tools_section(db.session.scalar(
        select(Municipality).where(Municipality.code == "0180"))).rendered().made)),
}


@pytest.mark.parametrize("part", list(KEPT_PAGES))
def test_every_table_a_kept_page_reads_renews_its_stamp(app, consortium, count_queries, part):
    """A table left out would keep a stale page: every table the page's statements name has
    the stamp's triggers for every kind of write."""
    names, make = KEPT_PAGES[part]
    costs.set_budget(consortium["tool"], 2026, 1_000_000_00,
                     keys.key_from_data({"method": "equal"}), actor_label="t")
    members.set_population(consortium["municipalities"]["0180"], 2017, 940_000)  # a chart
    COUNCILS["assembly"] = councils.create_council({"kind": "assembly", "name": "Stämma"},
                                                   actor_label="t")
    COUNCILS["tool"] = councils.create_council({"kind": "tool", "name": "Förvaltningsråd",
                                               "tool": "provisum"}, actor_label="t")
    db.session.commit()
    read = tables_read(app, count_queries, make)
    assert "municipalities" in read
    watched: dict[str, set[str]] = {}
    for name in (names,) if isinstance(names, str) else names:
        for table, writes in watched_tables(name).items():
            watched.setdefault(table, set()).update(writes)
    assert read <= set(watched), f"read but not watched: {read - set(watched)}"
    assert all(writes >= {"insert", "update", "delete"} for writes in watched.values()), watched


def test_the_kept_overview_shows_a_change_at_once(client_as, consortium):
    finance = client_as("finance")
    costs.set_budget(consortium["tool"], 2026, 900_000_00,
                     keys.key_from_data({"method": "equal"}), actor_label="t")
    finance.get("/")  # the greeting after signing in is shown
    assert "Stockholm" in read_kept(finance, "/costs/2026")
    stockholm = db.session.scalar(select(Municipality).where(Municipality.code == "0180"))
    members.update_municipality(stockholm, {"name": "Stockholms stad"}, actor_label="t")
    renamed = finance.get("/costs/2026", headers=EN).get_data(as_text=True)
    assert "Stockholms stad" in renamed
    tools.set_participation(consortium["tool"], consortium["municipalities"]["1280"],
                            date(2020, 1, 1), None)
    # Malmö takes part now: the draft's lines are stored again, 900 000 shared by four
    shared = finance.get("/costs/2026", headers=EN).get_data(as_text=True)
    assert "Malmö" in shared and "SEK225,000.00" in shared


def test_only_a_get_keeps_and_a_page_without_its_stamp_is_made_each_time(app):
    memo: stamps.Memo[int] = stamps.Memo(size=2)
    made = iter(range(100))
    with app.test_request_context("/", method="POST"):
        assert [memo.get("s", "k", lambda: next(made)) for _ in range(2)] == [0, 1]
    with app.test_request_context("/"):
        assert [memo.get(None, "k", lambda: next(made)) for _ in range(2)] == [2, 3]
        assert [memo.get("s", "k", lambda: next(made)) for _ in range(2)] == [4, 4]
        assert memo.get("t", "k", lambda: next(made)) == 5  # a new stamp: made again
        memo.get("u", "k", lambda: next(made))  # 6; the oldest ("s") goes: two are kept
        assert len(memo) == 2 and memo.get("s", "k", lambda: next(made)) == 7


def test_the_kept_matrix_shows_a_change_at_once(client_as, consortium, count_queries):
    observer = client_as("observer")
    observer.get("/")
    with count_queries() as made:
        first = page(observer, "/tools/matrix")
    with count_queries() as kept:
        again = page(observer, "/tools/matrix")
    assert again == first and "3 municipalities" in first and "Malmö" not in first
    assert kept.count == made.count - 5  # the stamp read instead of the matrix's six
    tools.set_participation(consortium["tool"], consortium["municipalities"]["1280"],
                            date(2020, 1, 1), None)
    joined = observer.get("/tools/matrix", headers=EN).get_data(as_text=True)
    assert "4 municipalities" in joined and "Malmö" in joined


def test_a_kept_tool_page_shows_new_usage_at_once(client_as, consortium):
    admin = client_as("admin")
    admin.get("/")
    first = read_kept(admin, "/tools/provisum?year=2026")
    assert "12,345" not in first and "Enter a usage figure" in first
    tools.set_usage(consortium["tool"], consortium["municipalities"]["0180"], 2026, 12345,
                    actor_label="t")
    after = admin.get("/tools/provisum?year=2026", headers=EN).get_data(as_text=True)
    assert "12,345" in after


def test_a_kept_municipality_page_shows_a_new_figure_at_once(client_as, consortium):
    observer = client_as("observer")
    observer.get("/")
    first = read_kept(observer, "/municipalities/1860")
    assert "6,001" not in first
    laxa = db.session.scalar(select(Municipality).where(Municipality.code == "1860"))
    members.set_population(laxa, 2017, 6001)
    after = observer.get("/municipalities/1860", headers=EN).get_data(as_text=True)
    assert "6,001" in after and 'aria-label="Population of Laxå by year"' in after
    assert 'href="/tools/egil"' not in after
    egil = tools.create_tool({"slug": "egil", "name": "Egil"}, actor_label="t")
    tools.set_participation(egil, laxa, date(2021, 1, 1), None)  # the tools section, kept
    joined = observer.get("/municipalities/1860", headers=EN).get_data(as_text=True)
    assert 'href="/tools/egil"' in joined


def test_a_page_of_several_stamps_is_kept_under_all_of_them(make_tool):
    both = stamps.current(stamps.MEMBERS, stamps.PARTICIPATION)
    assert both == f"{stamps.current(stamps.MEMBERS)}/{stamps.current(stamps.PARTICIPATION)}"
    make_tool("ny", "Nytt verktyg")  # tools: the participation stamp's, not the members'
    assert stamps.current(stamps.MEMBERS, stamps.PARTICIPATION) != both
    assert stamps.current(stamps.MEMBERS, "no such stamp") is None


def test_a_kept_statement_shows_a_new_budget_at_once(client_as, consortium):
    finance = client_as("finance")
    finance.get("/")
    costs.set_budget(consortium["tool"], 2026, 900_000_00,
                     keys.key_from_data({"method": "equal"}), actor_label="t")
    first = read_kept(finance, "/costs/statements/0180/2026")
    assert "SEK300,000.00" in first  # a third each
    costs.set_budget(consortium["tool"], 2026, 600_000_00,
                     keys.key_from_data({"method": "equal"}), actor_label="t")
    after = finance.get("/costs/statements/0180/2026", headers=EN).get_data(as_text=True)
    assert "SEK200,000.00" in after and "SEK300,000.00" not in after


def test_a_kept_worklist_shows_a_new_draft_at_once(client_as, consortium):
    finance = client_as("finance")
    finance.get("/")
    first = read_kept(finance, "/")
    assert "Provisum 2027" not in first
    costs.set_budget(consortium["tool"], 2027, 500_000_00,
                     keys.key_from_data({"method": "equal"}), actor_label="t")
    after = finance.get("/", headers=EN).get_data(as_text=True)
    assert "Provisum 2027" in after and "Budget drafts to adopt" in after


def test_a_kept_assembly_shows_a_new_member_at_once(client_as, consortium, make_municipality):
    assembly = councils.create_council({"kind": "assembly", "name": "Stämma"}, actor_label="t")
    observer = client_as("observer")
    observer.get("/")
    first = read_kept(observer, f"/councils/{assembly.id}")
    assert "Laxå" in first and "Uppsala" not in first
    uppsala = make_municipality("0380", "Uppsala", "Uppsala län")
    members.change_membership(uppsala, "admit", date(2020, 1, 1))
    after = observer.get(f"/councils/{assembly.id}", headers=EN).get_data(as_text=True)
    assert "Uppsala" in after


def test_a_ballot_renews_no_stamp(client_as, consortium):
    """Nothing a vote writes is watched: a ballot never waits for a stamp's row (issue "Fast
    at any size": ballots must not queue behind one lock)."""
    assembly = councils.create_council({"kind": "assembly", "name": "Stämma"}, actor_label="t")
    motion = motions.create_motion(assembly, {"title": "Beslut"}, actor_label="t")
    motions.open_motion(motion, actor_label="t")
    rep = client_as("representative", municipality=consortium["municipalities"]["0180"])
    db.session.commit()
    before = stamps.current(stamps.COSTS, stamps.PARTICIPATION, stamps.MEMBERS)
    motions.cast_ballot(motion.id, "0180", "yes", rep.user)
    db.session.commit()
    assert stamps.current(stamps.COSTS, stamps.PARTICIPATION, stamps.MEMBERS) == before
