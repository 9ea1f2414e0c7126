"""SPEC "Invoicing and the ledger" through the API: issuing a closed year (exact amounts, VAT
per category rounded half up, gap-free numbers, OCR), refusals that name what is missing and
write nothing, credits, payments and their statuses, who reads what, the SIE 4 ledger."""

from __future__ import annotations

from datetime import date

import time_machine
from sqlalchemy import func, select
from stdnum import luhn

from consortium import db
from consortium.auth.models import Role
from consortium.invoicing.models import Invoice, InvoiceSeries, Payment
from consortium.members import service as members
from consortium.notices.models import Notice
from tests.conftest import bearer
from tests.invoicing.conftest import fill_in

ISSUE = "/api/v1/years/2026/invoices"


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_open_year_is_not_invoiced(client, setup):
    refused = client.post(ISSUE, headers=setup["finance"])
    assert refused.status_code == 409
    assert "2026 is not closed" in refused.json["error"]["message"]


def test_missing_data_is_named_for_every_municipality_and_nothing_is_written(client,
                                                                            closed_2026):
    refused = client.post(ISSUE, headers=closed_2026["finance"])
    assert refused.status_code == 422
    fields = refused.json["error"]["fields"]
    assert {"settings.legal_name", "settings.org_number", "settings.address",
            "settings.bankgiro"} <= set(fields)
    assert fields["0180"] == "Stockholm: organisation number, invoice reference"
    assert fields["0483"] == "Katrineholm: organisation number, invoice reference"
    assert fields["1860"] == "Laxå: organisation number, invoice reference"
    fill_in(client, closed_2026["admin"], codes=("0180", "1860"))
    still = client.post(ISSUE, headers=closed_2026["finance"])
    assert still.status_code == 422
    assert list(still.json["error"]["fields"]) == ["0483"]
    assert count(Invoice) == 0 and count(InvoiceSeries) == 0


def test_a_closed_year_is_invoiced_to_the_ore_and_only_once(client, ready):
    issued = client.post(ISSUE, headers=ready["finance"])
    assert issued.status_code == 201
    assert issued.json == {"issued": ["2026-0001", "2026-0002", "2026-0003"], "existing": []}
    stockholm = client.get("/api/v1/invoices/2026-0001", headers=ready["observer"]).json
    assert stockholm["municipality"] == "0180" and stockholm["kind"] == "invoice"
    assert [(line["amount"], line["vat_category"], line["vat_rate"])
            for line in stockholm["lines"]] == [("976383.41", "S", 25), ("80000.00", "E", 0)]
    # VAT on the S sum: 976 383,41 × 25 % = 244 095,8525 → 244 095,85; the fee is exempt.
    assert (stockholm["net"], stockholm["vat"], stockholm["payable"]) == (
        "1056383.41", "244095.85", "1300479.26")
    assert stockholm["ocr"] == "20260001" + luhn.calc_check_digit("20260001")
    assert stockholm["issue_date"] == "2026-12-05" or stockholm["issue_date"]
    issue_day = date.fromisoformat(stockholm["issue_date"])
    assert date.fromisoformat(stockholm["due_date"]) == issue_day.fromordinal(
        issue_day.toordinal() + 30)
    assert stockholm["buyer_reference"] == "Ref 0180" and stockholm["status"] == "issued"
    laxa = client.get("/api/v1/invoices/2026-0003", headers=ready["observer"]).json
    # 5 876,34 × 25 % = 1 469,085: the half öre rounds up.
    assert (laxa["net"], laxa["vat"], laxa["payable"]) == ("5876.34", "1469.09", "7345.43")
    statement = client.get("/api/v1/municipalities/0180/statements/2026",
                           headers=ready["observer"]).json
    assert statement["total"] == stockholm["net"]
    again = client.post(ISSUE, headers=ready["finance"])
    assert again.status_code == 200
    assert again.json == {"issued": [], "existing": ["2026-0001", "2026-0002", "2026-0003"]}
    assert count(Invoice) == 3


def test_a_negative_statement_gets_a_credit_note(client, ready):
    # A later version of 2026 lowers Laxå's share: on 2027's statement as an adjustment.
    finance = ready["finance"]
    made = client.post("/api/v1/tools/provisum/budgets/2026/versions", headers=finance, json={
        "amount": "500000.00", "key": {"method": "per_capita"}, "reason": "Lower cost"})
    assert made.status_code == 201, made.json
    assert client.post(f"/api/v1/tools/provisum/budgets/2026/adopt?version="
                       f"{made.json['version']}", headers=finance).status_code == 200
    assert client.put("/api/v1/tools/provisum/participants/1860", headers=ready["admin"],
                      json={"joined_on": "2019-01-01", "left_on": "2026-12-31"}).status_code \
        in (200, 201)
    from tests.costs.test_costs_api import SAMBRUK_FEES
    assert client.put("/api/v1/fees/2027", json=SAMBRUK_FEES, headers=finance).status_code \
        == 201
    assert client.post("/api/v1/years/2027/close", headers=finance).status_code == 200
    issued = client.post("/api/v1/years/2027/invoices", headers=finance).json
    laxa = next(client.get(f"/api/v1/invoices/{n}", headers=ready["observer"]).json
                for n in issued["issued"]
                if client.get(f"/api/v1/invoices/{n}",
                              headers=ready["observer"]).json["municipality"] == "1860")
    assert laxa["kind"] == "credit_note" and laxa["credits"] is None
    # Half of Laxå's 5 876,34 comes back: 2 938,17 without VAT, 734,54 VAT (734,5425).
    assert laxa["lines"][0]["amount"] == "2938.17"
    assert "Provisum 2026" in laxa["lines"][0]["text"]
    assert (laxa["net"], laxa["vat"], laxa["payable"]) == ("2938.17", "734.54", "3672.71")


def test_credit_then_a_new_invoice(client, ready):
    finance, observer = ready["finance"], ready["observer"]
    client.post(ISSUE, headers=finance)
    no_reason = client.post("/api/v1/invoices/2026-0002/credit", headers=finance,
                            json={"reason": ""})
    assert no_reason.status_code == 422
    credited = client.post("/api/v1/invoices/2026-0002/credit", headers=finance,
                           json={"reason": "Fel referens"})
    assert credited.status_code == 201
    note = credited.json
    assert note["number"] == "2026-0004" and note["kind"] == "credit_note"
    assert note["credits"] == "2026-0002" and note["reason"] == "Fel referens"
    assert note["lines"] == client.get("/api/v1/invoices/2026-0002",
                                       headers=observer).json["lines"]
    assert note["payable"] == "22175.31" and note["due_date"] is None
    original = client.get("/api/v1/invoices/2026-0002", headers=observer).json
    assert original["status"] == "credited" and original["credited_by"] == "2026-0004"
    assert client.post("/api/v1/invoices/2026-0002/credit", headers=finance,
                       json={"reason": "igen"}).status_code == 409
    assert client.post("/api/v1/invoices/2026-0004/credit", headers=finance,
                       json={"reason": "igen"}).status_code == 409
    client.patch("/api/v1/municipalities/0483", headers=ready["admin"],
                 json={"invoice_reference": "KS-123"})
    again = client.post(ISSUE, headers=finance)
    # What stands: the invoices not credited (a credit note of a credit stands for nothing).
    assert again.json == {"issued": ["2026-0005"], "existing": ["2026-0001", "2026-0003"]}
    new = client.get("/api/v1/invoices/2026-0005", headers=observer).json
    assert new["buyer_reference"] == "KS-123" and new["payable"] == "22175.31"
    numbers = sorted(db.session.scalars(select(Invoice.sequence)))
    assert numbers == [1, 2, 3, 4, 5]  # no gap


def test_payments_partial_full_and_refused(client, ready):
    finance, observer = ready["finance"], ready["observer"]
    client.post(ISSUE, headers=finance)
    url = "/api/v1/invoices/2026-0002/payments"
    assert client.post(url, headers=finance, json={"paid_on": "2099-01-01",
                                                   "amount": "10.00"}).status_code == 422
    too_early = client.post(url, headers=finance, json={"paid_on": "2020-01-01",
                                                        "amount": "10.00"})
    assert too_early.status_code == 422 and "paid_on" in too_early.json["error"]["fields"]
    too_much = client.post(url, headers=finance, json={"paid_on": date.today().isoformat(),
                                                       "amount": "22175.32"})
    assert too_much.status_code == 422
    assert "22175.31" in too_much.json["error"]["fields"]["amount"]
    assert client.post(url, headers=finance, json={"paid_on": date.today().isoformat(),
                                                   "amount": "-1"}).status_code == 422
    part = client.post(url, headers=finance, json={"paid_on": date.today().isoformat(),
                                                   "amount": "20000.00", "reference": "BG"})
    assert part.status_code == 201
    assert part.json["status"] == "partly_paid" and part.json["paid"] == "20000.00"
    rest = client.post(url, headers=finance, json={"paid_on": date.today().isoformat(),
                                                   "amount": "2175.31"})
    assert rest.json["status"] == "paid" and len(rest.json["payments"]) == 2
    assert client.post(url, headers=finance, json={"paid_on": date.today().isoformat(),
                                                   "amount": "0.01"}).status_code == 409
    assert client.post("/api/v1/invoices/2026-0002/credit", headers=finance,
                       json={"reason": "x"}).status_code == 409
    client.post("/api/v1/invoices/2026-0003/credit", headers=finance, json={"reason": "x"})
    assert client.post("/api/v1/invoices/2026-0003/payments", headers=finance, json={
        "paid_on": date.today().isoformat(), "amount": "1.00"}).status_code == 409
    assert client.post("/api/v1/invoices/2026-0004/payments", headers=finance, json={
        "paid_on": date.today().isoformat(), "amount": "1.00"}).status_code == 409
    assert count(Payment) == 2
    statuses = {i["number"]: i["status"] for i in
                client.get("/api/v1/invoices?year=2026", headers=observer).json}
    assert statuses == {"2026-0001": "issued", "2026-0002": "paid", "2026-0003": "credited",
                        "2026-0004": "issued"}


def test_each_municipality_reads_its_own_and_only_finance_acts(client, ready, api_token):
    client.post(ISSUE, headers=ready["finance"])
    katrineholm = members.get_by_code("0483")
    own_finance = bearer(api_token(Role.FINANCE, municipality=katrineholm))
    own_rep = bearer(api_token(Role.REPRESENTATIVE, municipality=katrineholm))
    for headers in (own_finance, own_rep):
        listed = client.get("/api/v1/invoices", headers=headers)
        assert [i["number"] for i in listed.json] == ["2026-0002"]
        assert client.get("/api/v1/invoices/2026-0002.pdf", headers=headers).status_code == 200
        assert client.get("/api/v1/invoices/2026-0001", headers=headers).status_code == 403
        assert client.get("/api/v1/invoices/2026-0001.xml", headers=headers).status_code == 403
        assert client.get("/api/v1/invoices?municipality=0180",
                          headers=headers).status_code == 403
        assert client.get("/api/v1/years/2026/ledger.sie", headers=headers).status_code == 403
    assert client.post("/api/v1/invoices/2026-0002/credit", headers=own_finance,
                       json={"reason": "x"}).status_code == 403
    assert client.post(ISSUE, headers=ready["observer"]).status_code == 403
    assert client.post("/api/v1/invoices/2026-0002/payments", headers=ready["observer"],
                       json={"paid_on": "2026-12-01", "amount": "1.00"}).status_code == 403
    assert len(client.get("/api/v1/invoices", headers=ready["observer"]).json) == 3
    assert client.get("/api/v1/invoices/2099-0001", headers=ready["observer"]).status_code \
        == 404


def test_finance_users_of_the_municipality_are_told(client, ready, make_user):
    katrineholm = members.get_by_code("0483")
    user = make_user(Role.FINANCE, municipality=katrineholm)
    make_user(Role.REPRESENTATIVE, municipality=katrineholm)
    client.post(ISSUE, headers=ready["finance"])
    told = list(db.session.scalars(select(Notice).where(Notice.kind == "invoice_issued")))
    assert [(n.user_id, n.params["number"], n.link) for n in told] == [
        (user.id, "2026-0002", "/invoices/2026-0002")]


def test_overdue_invoices_are_listed_for_finance(client, ready, client_as):
    client.post(ISSUE, headers=ready["finance"])
    client.post("/api/v1/invoices/2026-0001/payments", headers=ready["finance"],
                json={"paid_on": date.today().isoformat(), "amount": "1300479.26"})
    assert "2026-0002" not in client_as(Role.FINANCE).get("/").get_data(as_text=True)
    with time_machine.travel(date(2027, 2, 1)):
        page = client_as(Role.FINANCE).get("/").get_data(as_text=True)
    assert "2026-0002" in page and "2026-0003" in page and "2026-0001" not in page


def parse_sie(content: bytes) -> tuple[dict[str, str], list[tuple[str, str, list[tuple]]]]:
    text = content.decode("cp437")
    heads, vouchers, current = {}, [], None
    for line in text.split("\r\n"):
        parts = line.strip().split(" ", 1)
        if parts[0] == "#VER":
            series, number, day, _text = line.split(" ", 4)[1:]
            current = (series, day, [])
            vouchers.append(current)
        elif parts[0] == "#TRANS":
            account, _object, amount = parts[1].split(" ")
            current[2].append((account, amount))
        elif parts[0].startswith("#") and parts[0] not in ("#KONTO",):
            heads[parts[0]] = parts[1] if len(parts) > 1 else ""
    return heads, vouchers


def test_the_ledger_is_sie_4_with_balanced_vouchers_equal_to_the_documents(client, ready):
    finance = ready["finance"]
    client.post(ISSUE, headers=finance)
    client.post("/api/v1/invoices/2026-0003/credit", headers=finance, json={"reason": "x"})
    client.post("/api/v1/invoices/2026-0002/payments", headers=finance,
                json={"paid_on": date.today().isoformat(), "amount": "100.50"})
    response = client.get("/api/v1/years/2026/ledger.sie", headers=ready["observer"])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=cp437"
    heads, vouchers = parse_sie(response.data)
    assert heads["#FORMAT"] == "PC8" and heads["#SIETYP"] == "4"
    assert heads["#ORGNR"] == "769600-0004" and heads["#FNAMN"] == '"Sambruk ekonomisk förening"'
    assert "#FLAGGA" in heads and "#PROGRAM" in heads and heads["#RAR"].startswith("0 ")
    assert "Kundfordringar".encode("cp437") in response.data
    assert "Sambruk ekonomisk förening".encode("cp437") in response.data  # ö as PC8 0x94
    assert [v[0] for v in vouchers] == ["F", "F", "F", "F", "B"]
    for _series, _day, rows in vouchers:
        assert sum(int(a.replace(".", "")) for _account, a in rows) == 0
    stockholm = dict(vouchers[0][2])
    assert stockholm == {"1510": "1300479.26", "3001": "-976383.41", "3010": "-80000.00",
                         "2611": "-244095.85"}
    credit = dict(vouchers[3][2])
    assert credit == {"1510": "-7345.43", "3001": "5876.34", "2611": "1469.09"}
    assert dict(vouchers[4][2]) == {"1930": "100.50", "1510": "-100.50"}


def test_issued_documents_never_change_when_the_data_behind_them_does(client, ready):
    finance, admin, observer = ready["finance"], ready["admin"], ready["observer"]
    client.post(ISSUE, headers=finance)
    xml = client.get("/api/v1/invoices/2026-0002.xml", headers=observer)
    pdf = client.get("/api/v1/invoices/2026-0002.pdf", headers=observer)
    client.put("/api/v1/settings/invoicing", headers=admin,
               json={"legal_name": "Nytt namn", "bankgiro": "5050-1030"})
    client.patch("/api/v1/municipalities/0483", headers=admin,
                 json={"invoice_reference": "Ny referens", "address": {"city": "Annan"}})
    again = client.get("/api/v1/invoices/2026-0002.xml", headers=observer)
    assert again.data == xml.data
    assert again.headers["X-Content-SHA256"] == xml.headers["X-Content-SHA256"]
    assert client.get("/api/v1/invoices/2026-0002.pdf", headers=observer).data == pdf.data
    assert client.get("/api/v1/invoices/2026-0002",
                      headers=observer).json["buyer_reference"] == "Ref 0483"


def test_the_invoice_list_reads_a_fixed_number_of_statements(client, ready, count_queries,
                                                             client_as):
    client.post(ISSUE, headers=ready["finance"])
    office = client_as(Role.OBSERVER)
    with count_queries() as few:
        assert office.get("/invoices?year=2026").status_code == 200
    for number in ("2026-0001", "2026-0002", "2026-0003"):
        client.post(f"/api/v1/invoices/{number}/credit", headers=ready["finance"],
                    json={"reason": "x"})
    client.post(ISSUE, headers=ready["finance"])  # three more
    with count_queries() as more:
        assert office.get("/invoices?year=2026").status_code == 200
    assert more.count == few.count
