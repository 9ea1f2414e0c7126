"""The CSV import: every bad row reported by line number, all rows or none."""

from __future__ import annotations

import base64
import io

import pytest
from sqlalchemy import func, select

from consortium import db
from consortium.errors import Invalid
from consortium.members import importing
from consortium.members.models import Municipality, PopulationFigure
from tests.conftest import csrf_token

GOOD = """code,name,county,population,population_year
0180,Stockholm,Stockholms län,935619,2016
1860,Laxå,Örebro län,5631,2016
"""


def run(text, source="t.csv", **kwargs):
    """Import a CSV text as the CLI and the web do: parsed, planned, written with its bytes."""
    return importing.apply(importing.parse(text), source=source, data=text.encode("utf-8"),
                           actor_label="test", **kwargs)


def counts():
    return (db.session.scalar(select(func.count()).select_from(Municipality)),
            db.session.scalar(select(func.count()).select_from(PopulationFigure)))


def test_a_good_file_parses_into_rows():
    parsed = importing.parse(GOOD)
    assert parsed.errors == []
    assert [(r.line, r.code, r.name, r.population, r.year) for r in parsed.rows] == [
        (2, "0180", "Stockholm", 935619, 2016), (3, "1860", "Laxå", 5631, 2016)]


def test_semicolons_bom_and_spaced_thousands_are_understood():
    text = ("code;name;county;population;population_year\n"
            "0180;Stockholm;Stockholms län;935 619;2016\n")
    parsed = importing.parse(importing.decode(("\ufeff" + text).encode("utf-8")))
    assert parsed.errors == [] and parsed.rows[0].population == 935619


def test_windows_1252_files_keep_their_swedish_letters():
    parsed = importing.parse(importing.decode(GOOD.encode("cp1252")))
    assert parsed.rows[1].name == "Laxå"


def test_every_bad_row_is_reported_with_its_line_number():
    text = ("code,name,county,population,population_year\n"
            "0180,Stockholm,Stockholms län,935619,2016\n"
            "180,Kort kod,Län,100,2016\n"
            "1860,Laxå,Örebro län,-5,2016\n"
            "0114,Upplands Väsby,Stockholms län,many,2016\n"
            "0180,Stockholm igen,Stockholms län,1,2016\n"
            "0115,Vallentuna,Stockholms län,32785\n")
    errors = importing.parse(text).errors
    assert [e.line for e in errors] == [3, 4, 5, 6, 7]
    assert "four digits" in errors[0].message
    assert "negative" in errors[1].message
    assert "'many' is not a whole number" in errors[2].message
    assert "appears twice (first on line 2)" in errors[3].message
    assert "Expected 5 values, found 4" in errors[4].message


def test_unknown_and_missing_columns_are_reported_on_line_one():
    errors = importing.parse("code,name,kommun,population,year\n0180,S,L,1,2016\n").errors
    messages = [str(e) for e in errors]
    assert "Line 1: Unknown column 'kommun'." in messages[0]
    assert any("'county' is missing" in m for m in messages)
    assert all(e.line == 1 for e in errors)


def test_an_empty_file_is_an_error():
    assert importing.parse("").errors[0].line == 1
    assert importing.parse("code,name,county,population,population_year\n").errors


def test_a_file_with_errors_writes_nothing():
    before = counts()
    parsed = importing.parse(GOOD + "999,Bad,Län,1,2016\n")
    with pytest.raises(Invalid):
        importing.apply(parsed, source="t.csv", data=b"", actor_label="test")
    assert counts() == before


def test_import_creates_municipalities_without_membership():
    result = run(GOOD)
    assert importing.summary(result) == {"new_municipality": 2, "new_figure": 0,
                                         "changed_figure": 0, "unchanged": 0, "renamed": 0}
    laxa = db.session.scalar(select(Municipality).where(Municipality.code == "1860"))
    assert laxa.status is None and laxa.county == "Örebro län"
    assert [(f.year, f.population) for f in laxa.population_figures] == [(2016, 5631)]


def test_reimporting_a_newer_year_only_adds_figures(make_municipality):
    from datetime import date

    from consortium.members import service

    run(GOOD, "2016.csv")
    laxa = service.get_by_code("1860")
    service.change_membership(laxa, "admit", date(2020, 1, 1))
    service.update_municipality(laxa, {"invoice_reference": "Ref 42"})
    newer = ("code,name,county,population,population_year\n"
             "1860,Laxå,Örebro,5700,2024\n0180,Stockholm,Stockholms län,984748,2024\n")
    result = run(newer, "2024.csv")
    assert importing.summary(result)["new_figure"] == 2
    assert result.changes[0].note == ("The file says Örebro; the register keeps "
                                      "Örebro län.")
    db.session.expire_all()
    laxa = service.get_by_code("1860")
    assert laxa.name == "Laxå" and laxa.invoice_reference == "Ref 42"
    assert laxa.status.value == "member"
    assert [(f.year, f.population) for f in laxa.population_figures] == [
        (2016, 5631), (2024, 5700)]


def test_reimporting_a_corrected_figure_changes_it():
    run(GOOD, "a.csv")
    corrected = GOOD.replace("5631", "5632")
    result = run(corrected, "b.csv")
    assert importing.summary(result) == {"new_municipality": 0, "new_figure": 0,
                                         "changed_figure": 1, "unchanged": 1, "renamed": 0}
    figure = db.session.scalar(select(PopulationFigure).join(Municipality).where(
        Municipality.code == "1860"))
    assert figure.population == 5632 and figure.source == "b.csv"


def test_cli_imports_a_good_file(runner, tmp_path):
    path = tmp_path / "kommuner.csv"
    path.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(args=["import", "municipalities", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 rows from kommuner.csv: 2 new municipalities" in result.output
    assert counts() == (2, 2)


def test_cli_reports_bad_rows_and_writes_nothing(runner, tmp_path):
    path = tmp_path / "kommuner.csv"
    path.write_text(GOOD + "1861,Hallsberg,Örebro län,-1,2016\n", encoding="utf-8")
    result = runner.invoke(args=["import", "municipalities", str(path)])
    assert result.exit_code == 1
    assert "kommuner.csv: Line 4:" in result.output and "negative" in result.output
    assert "nothing was imported" in result.output
    assert counts() == (0, 0)


def test_cli_dry_run_writes_nothing(runner, tmp_path):
    path = tmp_path / "kommuner.csv"
    path.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(args=["import", "municipalities", "--dry-run", str(path)])
    assert "Would import 2 rows" in result.output
    assert counts() == (0, 0)


def _upload(client, text, name="kommuner.csv"):
    return client.post("/municipalities/import", headers={"Accept-Language": "en"},
                       content_type="multipart/form-data", data={
                           "csrf_token": csrf_token(client, "/municipalities/import"),
                           "file": (io.BytesIO(text.encode("utf-8")), name)})


def test_upload_with_a_bad_row_shows_its_line_and_writes_nothing(client_as):
    admin = client_as("admin")
    response = _upload(admin, GOOD + "1861,Hallsberg,Örebro län,abc,2016\n")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "kommuner.csv has 1 error. Nothing was imported." in html
    assert '<td class="num">4</td>' in html and "&#39;abc&#39; is not a whole number" in html
    assert counts() == (0, 0)


def test_upload_previews_then_imports_on_confirmation(client_as):
    admin = client_as("admin")
    response = _upload(admin, GOOD)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing has been saved yet." in html and "Import 2 rows" in html
    assert counts() == (0, 0)
    token = csrf_token(admin, "/municipalities/import")
    confirm = admin.post("/municipalities/import/confirm", data={
        "csrf_token": token, "content": base64.b64encode(GOOD.encode()).decode(),
        "filename": "kommuner.csv"})
    assert confirm.status_code == 302
    assert counts() == (2, 2)


def test_only_admins_import(client_as):
    assert client_as("finance").get("/municipalities/import").status_code == 403


def _upload_bytes(client, data, name="kommuner.csv"):
    return client.post("/municipalities/import", headers={"Accept-Language": "en"},
                       data={"file": (io.BytesIO(data), name),
                             "csrf_token": csrf_token(client, "/municipalities/import")},
                       content_type="multipart/form-data")


def test_bytes_that_are_no_text_are_named_with_their_line(client_as):
    admin = client_as("admin")
    data = (b"code,name,county,population,population_year\n"
            b"0483,Katrineholm,S\xc3\xb6dermanlands l\xc3\xa4n,34939,2025\n"
            b"0484,Eskilstuna,\x81\x8d\x8f\x90,107000,2025\n")
    response = _upload_bytes(admin, data)
    assert response.status_code == 422
    assert "Line 3 holds bytes that are neither UTF-8 nor Windows-1252" in \
        response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Municipality)) == 0


def test_a_field_over_128_kb_is_named_with_its_line(client_as):
    admin = client_as("admin")
    text = ("code,name,county,population,population_year\n"
            "0483,Katrineholm,Södermanlands län,34939,2025\n"
            f'0484,"{"x" * 140_000}",Södermanlands län,1,2025\n')
    response = _upload_bytes(admin, text.encode())
    assert response.status_code == 422
    assert "A field on line 3 is longer than 128 kB" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Municipality)) == 0
