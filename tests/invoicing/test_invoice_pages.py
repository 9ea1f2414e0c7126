"""Invoices as people meet them: the PDF in the reader's language with the same figures as the
e-invoice, the pages where finance issues, credits and records payments (with the refusals
they show), the ZIP of a year through the worker, and the outbox folder."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

from lxml import etree
from sqlalchemy import select

from consortium import db
from consortium.auth.models import Role
from consortium.invoicing.models import Invoice
from consortium.members import service as members
from tests.conftest import csrf_token
from tests.documents.test_documents import text_of

ISSUE = "/api/v1/years/2026/invoices"


def sek(text: str) -> Decimal:
    """'1 300 479,26 kr' → Decimal('1300479.26')."""
    return Decimal(text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
                   .replace("kr", "").replace(",", "."))


def test_the_pdf_says_in_swedish_what_the_e_invoice_says(client, ready):
    client.post(ISSUE, headers=ready["finance"])
    pdf = client.get("/api/v1/invoices/2026-0001.pdf",
                     headers={**ready["observer"], "Accept-Language": "sv"})
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = text_of(pdf.data)
    for label in ("Faktura", "Fakturanummer", "Fakturadatum", "Förfallodatum", "Er referens",
                  "OCR", "Bankgiro", "Moms 25 %", "Godkänd för F-skatt", "Att betala"):
        assert label in text, label
    xml = etree.fromstring(client.get("/api/v1/invoices/2026-0001.xml",
                                      headers=ready["observer"]).data)
    total = xml.find("{*}LegalMonetaryTotal")
    for tag in ("LineExtensionAmount", "PayableAmount"):
        wanted = Decimal(total.findtext(f"{{*}}{tag}"))
        assert f"{wanted:,.2f}".replace(",", " ").replace(".", ",") in text.replace(
            "\u00a0", " ").replace("\u202f", " "), tag
    vat = Decimal(xml.findtext("{*}TaxTotal/{*}TaxAmount"))
    assert f"{vat:,.2f}".replace(",", " ").replace(".", ",") in text.replace(
        "\u00a0", " ").replace("\u202f", " ")
    for line in xml.iterfind("{*}InvoiceLine"):
        assert line.findtext("{*}Item/{*}Name") in text
    assert xml.findtext("{*}ID") in text and xml.findtext(".//{*}PaymentID") in text
    assert xml.findtext("{*}DueDate") in text and xml.findtext("{*}BuyerReference") in text
    english = text_of(client.get("/api/v1/invoices/2026-0001.pdf", headers={
        **ready["observer"], "Accept-Language": "en"}).data)
    assert "Invoice number" in english and "Due date" in english


def test_a_credit_note_pdf_names_the_invoice_it_credits(client, ready):
    client.post(ISSUE, headers=ready["finance"])
    client.post("/api/v1/invoices/2026-0002/credit", headers=ready["finance"],
                json={"reason": "Fel referens"})
    text = text_of(client.get("/api/v1/invoices/2026-0004.pdf", headers={
        **ready["observer"], "Accept-Language": "sv"}).data)
    assert "Kreditfaktura" in text and "2026-0002" in text and "Fel referens" in text
    assert "22 175,31" in text.replace("\u00a0", " ").replace("\u202f", " ")


def test_finance_issues_credits_and_records_a_payment_in_the_browser(ready, client_as):
    office = client_as(Role.FINANCE)
    page = office.get("/invoices?year=2026", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "3 municipalities have something to pay for 2026" in page.get_data(as_text=True)
    token = csrf_token(office, "/invoices?year=2026")
    asked = office.post("/invoices/2026/issue", data={"csrf_token": token})
    assert asked.status_code == 200 and "confirmed" in asked.get_data(as_text=True)
    done = office.post("/invoices/2026/issue", data={"csrf_token": token, "confirmed": "yes"},
                       follow_redirects=True)
    body = done.get_data(as_text=True)
    assert "2026-0001" in body and "2026-0003" in body
    assert 'action="/invoices/2026/issue"' not in body  # nothing is left to issue
    detail = office.get("/invoices/2026-0002")
    assert "Katrineholm" in detail.get_data(as_text=True)
    token = csrf_token(office, "/invoices/2026-0002")
    too_much = office.post("/invoices/2026-0002/payments", data={
        "csrf_token": token, "paid_on": date.today().isoformat(), "amount": "99 999 999"})
    assert too_much.status_code == 422
    assert "22175.31" in too_much.get_data(as_text=True) or \
        "22 175,31" in too_much.get_data(as_text=True)
    bad_amount = office.post("/invoices/2026-0002/payments", data={
        "csrf_token": token, "paid_on": date.today().isoformat(), "amount": "tio kronor"})
    assert bad_amount.status_code == 422
    paid = office.post("/invoices/2026-0002/payments", data={
        "csrf_token": token, "paid_on": date.today().isoformat(), "amount": "175,31",
        "reference": "BG 1234"}, follow_redirects=True)
    assert paid.status_code == 200 and "BG 1234" in paid.get_data(as_text=True)
    no_reason = office.post("/invoices/2026-0003/credit", data={"csrf_token": token,
                                                                "reason": ""})
    assert no_reason.status_code == 422
    credited = office.post("/invoices/2026-0003/credit", data={
        "csrf_token": token, "reason": "Fel belopp"}, follow_redirects=True)
    assert "2026-0004" in credited.get_data(as_text=True)
    assert office.get("/invoices/2026-0004.xml").status_code == 200
    assert office.get("/invoices/2026-0004.pdf").status_code == 200
    sie = office.get("/invoices/2026/ledger.sie")
    assert sie.status_code == 200 and b"#SIETYP 4" in sie.data


def test_the_issuing_panel_lists_what_is_missing(client, closed_2026, client_as):
    office = client_as(Role.FINANCE)
    body = office.get("/invoices?year=2026").get_data(as_text=True)
    assert "Katrineholm" in body and "Laxå" in body
    assert "/municipalities/0483/edit" in body and "/invoicing/settings" in body


def test_a_municipality_sees_its_own_invoices_only(client, ready, client_as):
    client.post(ISSUE, headers=ready["finance"])
    own = client_as(Role.FINANCE, municipality=members.get_by_code("0483"))
    body = own.get("/invoices?year=2026").get_data(as_text=True)
    assert "2026-0002" in body and "2026-0001" not in body
    assert "/issue" not in body
    assert own.get("/invoices/2026-0001").status_code == 403
    assert own.get("/invoices/2026-0001.pdf").status_code == 403
    assert own.get("/invoices/2026/ledger.sie").status_code == 403
    assert own.get("/invoices/2026-0002.pdf").status_code == 200


def test_the_office_fills_in_the_settings_in_the_browser(client_as):
    admin = client_as(Role.ADMIN)
    token = csrf_token(admin, "/invoicing/settings")
    refused = admin.post("/invoicing/settings", data={
        "csrf_token": token, "legal_name": "Sambruk", "org_number": "769600-0005",
        "street": "Gatan 1", "postcode": "111 11", "city": "Stockholm",
        "payment_terms_days": "30", "fee_vat_category": "S", "account_receivable": "1510",
        "account_vat_output": "2611", "account_bank": "1930", "account_fees_revenue": "3010"})
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "organisation number" in body.lower() or "organisationsnummer" in body.lower()
    saved = admin.post("/invoicing/settings", data={
        "csrf_token": token, "legal_name": "Sambruk", "org_number": "769600-0004",
        "street": "Gatan 1", "postcode": "111 11", "city": "Stockholm", "bankgiro": "5050-1055",
        "payment_terms_days": "30", "fee_vat_category": "S", "account_receivable": "1510",
        "account_vat_output": "2611", "account_bank": "1930", "account_fees_revenue": "3010"})
    assert saved.status_code == 302


def test_the_years_invoices_as_a_zip_through_the_worker(client, ready, client_as):
    client.post(ISSUE, headers=ready["finance"])
    office = client_as(Role.FINANCE)
    token = csrf_token(office, "/invoices?year=2026")
    started = office.post("/invoices/2026/zip", data={"csrf_token": token})
    assert started.status_code == 302 and "/jobs/" in started.location
    job_page = office.get(started.location)
    assert job_page.status_code == 200
    result = office.get(started.location + "/result")
    assert result.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(result.data)).namelist()
    assert sorted(names) == sorted(
        f"fakturor-2026/2026-000{n}-{code}.{ext}" for n, code in
        ((1, "0180"), (2, "0483"), (3, "1860")) for ext in ("xml", "pdf"))
    archive = zipfile.ZipFile(io.BytesIO(result.data))
    first = db.session.scalar(select(Invoice).where(Invoice.number == "2026-0001"))
    assert archive.read("fakturor-2026/2026-0001-0180.xml") == first.xml


def test_issued_e_invoices_are_written_once_to_the_outbox(app, client, ready, tmp_path,
                                                          monkeypatch):
    monkeypatch.setitem(app.config, "INVOICE_OUTBOX_DIR", str(tmp_path / "outbox"))
    client.post(ISSUE, headers=ready["finance"])
    written = sorted(p.name for p in (tmp_path / "outbox").iterdir())
    assert written == ["2026-0001.xml", "2026-0002.xml", "2026-0003.xml"]
    first = db.session.scalar(select(Invoice).where(Invoice.number == "2026-0001"))
    assert (tmp_path / "outbox" / "2026-0001.xml").read_bytes() == first.xml
    assert first.outbox_written_at is not None
    (tmp_path / "outbox" / "2026-0002.xml").unlink()  # collected by the connector
    client.post("/api/v1/invoices/2026-0003/credit", headers=ready["finance"],
                json={"reason": "x"})
    assert sorted(p.name for p in (tmp_path / "outbox").iterdir()) == [
        "2026-0001.xml", "2026-0003.xml", "2026-0004.xml"]  # 0002 is not written again
