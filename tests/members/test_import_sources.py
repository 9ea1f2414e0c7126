"""Imports that cannot attach figures to the wrong municipality, of the files offices download.

The fixtures are written by hand in the layouts of SCB's Statistikdatabasen ("Folkmängd efter
region och år", CSV and XLSX) and SSB's table 07459 (CSV and XLSX). Their figures are real:
SCB's for 31 December 2024 and Regionfakta's for 1999 (consortium/demo/data/se_population.csv),
SSB's for 1 January 2024 (no_municipalities.csv; Østfold's total is the sum of its kommuner)."""

from __future__ import annotations

import base64
import hashlib
import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from consortium import db
from consortium.audit.models import AuditEvent
from consortium.errors import Invalid
from consortium.members import importing, service
from consortium.members.models import (
    Municipality,
    PopulationFigure,
    PopulationImport,
    PopulationImportRow,
)
from consortium.members.national import DATA
from tests.conftest import bearer, csrf_token

# SCB, "Kommaseparerad med rubrik": title, empty line, header, totals first.
SCB_CSV = ('"Folkmängd efter region och år"\n'
           '\n'
           '"region","2024"\n'
           '"00 Riket",10587710\n'
           '"01 Stockholms län",2473307\n'
           '"0123 Järfälla",88950\n'
           '"0125 Ekerö",28910\n'
           '"0127 Botkyrka",95905\n')

# SSB 07459, semicolon separated with heading; the population on 1 January 2024, which the
# registry keeps as 31 December 2023. Two kommuner carry their Sámi names too.
SSB_CSV = ('"07459: Befolkning, etter region, statistikkvariabel og år"\n'
           '\n'
           '"region";"Personer 2024"\n'
           '"0 Hele landet";5550203\n'
           '"31 Østfold";312152\n'
           '"0301 Oslo";717710\n'
           '"3101 Halden";31935\n'
           '"1826 Hattfjelldal - Aarborte";1284\n'
           '"1860 Vestvågøy";11619\n'
           '"5612 Kautokeino - Guovdageaidnu";2848\n'
           '"3001 Halden (2020-2023)";..\n')


def scb_xlsx() -> bytes:
    """SCB's XLSX: the title in A1, the header two rows down with the years as numbers, the
    figures as numbers, the source under the table."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Folkmängd efter region och år"])
    sheet.append([])
    sheet.append(["region", 1999, 2024])
    sheet.append(["14 Västra Götalands län", None, None])
    sheet.append(["1401 Härryda", 29842, 40003])
    sheet.append(["1402 Partille", 33000, 41060])
    sheet.append(["1440 Ale", 25329, 32576])
    sheet.append([])
    sheet.append(["Källa: SCB, Statistikdatabasen"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ssb_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["07459: Befolkning, etter region, statistikkvariabel og år"])
    sheet.append([None, "Personer"])
    sheet.append([None, "2024"])
    sheet.append(["0301 Oslo", 717710])
    sheet.append(["1860 Vestvågøy", 11619])
    sheet.append(["Kilde: Statistisk sentralbyrå"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def norway(app, monkeypatch):
    """A Norwegian installation (CONSORTIUM_COUNTRY=NO), its configuration in reach."""
    monkeypatch.setitem(app.config, "COUNTRY", "NO")
    with app.app_context():
        yield


def apply(data: bytes, name: str = "file.csv", **kwargs):
    return importing.apply(importing.read(data), source=name, data=data, actor_label="test",
                           **kwargs)


def figures(code: str) -> list[tuple[int, int]]:
    return [tuple(row) for row in db.session.execute(
        select(PopulationFigure.year, PopulationFigure.population).join(Municipality)
        .where(Municipality.code == code).order_by(PopulationFigure.year))]


def table_counts() -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in
                 (Municipality, PopulationFigure, PopulationImport, PopulationImportRow))


# --- the other country's list ------------------------------------------------------------

def test_swedens_list_into_a_norwegian_register_writes_nothing_and_names_each_line(
        norway, runner):
    no_list = DATA / "no_municipalities.csv"
    result = runner.invoke(args=["import", "municipalities", str(no_list)])
    assert result.exit_code == 0, result.output
    assert "Imported 357 rows" in result.output
    before = table_counts()
    vestvagoy = figures("1860")

    result = runner.invoke(args=["import", "municipalities",
                                 str(DATA / "se_municipalities.csv")])
    assert result.exit_code == 1
    assert "nothing was imported" in result.output
    # 0114 Upplands Väsby is line 2; Sweden's 290 codes, of which Norway has only 1860
    assert ("se_municipalities.csv: Line 2: 0114 is not a municipality code (kommunkod) of "
            "Norge.") in result.output
    assert len(re.findall(r"is not a municipality code \(kommunkod\) of Norge",
                          result.output)) == 289
    line = next(number for number, text in enumerate(
        (DATA / "se_municipalities.csv").read_text(encoding="utf-8").splitlines(), start=1)
        if text.startswith("1860,"))
    assert (f"Line {line}: The file names 1860 “Laxå”; the register has “Vestvågøy”."
            in result.output)
    assert table_counts() == before and figures("1860") == vestvagoy == [(2023, 11619)]


def test_a_norwegian_code_that_sweden_also_has_is_refused_by_its_name():
    service.create_municipality({"code": "1860", "name": "Laxå", "county": "Örebro län"})
    data = SSB_CSV.encode("utf-8")  # read in a Swedish installation
    parsed = importing.read(data)
    result = importing.plan(parsed)
    assert [str(e) for e in result.errors][:2] == [
        "Line 6: 0301 is not a municipality code (kommunkod) of Sverige.",
        "Line 7: 3101 is not a municipality code (kommunkod) of Sverige."]
    assert [str(c) for c in result.conflicts] == [
        "Line 9: The file names 1860 “Vestvågøy”; the register has “Laxå”."]
    before = table_counts()
    with pytest.raises(Invalid):
        apply(data)
    assert table_counts() == before and figures("1860") == []


def test_an_api_create_outside_the_national_list_names_the_field(client, api_token):
    response = client.post("/api/v1/municipalities", headers=bearer(api_token("admin")),
                           json={"code": "0301", "name": "Oslo", "county": "Oslo"})
    assert response.status_code == 422
    assert response.json["error"]["fields"]["code"] == \
        "0301 is not a municipality code (kommunkod) of Sverige."


# --- names -------------------------------------------------------------------------------

def test_a_shifted_name_column_writes_nothing_and_names_every_line(make_municipality):
    for code, name in (("0123", "Järfälla"), ("0125", "Ekerö"), ("0127", "Botkyrka")):
        make_municipality(code, name, "Stockholms län")
    shifted = ("code,name,county,population,population_year\n"
               "0123,Ekerö,Stockholms län,88950,2024\n"
               "0125,Botkyrka,Stockholms län,28910,2024\n"
               "0127,,Stockholms län,95905,2024\n")
    assert importing.parse(shifted).errors[0].line == 4  # an empty name: the parser says it
    shifted = shifted.replace("0127,,", "0127,Järfälla,")
    result = importing.plan(importing.parse(shifted))
    assert [str(c) for c in result.conflicts] == [
        "Line 2: The file names 0123 “Ekerö”; the register has “Järfälla”.",
        "Line 3: The file names 0125 “Botkyrka”; the register has “Ekerö”.",
        "Line 4: The file names 0127 “Järfälla”; the register has “Botkyrka”."]
    before = table_counts()
    with pytest.raises(Invalid) as refused:
        apply(shifted.encode())
    assert "Line 2" in refused.value.fields["file"]
    assert table_counts() == before


def test_a_rename_is_explicit_and_recorded(make_municipality):
    make_municipality("2023", "Malung", "Dalarnas län")
    text = ("code,name,county,population,population_year\n"
            "2023,Malung-Sälen,Dalarnas län,10091,2016\n")
    with pytest.raises(Invalid):
        apply(text.encode())
    assert figures("2023") == []
    result = apply(text.encode(), "2016.csv", renames={"2023"})
    assert result.renames == {"2023": ("Malung", "Malung-Sälen")}
    db.session.expire_all()
    assert service.get_by_code("2023").name == "Malung-Sälen"
    kept = db.session.get(PopulationImport, result.kept_id)
    assert [(r.kind, r.name_before, r.name_after, r.year, r.population_after)
            for r in kept.rows] == [("renamed", "Malung", "Malung-Sälen", None, None),
                                    ("new_figure", None, None, 2016, 10091)]
    db.commit()  # the audit log is written as the unit of work commits
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "municipality.update", AuditEvent.object_id == "2023"))
    assert (event.before, event.after) == ({"name": "Malung"}, {"name": "Malung-Sälen"})
    assert event.note == f"import {kept.id} 2016.csv (rename)"


def test_the_cli_renames_only_with_rename(runner, tmp_path, make_municipality):
    make_municipality("2023", "Malung", "Dalarnas län")
    path = tmp_path / "scb.csv"
    path.write_text('"Folkmängd efter region och år"\n\n"region","2016"\n'
                    '"2023 Malung-Sälen",10091\n', encoding="utf-8")
    refused = runner.invoke(args=["import", "municipalities", str(path)])
    assert refused.exit_code == 1
    assert "scb.csv: Line 4: The file names 2023 “Malung-Sälen”; the register has " \
           "“Malung”." in refused.output
    assert "--rename CODE" in refused.output and figures("2023") == []
    wrong = runner.invoke(args=["import", "municipalities", "--rename", "2023,0180", str(path)])
    assert wrong.exit_code == 1 and "--rename 0180: no row of scb.csv" in wrong.output
    done = runner.invoke(args=["import", "municipalities", "--rename", "2023", str(path)])
    assert done.exit_code == 0, done.output
    assert "2023: renamed from Malung to Malung-Sälen" in done.output
    assert figures("2023") == [(2016, 10091)]


def test_a_new_municipality_takes_its_name_and_county_from_the_national_list():
    result = apply(SCB_CSV.encode())
    assert importing.summary(result)["new_municipality"] == 3
    jarfalla = service.get_by_code("0123")
    assert (jarfalla.name, jarfalla.county) == ("Järfälla", "Stockholms län")
    with pytest.raises(Invalid) as refused:
        apply(SCB_CSV.replace("0127 Botkyrka", "0138 Botkyrka").encode())
    assert "Line 8: The file names 0138 “Botkyrka”; the register has “Tyresö”." in \
        refused.value.fields["file"]


# --- the agencies' files -----------------------------------------------------------------

def test_scb_csv_reads_as_it_comes():
    parsed = importing.read(SCB_CSV.encode("utf-8"))
    assert parsed.errors == [] and parsed.layout == "scb"
    assert parsed.title == "Folkmängd efter region och år"
    assert [(r.line, r.code, r.name, r.county, r.year, r.population) for r in parsed.rows] == [
        (6, "0123", "Järfälla", None, 2024, 88950), (7, "0125", "Ekerö", None, 2024, 28910),
        (8, "0127", "Botkyrka", None, 2024, 95905)]
    assert [(s.line, s.text, s.reason) for s in parsed.skipped] == [
        (4, "00 Riket", "total"), (5, "01 Stockholms län", "total")]


def test_scb_figures_with_spaces_and_a_new_style_header_in_windows_1252():
    text = ('"Folkmängd efter region och år"\n"region";"Folkmängd 2024"\n'
            '"0123 Järfälla";"88\u00a0950"\n"0125 Ekerö";"28 910"\n'
            '"0127 Botkyrka";"95\u202f905"\n')
    with pytest.raises(UnicodeEncodeError):
        text.encode("cp1252")  # a narrow no-break space is not in Windows-1252
    parsed = importing.read(text.replace("\u202f", " ").encode("cp1252"))
    assert parsed.errors == []
    assert [(r.code, r.name, r.population) for r in parsed.rows] == [
        ("0123", "Järfälla", 88950), ("0125", "Ekerö", 28910), ("0127", "Botkyrka", 95905)]
    parsed = importing.read(text.encode("utf-8"))
    assert [r.population for r in parsed.rows] == [88950, 28910, 95905]


def test_scb_xlsx_with_two_years_imports_both():
    result = apply(scb_xlsx(), "BE0101.xlsx")
    assert importing.summary(result) == {"new_municipality": 3, "new_figure": 3,
                                         "changed_figure": 0, "unchanged": 0, "renamed": 0}
    assert figures("1401") == [(1999, 29842), (2024, 40003)]
    assert figures("1440") == [(1999, 25329), (2024, 32576)]
    kept = db.session.get(PopulationImport, result.kept_id)
    assert (kept.layout, kept.filename, kept.row_count) == ("scb", "BE0101.xlsx", 6)


def test_ssb_csv_is_kept_as_31_december_of_the_year_before(norway):
    parsed = importing.read(SSB_CSV.encode("utf-8"))
    assert parsed.errors == [] and parsed.layout == "ssb"
    assert [(r.code, r.year, r.population) for r in parsed.rows] == [
        ("0301", 2023, 717710), ("3101", 2023, 31935), ("1826", 2023, 1284),
        ("1860", 2023, 11619), ("5612", 2023, 2848)]
    assert [(s.text, s.reason) for s in parsed.skipped] == [
        ("0 Hele landet", "total"), ("31 Østfold", "total"),
        ("3001 Halden (2020-2023)", "no_figures")]
    result = apply(SSB_CSV.encode("utf-8"), "07459.csv")
    assert result.conflicts == [] and importing.summary(result)["new_municipality"] == 5
    assert service.get_by_code("1826").name == "Hattfjelldal"  # the list's name is kept
    assert figures("1860") == [(2023, 11619)]


def test_ssb_xlsx_and_a_table_that_names_no_agency(norway):
    parsed = importing.read(ssb_xlsx())
    assert parsed.errors == [] and parsed.layout == "ssb"
    assert [(r.line, r.code, r.year, r.population) for r in parsed.rows] == [
        (4, "0301", 2023, 717710), (5, "1860", 2023, 11619)]
    plain = "region,2024\n0301 Oslo,717710\n"
    assert importing.read(plain.encode()).layout == "ssb"  # a Norwegian installation: SSB


def test_bad_cells_of_an_agency_table_are_named_by_line():
    text = ('"Folkmängd efter region och år"\n"region","2023","2024"\n'
            '"0123 Järfälla",many,88950\n'
            '"Järfälla",88000,88950\n'
            '"0125 Ekerö",28000,-3\n'
            '"0127 Botkyrka",1,2\n'
            '"0127 Botkyrka",1,2\n')
    errors = importing.read(text.encode()).errors
    assert [str(e) for e in errors] == [
        "Line 3: The population 'many' is not a whole number.",
        "Line 4: 'Järfälla' does not begin with a municipality code (kommunkod).",
        "Line 5: The population -3 is negative.",
        "Line 7: The code 0127 appears twice (first on line 6)."]
    other = importing.read(b'"region","kon","2024"\n"0123 J",1,2\n').errors
    assert [str(e) for e in other] == [
        "Line 1: The column 'kon' is neither the region nor a year. Download the table with "
        "only region and year (år) chosen, the years as columns."]
    assert "neither the registry's CSV" in str(importing.read(b"a,b\n1,2\n").errors[0])


def test_a_broken_workbook_is_a_clear_error():
    with pytest.raises(importing.BadFile, match="cannot be opened"):
        importing.read(b"PK\x03\x04 not really a workbook")


def _with_sheet(sheet_xml_chunks) -> bytes:
    """SCB's workbook with its first sheet replaced by the given XML, written as a stream:
    the test never holds the unpacked sheet in memory."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(scb_xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with target.open(item.filename, "w", force_zip64=True) as handle:
                    for chunk in sheet_xml_chunks:
                        handle.write(chunk)
            else:
                target.writestr(item, source.read(item.filename))
    return out.getvalue()


def test_a_zip_bomb_is_refused_at_once_and_reads_almost_nothing():
    """Issue 22, item 5: a 297 kB XLSX with 86 MB of sheet XML (a million rows) held the CLI
    import for 87 s and 870 MB before the 5 000-row limit applied."""
    import time
    import tracemalloc

    row = b'<row><c t="inlineStr"><is><t>0180</t></is></c><c><v>1</v></c></row>' * 1000
    bomb = _with_sheet([b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats'
                        b'.org/spreadsheetml/2006/main"><sheetData>', *([row] * 1000),
                        b"</sheetData></worksheet>"])
    assert len(bomb) < 1_000_000
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(importing.BadFile, match="unpacks to more than 32 MB"):
        importing.read(bomb)
    elapsed = time.perf_counter() - started
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1.0 and peak < 50 * 1024 * 1024, (elapsed, peak)


def test_a_workbook_of_many_rows_stops_at_the_limit():
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    long = _with_sheet([b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats'
                        b'.org/spreadsheetml/2006/main"><sheetData>', *([row] * 20_000),
                        b"</sheetData></worksheet>"])
    with pytest.raises(importing.BadFile, match="more than 5000 rows"):
        importing.read(long)


def test_a_workbook_with_a_dtd_is_refused_with_a_message(client_as):
    """An XLSX with a DTD answered 500 (ParseError not caught)."""
    laughs = _with_sheet([b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                          b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><worksheet xmlns="http://'
                          b'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                          b"<row><c><v>&lol2;</v></c></row></sheetData></worksheet>"])
    with pytest.raises(importing.BadFile, match="document type"):
        importing.read(laughs)
    answer = _upload(client_as("admin"), laughs, "laughs.xlsx")
    assert answer.status_code == 422
    assert "declares a document type (DTD)" in answer.get_data(as_text=True)


# --- the record --------------------------------------------------------------------------

def _upload(client, data: bytes, name: str):
    return client.post("/municipalities/import", headers={"Accept-Language": "en"},
                       content_type="multipart/form-data", data={
                           "csrf_token": csrf_token(client, "/municipalities/import"),
                           "file": (io.BytesIO(data), name)})


def _confirm(client, data: bytes, name: str, renames=()):
    return client.post("/municipalities/import/confirm", headers={"Accept-Language": "en"},
                       data={"csrf_token": csrf_token(client, "/municipalities/import"),
                             "content": base64.b64encode(data).decode(), "filename": name,
                             "rename": list(renames)})


def test_upload_of_an_scb_workbook_is_kept_and_shown_where_the_figures_are(client_as):
    admin = client_as("admin", name="Kansliet Admin")
    data = scb_xlsx()
    preview = _upload(admin, data, "BE0101.xlsx")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html
    assert "Read as: SCB, Folkmängd efter region och år." in html
    assert "Line 4: 14 Västra Götalands län (total)" in html
    assert table_counts() == (0, 0, 0, 0)
    done = _confirm(admin, data, "BE0101.xlsx")
    assert done.status_code == 302
    kept = db.session.scalar(select(PopulationImport))
    assert done.headers["Location"].endswith(f"/municipalities/imports/{kept.id}")
    assert kept.sha256 == hashlib.sha256(data).hexdigest()
    page = admin.get(f"/municipalities/imports/{kept.id}",
                     headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert kept.sha256 in page and "Kansliet Admin" in page and "1401 Härryda" in page
    assert "29,842" in page and "40,003" in page
    municipality = admin.get("/municipalities/1401", headers={"Accept-Language": "en"})
    assert f'href="/municipalities/imports/{kept.id}">Import of BE0101.xlsx' in \
        municipality.get_data(as_text=True)
    log = admin.get("/admin/audit", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f'href="/municipalities/imports/{kept.id}"' in log
    observer = client_as("observer")
    assert observer.get(f"/municipalities/imports/{kept.id}").status_code == 200
    assert observer.get("/municipalities/import").status_code == 403


def test_upload_with_a_renamed_municipality_needs_its_box_ticked(client_as,
                                                                 make_municipality):
    make_municipality("2023", "Malung", "Dalarnas län")
    admin = client_as("admin")
    data = b'"region","2016"\n"2023 Malung-S\xc3\xa4len",10091\n'
    preview = _upload(admin, data, "scb.csv")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert 'name="rename" value="2023"' in html and "Rename Malung to Malung-Sälen" in html
    refused = _confirm(admin, data, "scb.csv")
    assert refused.status_code == 422
    assert "Nothing was imported" in refused.get_data(as_text=True)
    assert figures("2023") == []
    assert _confirm(admin, data, "scb.csv", renames=["0180"]).status_code == 400
    assert _confirm(admin, data, "scb.csv", renames=["2023"]).status_code == 302
    assert service.get_by_code("2023").name == "Malung-Sälen"
    assert figures("2023") == [(2016, 10091)]


def test_upload_of_the_other_countrys_list_names_the_lines(client_as):
    admin = client_as("admin")
    response = _upload(admin, SSB_CSV.encode(), "07459.csv")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "07459.csv has 5 errors. Nothing was imported." in html
    assert "0301 is not a municipality code (kommunkod) of Sverige." in html
    assert table_counts() == (0, 0, 0, 0)


# --- the API -----------------------------------------------------------------------------

def _post(client, token, data: bytes, **extra):
    return client.post("/api/v1/imports", headers=bearer(token), json={
        "filename": "scb.csv", "content": base64.b64encode(data).decode(), **extra})


def test_the_api_imports_checks_renames_and_keeps_the_record(client, api_token,
                                                              make_municipality):
    make_municipality("0123", "Järfälla", "Stockholms län")
    make_municipality("0125", "Ekerö kommun", "Stockholms län")
    admin = api_token("admin")
    refused = _post(client, admin, SCB_CSV.encode())
    assert refused.status_code == 422
    assert refused.json["error"]["fields"] == {
        "line 7": "The file names 0125 “Ekerö”; the register has “Ekerö kommun”."}
    assert _post(client, admin, SCB_CSV.encode(), rename=["0180"]).status_code == 422
    dry = _post(client, admin, SCB_CSV.encode(), rename=["0125"], dry_run=True)
    assert dry.status_code == 200 and dry.json["id"] is None
    assert dry.json["counts"] == {"new_municipality": 1, "new_figure": 2, "changed_figure": 0,
                                  "unchanged": 0, "renamed": 1}
    assert table_counts()[1:] == (0, 0, 0)
    done = _post(client, admin, SCB_CSV.encode(), rename=["0125"])
    assert done.status_code == 201, done.json
    assert done.json["sha256"] == hashlib.sha256(SCB_CSV.encode()).hexdigest()
    assert done.json["layout"] == "scb"
    assert [(r["line"], r["code"], r["kind"]) for r in done.json["rows"]] == [
        (6, "0123", "new_figure"), (7, "0125", "renamed"), (7, "0125", "new_figure"),
        (8, "0127", "new_municipality"), (8, "0127", "new_figure")]
    observer = api_token("observer")
    kept = client.get(done.headers["Location"], headers=bearer(observer))
    assert kept.status_code == 200 and kept.json["rows"] == done.json["rows"]
    history = client.get("/api/v1/municipalities/0125", headers=bearer(observer)).json
    assert history["name"] == "Ekerö"
    assert history["population_history"] == [
        {"year": 2024, "population": 28910, "source": "scb.csv",
         "import_id": done.json["id"]}]
    assert _post(client, observer, SCB_CSV.encode()).status_code == 403


def test_the_api_names_a_file_that_is_not_base64_or_not_a_table(client, api_token):
    admin = api_token("admin")
    response = client.post("/api/v1/imports", headers=bearer(admin),
                           json={"filename": "x.csv", "content": "not base64!"})
    assert response.status_code == 422 and "base64" in response.json["error"]["fields"][
        "content"]
    response = _post(client, admin, b"a,b\n1,2\n")
    assert response.status_code == 422 and "line 1" in response.json["error"]["fields"]


def test_a_figure_corrected_by_hand_no_longer_names_the_import(client_as):
    result = apply(SCB_CSV.encode(), "BE0101.csv")
    figure = db.session.scalar(select(PopulationFigure).join(Municipality).where(
        Municipality.code == "0123"))
    assert figure.import_id == result.kept_id
    service.set_population(service.get_by_code("0123"), 2024, 88951, source="Kommunens kansli")
    admin = client_as("admin")
    page = admin.get("/municipalities/0123", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert "Kommunens kansli" in html and "Import of BE0101.csv" not in html
    assert "Import of BE0101.csv" in admin.get(
        "/municipalities/0125", headers={"Accept-Language": "en"}).get_data(as_text=True)


@pytest.mark.parametrize("given, kept, county, same", [
    ("Herøy (Nordland)", "Herøy", "Nordland", True),
    ("Herøy (M. og R.)", "Herøy", "Møre og Romsdal", True),
    ("Herøy (Nordland)", "Herøy", "Møre og Romsdal", False),
    ("Hattfjelldal - Aarborte", "Hattfjelldal", "Nordland", True),
    ("Kautokeino \u2013 Guovdageaidnu", "Kautokeino", "Finnmark", True),
    ("  upplands  VÄSBY ", "Upplands Väsby", "Stockholms län", True),
    ("Halden (2020-2023)", "Halden", "Østfold", False),
    ("Laxå", "Vestvågøy", "Nordland", False),
    ("Malung-Sälen", "Malung", "Dalarnas län", False),
])
def test_which_names_are_the_same(given, kept, county, same):
    assert importing.same_name(given, kept, county) is same


def test_import_pages_read_as_much_whatever_is_imported(client_as, count_queries):
    """The import page and a municipality's page: the same number of statements with one
    small import and with a second of 290 rows beside it."""
    admin = client_as("admin")
    small = apply(SCB_CSV.encode(), "small.csv")

    def statements(path: str) -> int:
        with count_queries() as counted:
            assert admin.get(path).status_code == 200
        return counted.count

    few = (statements(f"/municipalities/imports/{small.kept_id}"),
           statements("/municipalities/0123"), statements("/municipalities/imports"))
    apply((DATA / "se_municipalities.csv").read_bytes(), "se.csv")
    assert (statements(f"/municipalities/imports/{small.kept_id}"),
            statements("/municipalities/0123"), statements("/municipalities/imports")) == few


def test_px_webs_long_layout_reads_a_row_per_region_and_year(norway):
    """SSB's CSV with a row per region and year: the column of one value (statistikkvariabel)
    passes, a second value in it would be an error."""
    text = ('"region";"statistikkvariabel";"år";"07459: Befolkning, etter region, '
            'statistikkvariabel og år"\n'
            '"0 Hele landet";"Personer";"2024";5550203\n'
            '"0301 Oslo";"Personer";"2024";717710\n'
            '"3101 Halden";"Personer";"2024";31935\n'
            '"1860 Vestvågøy";"Personer";"2024";11619\n')
    parsed = importing.read(text.encode("utf-8"))
    assert parsed.errors == [] and parsed.layout == "ssb"
    assert [(r.line, r.code, r.year, r.population) for r in parsed.rows] == [
        (3, "0301", 2023, 717710), (4, "3101", 2023, 31935), (5, "1860", 2023, 11619)]
    assert [(s.line, s.reason) for s in parsed.skipped] == [(2, "total")]
    two = text.replace('"1860 Vestvågøy";"Personer"', '"1860 Vestvågøy";"Kvinner"')
    assert [str(e) for e in importing.read(two.encode()).errors] == [
        "Line 1: The column 'statistikkvariabel' has several values (Kvinner, Personer). "
        "Download the table with one value of it chosen."]
    twice = text + '"0301 Oslo";"Personer";"2024";1\n'
    assert [str(e) for e in importing.read(twice.encode()).errors] == [
        "Line 6: The code 0301 appears twice (first on line 3)."]
