"""What `seed-demo` loads, through the same services and import as the office uses.

Population figures come from the shipped CSV files (sources in data/SOURCE.md); nothing is
made up. Memberships, tools and participation are an illustration of a Sambruk-like
consortium, not Sambruk's actual register (see data/SOURCE.md)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select

from consortium import clock, db
from consortium.auth import service as auth_service
from consortium.auth.models import User
from consortium.members import importing
from consortium.members import service as members
from consortium.tools import service as tools

DATA = Path(__file__).parent / "data"
LABEL = "seed-demo"
DEMO_PASSWORD = "sambruk-demo"
DEMO_USERS = [
    ("kansli@sambruk.demo", "admin", None, "Kansliet"),
    ("ekonomi@sambruk.demo", "finance", None, "Ekonomi, Sambruk"),
    ("ekonomi.katrineholm@sambruk.demo", "finance", "0483", "Ekonomi, Katrineholm"),
    ("ombud.katrineholm@sambruk.demo", "representative", "0483", "Ombud Katrineholm"),
    ("ombud.stockholm@sambruk.demo", "representative", "0180", "Ombud Stockholm"),
    ("ombud.malmo@sambruk.demo", "representative", "1280", "Ombud Malmö"),
    ("ombud.vasteras@sambruk.demo", "representative", "1980", "Ombud Västerås"),
    ("ombud.uppsala@sambruk.demo", "representative", "0380", "Ombud Uppsala"),
    ("revisor@sambruk.demo", "observer", None, "Revisor"),
]

# Member municipalities of the demo and the year they joined (1 January unless a date).
MEMBERS: dict[str, date] = {
    "0483": date(2007, 1, 1), "1980": date(2008, 1, 1), "0180": date(2009, 1, 1),
    "1280": date(2010, 1, 1), "0380": date(2008, 1, 1), "0484": date(2009, 1, 1),
    "2281": date(2010, 1, 1), "2081": date(2011, 1, 1), "2080": date(2011, 1, 1),
    "1780": date(2012, 1, 1), "0182": date(2012, 1, 1), "0126": date(2013, 1, 1),
    "0136": date(2013, 1, 1), "0163": date(2014, 1, 1), "0181": date(2014, 1, 1),
    "0581": date(2015, 1, 1), "0580": date(2015, 1, 1), "1880": date(2015, 1, 1),
    "2480": date(2016, 1, 1), "2482": date(2016, 1, 1), "2580": date(2017, 1, 1),
    "2180": date(2017, 1, 1), "1494": date(2012, 1, 1), "1496": date(2013, 1, 1),
    "1488": date(2014, 1, 1), "1485": date(2015, 1, 1), "1487": date(2016, 1, 1),
    "1490": date(2017, 1, 1), "1384": date(2018, 1, 1), "1481": date(2018, 1, 1),
    "1402": date(2019, 1, 1), "1441": date(2019, 1, 1), "1489": date(2020, 1, 1),
    "1401": date(2020, 1, 1), "2085": date(2018, 1, 1), "2084": date(2019, 1, 1),
    "2083": date(2019, 1, 1), "1080": date(2020, 1, 1), "1081": date(2021, 1, 1),
    "0880": date(2021, 1, 1), "0780": date(2021, 1, 1), "0680": date(2022, 1, 1),
    "1380": date(2022, 1, 1), "1283": date(2022, 1, 1), "1281": date(2023, 1, 1),
    "2380": date(2023, 1, 1), "2584": date(2023, 1, 1), "1860": date(2024, 1, 1),
    "0486": date(2024, 1, 1), "0482": date(2024, 7, 1), "0428": date(2025, 4, 1),
    "0480": date(2025, 1, 1),
}
RESIGNED = {"0488": (date(2010, 1, 1), date(2019, 12, 31))}  # Trosa
APPLICANTS = ["0461"]  # Gnesta

TOOLS = [
    {"slug": "provisum", "name": "Provisum", "status": "operation",
     "origin": "En gåva från Västerås och Stockholm", "owner_since": date(2019, 1, 1),
     "description": "Ärendehantering för kommunernas överförmyndare: ärenden, årsräkningar "
                    "och arvoden."},
    {"slug": "bibblix", "name": "Bibblix", "status": "operation",
     "origin": "Utvecklad tillsammans med biblioteken i Stockholm, Malmö och Katrineholm",
     "owner_since": date(2021, 1, 1), "open_to_non_members": True,  # offered to every municipality
     "description": "Folkbibliotekens läsapp för barn: boktips, läsutmaningar och "
                    "e-böcker."},
    {"slug": "egil", "name": "Egil", "status": "operation",
     "origin": "Byggd av föreningen tillsammans med medlemmarnas skolor",
     "owner_since": date(2016, 1, 1),
     "description": "Beställning och distribution av digitala läromedel för skolan, med "
                    "gemensam inloggning för elever och lärare."},
]
PROVISUM = {"1980": date(2019, 1, 1), "0180": date(2019, 1, 1), "0484": date(2019, 7, 1),
            "0380": date(2020, 1, 1), "0483": date(2020, 1, 1), "2281": date(2020, 1, 1),
            "2081": date(2020, 7, 1), "1780": date(2021, 1, 1), "0581": date(2021, 1, 1),
            "1880": date(2021, 1, 1), "2180": date(2022, 1, 1), "1496": date(2022, 1, 1)}
BIBBLIX_FIRST = ["0180", "1280", "0483"]
BIBBLIX_LATER = ["0484", "1980", "0380", "0182", "0126", "2480", "1490", "1481", "1402",
                 "1283", "1380", "0680", "2085", "1080", "0880", "0780", "2380", "1860",
                 "0486", "0482"]
EGIL = ["0483", "0484", "2281", "2081", "2080", "1780", "0182", "0136", "0163", "0181",
        "0580", "2482", "2580", "1494", "1488", "1485", "1487", "1384", "1441", "1489",
        "1401", "2084", "2083", "1081", "1281"]


def read_text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def _load_population_files() -> None:
    text = read_text("se_municipalities.csv")
    importing.apply(importing.parse(text), source="SCB 2016 (marcusasplund/kommundata)",
                    data=text.encode("utf-8"), actor_label=LABEL)
    groups: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    with (DATA / "se_population.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            groups[(row["population_year"], row["source"])].append(row)
    for (year, source), rows in sorted(groups.items()):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(importing.COLUMNS)
        for row in rows:
            writer.writerow([row[column] for column in importing.COLUMNS])
        text = buffer.getvalue()
        importing.apply(importing.parse(text), source=f"{source} {year}",
                        data=text.encode("utf-8"), actor_label=LABEL)


def _memberships() -> None:
    for code, joined in MEMBERS.items():
        members.change_membership(members.get_by_code(code), "admit", joined,
                                  actor_label=LABEL)
    for code, (joined, left) in RESIGNED.items():
        municipality = members.get_by_code(code)
        members.change_membership(municipality, "admit", joined, actor_label=LABEL)
        members.change_membership(municipality, "resign", left, actor_label=LABEL)
    for code in APPLICANTS:
        members.change_membership(members.get_by_code(code), "apply", None, actor_label=LABEL)


def _tools() -> None:
    by_slug = {data["slug"]: tools.create_tool(data, actor_label=LABEL) for data in TOOLS}

    def join(slug: str, code: str, on: date, until: date | None = None) -> None:
        if not by_slug[slug].open_to_non_members and code in MEMBERS:
            on = max(on, MEMBERS[code])  # a members-only tool: from the day of membership
        tools.set_participation(by_slug[slug], members.get_by_code(code), on, until,
                                actor_label=LABEL)

    for code, on in PROVISUM.items():
        join("provisum", code, on)
    for code in BIBBLIX_FIRST:
        join("bibblix", code, date(2021, 1, 1))
    for index, code in enumerate(BIBBLIX_LATER):
        join("bibblix", code, date(2023, 1, 1) if index < 12 else date(2024, 1, 1))
    for index, code in enumerate(EGIL):
        join("egil", code, date(2017 + index % 4, 1, 1))
    join("egil", "1860", date(2024, 7, 1))  # Laxå joins in the middle of a year
    join("egil", "0488", date(2016, 1, 1), date(2019, 12, 31))  # Trosa left with membership


KR = 100
# Sambruk's fee schedule (extra föreningsstämma, in force from 2020): "< 7 000" is up to 6 999.
SAMBRUK_FEES = [(6_999, 5_000, 5_000), (14_999, 10_000, 5_000), (24_999, 25_000, 10_000),
                (49_999, 35_000, 10_000), (99_999, 50_000, 10_000), (149_999, 65_000, 20_000),
                (None, 80_000, 25_000)]
# The shipped list has every municipality's population for 2016 only, so the demo's keys
# use 2016 (SPEC's default, budget year - 2, would need figures the demo does not have).
POPULATION_YEAR = 2016
BUDGETS: list[tuple[str, int, int, dict[str, Any], bool]] = [  # tool, year, kronor, key, adopt
    ("provisum", 2024, 4_800_000, {"method": "per_capita"}, True),
    ("provisum", 2025, 5_100_000, {"method": "per_capita"}, True),
    ("provisum", 2026, 5_350_000, {"method": "per_capita"}, False),
    ("bibblix", 2024, 1_200_000, {"method": "base_plus_per_capita", "base_share": "0.4"}, True),
    ("bibblix", 2025, 1_450_000, {"method": "base_plus_per_capita", "base_share": "0.4"}, True),
    ("bibblix", 2026, 1_600_000, {"method": "base_plus_per_capita", "base_share": "0.4"}, False),
    ("egil", 2024, 2_400_000, {"method": "tiered", "bands": [
        {"up_to": 15_000, "weight": "1"}, {"up_to": 50_000, "weight": "2"},
        {"up_to": None, "weight": "4"}]}, True),
    ("egil", 2025, 2_600_000, {"method": "tiered", "bands": [
        {"up_to": 15_000, "weight": "1"}, {"up_to": 50_000, "weight": "2"},
        {"up_to": None, "weight": "4"}]}, True),
    ("egil", 2026, 2_750_000, {"method": "tiered", "bands": [
        {"up_to": 15_000, "weight": "1"}, {"up_to": 50_000, "weight": "2"},
        {"up_to": None, "weight": "4"}]}, False),
]


def _budgets() -> None:
    from consortium.costs import fee_schedules, keys
    from consortium.costs import service as costs
    from consortium.costs.fees import FeeBand

    for slug, year, kronor, key, adopted in BUDGETS:
        tool = tools.get_by_slug(slug)
        parsed = keys.key_from_data({**key, "population_year": POPULATION_YEAR})
        budget, _created = costs.set_budget(tool, year, kronor * KR, parsed, actor_label=LABEL)
        if adopted:
            costs.adopt(budget, actor_label=LABEL)
    # A change after adoption is a new version that says why.
    egil = tools.get_by_slug("egil")
    revised_key = keys.key_from_data({**BUDGETS[7][3], "population_year": POPULATION_YEAR})
    revised = costs.revise(egil, 2025, 2_650_000 * KR, revised_key,
                           "Laxå's schools joined in the middle of 2024; the board added "
                           "50 000 kr for their onboarding.", actor_label=LABEL)
    costs.adopt(revised, actor_label=LABEL)
    bands = [FeeBand(up_to, annual * KR, entry * KR) for up_to, annual, entry in SAMBRUK_FEES]
    for year in (2024, 2025, 2026):
        fee_schedules.set_fee_schedule(year, POPULATION_YEAR, bands, actor_label=LABEL)


def _governance() -> None:
    from consortium.auth.service import find_user
    from consortium.governance import (
        councils,
        disqualification,
        meetings,
        motions,
        proxies,
        results,
    )

    assembly = councils.create_council({"kind": "assembly", "name": "Föreningsstämma",
                                   "chair": "0483", "public": True}, actor_label=LABEL)
    board = councils.create_council({"kind": "board", "name": "Styrelse", "chair": "1980"},
                               actor_label=LABEL)
    councils.set_board_seats(board, ["0483", "0180", "1280", "1980", "0380"], actor_label=LABEL)
    tool_councils = {slug: councils.create_council(
        {"kind": "tool", "name": f"Förvaltningsråd {name}", "tool": slug, "chair": chair},
        actor_label=LABEL) for slug, name, chair in (("provisum", "Provisum", "1980"),
                                                      ("bibblix", "Bibblix", "0180"),
                                                      ("egil", "Egil", "0483"))}
    reps: dict[str, User] = {}
    for email, role, code, _name in DEMO_USERS:
        user = find_user(email)
        if role == "representative" and user is not None and code is not None:
            reps[code] = user

    # A held board meeting, its votes decided and its minutes signed.
    meeting = meetings.create_meeting(board, date(2026, 3, 18), "Katrineholm, Stadshuset", "1980",
                                 actor_label=LABEL)
    for person, capacity, code in (("Ombud Västerås", "ordinary", "1980"),
                                   ("Ombud Katrineholm", "ordinary", "0483"),
                                   ("Ombud Stockholm", "ordinary", "0180"),
                                   ("Ombud Malmö", "ordinary", "1280"),
                                   ("Ombud Uppsala", "deputy", "0380"),
                                   ("Kansliet", "other", None)):
        meetings.add_attendance(meeting, person, capacity, code, actor_label=LABEL)
    meetings.set_officer(meeting, "chair", 1, "Ombud Västerås", "ombud.vasteras@sambruk.demo",
                    actor_label=LABEL)
    meetings.set_officer(meeting, "secretary", 1, "Kansliet", None, actor_label=LABEL)
    meetings.set_officer(meeting, "adjuster", 1, "Ombud Katrineholm",
                    "ombud.katrineholm@sambruk.demo", actor_label=LABEL)
    meetings.set_meeting_status(meeting, "held")
    decided = [
        ("Årsredovisning 2025", "Styrelsen föreslår att årsredovisningen för 2025 läggs till "
         "handlingarna och överlämnas till föreningsstämman.", False,
         {"0483": "yes", "0180": "yes", "1280": "no", "1980": "yes", "0380": "yes"}),
        ("Val av revisor", "Styrelsen föreslår stämman att välja ny revisor (sluten omröstning).",
         True, {"0483": "yes", "0180": "no", "1280": "yes", "1980": "yes", "0380": "abstain"}),
    ]
    for title, text, secret, votes in decided:
        motion = motions.create_motion(board, {"title": title, "text": text, "secret": secret,
                                           "meeting_id": meeting.id}, actor_label=LABEL)
        motions.open_motion(motion, on=date(2026, 3, 18), actor_label=LABEL)
        for code, choice in votes.items():
            motions.cast_ballot(motion.id, code, choice, reps[code])
        results.close_motion(motion.id, actor_label=LABEL)
        if not secret:
            results.register_reservation(motion, "1280", "Malmö anser att redovisningen av "
                                     "Bibblix kostnader borde ha särredovisats.", reps["1280"])
    meetings.sign_minutes(meeting, reps["1980"])
    meetings.sign_minutes(meeting, reps["0483"])

    # Open votes for the demo representatives.
    open_board = motions.create_motion(board, {
        "title": "Verksamhetsplan 2027", "text": "Styrelsen föreslås fastställa "
        "verksamhetsplanen för 2027.", "majority": "absolute",
        "closes_at": clock.now().replace(second=0, microsecond=0) + timedelta(days=7)},
        actor_label=LABEL)
    motions.open_motion(open_board, actor_label=LABEL)
    open_tool = motions.create_motion(tool_councils["provisum"], {
        "title": "Ny modul för årsräkningar", "text": "Förvaltningsrådet föreslås besluta om "
        "utveckling av en ny modul för digitala årsräkningar.", "weighting": "population",
        "majority": "simple", "tie_break": "chair"}, actor_label=LABEL)
    motions.open_motion(open_tool, actor_label=LABEL)
    stamma = meetings.create_meeting(assembly, date(2027, 5, 11), "Stockholm", None,
                                     starts_at=time(10, 0), actor_label=LABEL)
    # Uppsala will be represented at the stämma by Stockholm's representative (a fullmakt).
    proxies.create_proxy(assembly, {"principal": "0380", "holder": "ombud.stockholm@sambruk.demo",
                                    "meeting_id": stamma.id, "reference": "Uppsala KS 2027/14"})
    # The board's discharge: the board's own municipalities may not vote on it (jäv).
    discharge = motions.create_motion(assembly, {
        "title": "Ansvarsfrihet för styrelsen 2026", "meeting_id": stamma.id,
        "text": "Revisorerna tillstyrker att stämman beviljar styrelsen ansvarsfrihet för "
                "verksamhetsåret 2026."}, actor_label=LABEL)
    for code in ("0483", "1980"):
        disqualification.disqualify(discharge, code, "Styrelseledamot: jäv i frågan om "
                                    "styrelsens ansvarsfrihet", actor_label=LABEL)
    _stamma_2027(stamma, board, reps)
    _extra_stamma(assembly, reps)


def _extra_stamma(assembly: Any, reps: dict[str, User]) -> None:
    """An extra föreningsstämma held three days ago whose minutes wait for their last
    justering: Katrineholm's representative signs in the browser, the protocol is sealed
    (PDF/A, the consortium's signature) and posted on the public notice board."""
    from consortium.governance import meetings

    extra = meetings.create_meeting(assembly, clock.today() - timedelta(days=3), "Stockholm",
                                    "0180", starts_at=time(13, 0), actor_label=LABEL)
    for code in ("0180", "0483", "1280", "1980", "0380"):
        meetings.add_attendance(extra, reps[code].display_name, "ordinary", code,
                                actor_label=LABEL)
    meetings.add_attendance(extra, "Kansliet", "other", None, actor_label=LABEL)
    meetings.set_officer(extra, "chair", 1, reps["0180"].display_name, reps["0180"].email,
                         actor_label=LABEL)
    meetings.set_officer(extra, "secretary", 1, "Kansliet", None, actor_label=LABEL)
    meetings.set_officer(extra, "adjuster", 1, reps["0483"].display_name, reps["0483"].email,
                         actor_label=LABEL)
    meetings.add_item(extra, "Ändrade stadgar", diary_number=f"{extra.year}/31",
                      summary="Styrelsen har föreslagit ändrade stadgar om digitala "
                              "stämmor och elektronisk justering.",
                      decision="Stämman beslutar att anta de ändrade stadgarna.",
                      basis="Förslag till ändrade stadgar.", sent_to="Samtliga medlemmar",
                      actor_label=LABEL)
    meetings.set_meeting_status(extra, "held")
    meetings.sign_minutes(extra, reps["0180"])  # the chair has confirmed; the adjuster waits


def _stamma_2027(stamma: Any, board: Any, reps: dict[str, User]) -> None:
    """The rest of the 2027 stämma (SPEC "Disqualification, counter-proposals, elections",
    "Decisions that act"): the register fixed from the registered delegates, the board
    elected (a tie for the last seat that the lot decided; the new board sits from the day
    after), and, for a new user to hold in the browser, the membership fees with a
    counter-proposal and Gnesta's admission, each a decision that acts."""
    from consortium.costs import fee_schedules
    from consortium.costs.fees import FeeBand
    from consortium.governance import meetings, motions, results, roll

    for code in ("0483", "0180", "1280", "1980", "0380"):
        meetings.add_attendance(stamma, reps[code].display_name, "ordinary", code,
                                actor_label=LABEL)
    roll.fix(stamma)
    election = motions.create_election(stamma.council, {
        "title": "Val av styrelse", "meeting_id": stamma.id, "positions": 3,
        "text": "Valberedningen har nominerat fem medlemmar till styrelsens tre platser.",
        "candidates": [{"municipality": code} for code in ("0483", "0180", "1280", "1980",
                                                           "0484")],
        "effect": {"kind": "board_seats", "council": board.id, "from": "2027-05-12"}},
        actor_label=LABEL)
    motions.open_motion(election, actor_label=LABEL)
    # Katrineholm 4, Stockholm 3, Malmö 2, Västerås 2, Eskilstuna 1: the lot decides between
    # Malmö and Västerås for the third seat
    for code, marks in (("0483", ["0483", "0180", "1280"]), ("0180", ["0483", "0180", "1980"]),
                        ("1280", ["0483", "1280", "0484"]), ("1980", ["0483", "1980", "0180"]),
                        ("0380", [])):
        motions.cast_ballot(election.id, code, None, reps[code], candidates=marks)
    results.close_motion(election.id, actor_label=LABEL)
    bands = [FeeBand(up_to, annual * KR, entry * KR) for up_to, annual, entry in SAMBRUK_FEES]
    fee_schedules.set_fee_schedule(2027, POPULATION_YEAR, bands, actor_label=LABEL)
    motions.create_motion(stamma.council, {
        "title": "Medlemsavgifter 2027", "meeting_id": stamma.id,
        "text": "Styrelsen föreslår oförändrade medlemsavgifter för 2027 enligt bilaga.",
        "proposals": ["Styrelsen föreslår oförändrade medlemsavgifter för 2027 enligt bilaga.",
                      "Malmö föreslår att avgifterna 2027 sänks med tio procent i alla band."],
        "effect": {"kind": "adopt_fees", "year": 2027}}, actor_label=LABEL)
    motions.create_motion(stamma.council, {
        "title": "Inträde Gnesta kommun", "meeting_id": stamma.id,
        "text": "Gnesta kommun har ansökt om medlemskap. Styrelsen föreslår att stämman "
                "beviljar inträde från den 1 juli 2027.",
        "effect": {"kind": "admit_member", "municipality": "0461", "on": "2027-07-01"}},
        actor_label=LABEL)


# Invoicing (SPEC "Invoicing and the ledger"): made-up identifiers that pass their checks, so a
# new user can issue a closed year's invoices at once. They are not the real organisation
# numbers, bankgiro or addresses of the consortium or of the municipalities (data/SOURCE.md).
CONSORTIUM = {
    "legal_name": "Sambruk demo ekonomisk förening", "org_number": "769600-0004",
    "f_skatt": True, "street": "Drottninggatan 1", "postcode": "111 51", "city": "Stockholm",
    "bankgiro": "5050-1055", "payment_terms_days": 30, "fee_vat_category": "E",
    "fee_vat_exemption_reason": "Medlemsavgift: undantagen från skatteplikt (demo)",
}
TOOL_ACCOUNTS = {"provisum": "3011", "bibblix": "3012", "egil": "3013"}


def _invoicing() -> None:
    from stdnum import luhn

    from consortium.invoicing import settings as invoicing_settings

    invoicing_settings.update(CONSORTIUM, actor_label=LABEL)
    for slug, account in TOOL_ACCOUNTS.items():
        tools.update_tool(tools.get_by_slug(slug), {"vat_category": "S",
                                                   "revenue_account": account},
                          actor_label=LABEL)
    codes = {*MEMBERS, *RESIGNED, *PROVISUM, *BIBBLIX_FIRST, *BIBBLIX_LATER, *EGIL}
    for code in sorted(codes):
        municipality = members.get_by_code(code)
        digits = "212000" + code[1:]
        members.update_municipality(municipality, {
            "org_number": digits + luhn.calc_check_digit(digits),
            "invoice_reference": f"Demo {code}", "street": "Kommunhuset",
            "city": municipality.name}, actor_label=LABEL)


def seed() -> bool:
    """Load the demo into an empty database; return False (and change nothing) otherwise."""
    if db.session.scalar(select(func.count()).select_from(User)):
        return False
    _load_population_files()
    _memberships()
    _tools()
    _budgets()
    _invoicing()
    for email, role, code, name in DEMO_USERS:
        auth_service.create_user(email=email, role=role, password=DEMO_PASSWORD, name=name,
                                 municipality_code=code, actor_label=LABEL)
    _governance()
    # The demo's history was made in one go just now: nobody is to be told of it by e-mail.
    from consortium.notices.models import Notice

    db.session.execute(delete(Notice))
    return True
