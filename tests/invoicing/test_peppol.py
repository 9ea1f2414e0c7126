"""Every kind of e-invoice the registry makes passes the official rules, run by the official
validator (tests/peppol/validate.py, copied unmodified from the rule files' folder): the OASIS
UBL 2.1 schema, CEN EN 16931 and OpenPeppol BIS Billing 3.0 with the Swedish and Norwegian
rules. A deliberately broken copy fails, so these tests prove the validator runs."""

from __future__ import annotations

import importlib.util
import time
from datetime import date
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from consortium import db
from consortium.invoicing.models import Invoice
from tests.conftest import bearer
from tests.costs.test_costs_api import SAMBRUK_FEES
from tests.invoicing.conftest import fill_in

RULES = Path(__file__).resolve().parents[1] / "peppol"
TIMES: list[float] = []


@pytest.fixture(scope="module")
def validator():
    spec = importlib.util.spec_from_file_location("peppol_validate", RULES / "validate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from saxonche import PySaxonProcessor

    with PySaxonProcessor(license=False) as proc:
        peppol = module.compile_peppol(proc)
        sheets = {"EN16931": RULES / "EN16931-UBL-validation.xslt", "PEPPOL": peppol}

        def fatal(content: bytes, tmp_path: Path) -> list[tuple[str, str, str]]:
            started = time.perf_counter()
            doc = tmp_path / "document.xml"
            doc.write_bytes(content)
            found = list(module.schema_failures(doc))
            for sheet in sheets.values():
                found += [f for f in module.failures(proc, sheet, doc)
                          if f[1] in ("fatal", "error", None)]
            TIMES.append(time.perf_counter() - started)
            return found

        yield fatal


def documents() -> list[Invoice]:
    return list(db.session.scalars(select(Invoice).order_by(Invoice.id)))


def test_the_official_examples_pass_and_a_broken_copy_fails(validator, tmp_path):
    assert validator((RULES / "examples" / "base-example.xml").read_bytes(), tmp_path) == []
    tree = etree.parse(str(RULES / "examples" / "base-example.xml"))
    payable = tree.find(".//{*}LegalMonetaryTotal/{*}PayableAmount")
    payable.text = str(float(payable.text) + 1)
    broken = validator(etree.tostring(tree), tmp_path)
    assert "BR-CO-16" in {rule for rule, _flag, _text in broken}


def test_invoices_with_s_and_e_lines_and_a_credit_note_pass(client, ready, validator,
                                                            tmp_path):
    finance = ready["finance"]
    assert client.post("/api/v1/years/2026/invoices", headers=finance).status_code == 201
    client.post("/api/v1/invoices/2026-0001/credit", headers=finance,
                json={"reason": "Fel belopp"})
    made = documents()
    assert [d.kind.value for d in made] == ["invoice"] * 3 + ["credit_note"]
    for document in made:
        assert validator(document.xml, tmp_path) == [], document.number
    note = etree.fromstring(made[-1].xml)
    assert note.findtext(".//{*}BillingReference/{*}InvoiceDocumentReference/{*}ID") \
        == "2026-0001"
    assert note.findtext("{*}CreditNoteTypeCode") == "381"
    invoice = etree.fromstring(made[0].xml)
    assert invoice.findtext(".//{*}PaymentMeans/{*}PaymentID") == made[0].ocr
    assert invoice.findtext(".//{*}AccountingSupplierParty//{*}PartyTaxScheme[2]/"
                            "{*}CompanyID") == "Godkänd för F-skatt"
    assert invoice.find(".//{*}AccountingCustomerParty/{*}Party/{*}EndpointID").get(
        "schemeID") == "0007"
    # what the validator would refuse: the same document with its VAT changed by one öre
    tax = invoice.find("{*}TaxTotal/{*}TaxAmount")
    tax.text = "244095.86"
    assert validator(etree.tostring(invoice), tmp_path) != []


def test_adjustment_lines_and_a_credit_note_of_a_negative_statement_pass(client, ready,
                                                                         validator, tmp_path):
    finance = ready["finance"]
    made = client.post("/api/v1/tools/provisum/budgets/2026/versions", headers=finance, json={
        "amount": "950000.00", "key": {"method": "per_capita"}, "reason": "Lower cost"})
    client.post(f"/api/v1/tools/provisum/budgets/2026/adopt?version={made.json['version']}",
                headers=finance)
    client.put("/api/v1/fees/2027", json=SAMBRUK_FEES, headers=finance)
    assert client.post("/api/v1/years/2027/close", headers=finance).status_code == 200
    issued = client.post("/api/v1/years/2027/invoices", headers=finance)
    assert issued.status_code == 201, issued.json
    by_code = {d.buyer["code"]: d for d in documents()}
    stockholm = by_code["0180"]
    assert stockholm.kind.value == "invoice"
    assert sorted(line.amount for line in stockholm.lines) == [-4881917, 8000000]
    assert by_code["1860"].kind.value == "credit_note"
    for document in by_code.values():
        assert validator(document.xml, tmp_path) == [], document.number


def test_lines_outside_the_scope_of_vat_pass(client, ready, validator, tmp_path):
    admin = ready["admin"]
    assert client.patch("/api/v1/tools/provisum", headers=admin, json={
        "vat_category": "O", "vat_exemption_reason": "Ej momspliktig verksamhet"}
    ).status_code == 200
    mixed = client.post("/api/v1/years/2026/invoices", headers=ready["finance"])
    assert mixed.status_code == 422  # the fee is E: O may not share an invoice (BR-O-11)
    assert "BR-O-11" in mixed.json["error"]["fields"]["settings.vat_category"]
    client.put("/api/v1/settings/invoicing", headers=admin, json={
        "fee_vat_category": "O", "fee_vat_exemption_reason": "Ej momspliktig"})
    assert client.post("/api/v1/years/2026/invoices",
                       headers=ready["finance"]).status_code == 201
    for document in documents():
        assert document.vat == 0
        assert validator(document.xml, tmp_path) == [], document.number
        # BR-O-02: no seller VAT identifier on an invoice outside the scope of VAT
        assert b"SE769600000401" not in document.xml


def test_a_norwegian_installation_with_0192_ids_and_mva_passes(app, client, make_municipality,
                                                               make_tool, api_token, validator,
                                                               tmp_path, monkeypatch):
    from consortium.members import service as members
    from consortium.tools import service as tools

    monkeypatch.setitem(app.config, "COUNTRY", "NO")
    oslo = make_municipality("0301", "Oslo", "Oslo", country="NO")
    baerum = make_municipality("3201", "Bærum", "Akershus", country="NO")
    for municipality, population in ((oslo, 717_710), (baerum, 131_000)):
        members.set_population(municipality, 2024, population)
        members.change_membership(municipality, "admit", date(2015, 1, 1))
    tool = make_tool("skolid", "Skolid")
    for municipality in (oslo, baerum):
        tools.set_participation(tool, municipality, date(2020, 1, 1), None)
    finance, admin = bearer(api_token("finance")), bearer(api_token("admin"))
    client.put("/api/v1/tools/skolid/budgets/2026", headers=finance,
               json={"amount": "400000.00", "key": {"method": "per_capita"}})
    client.post("/api/v1/tools/skolid/budgets/2026/adopt", headers=finance)
    client.put("/api/v1/fees/2026", json=SAMBRUK_FEES, headers=finance)
    assert client.post("/api/v1/years/2026/close", headers=finance).status_code == 200
    saved = client.put("/api/v1/settings/invoicing", headers=admin, json={
        "legal_name": "Kommunesamarbeid IKS", "org_number": "944117784", "f_skatt": True,
        "address": {"street": "Storgata 1", "postcode": "0155", "city": "Oslo"},
        "iban": "NO9386011117947", "bic": "DNBANOKK", "fee_vat_category": "S"})
    assert saved.status_code == 200, saved.json
    assert saved.json["vat_number"] == "NO944117784MVA"
    assert saved.json["peppol_id"] == "0192:944117784"
    for code, org in (("0301", "974760673"), ("3201", "935478715")):
        patched = client.patch(f"/api/v1/municipalities/{code}", headers=admin, json={
            "org_number": org, "invoice_reference": f"Ref {code}"})
        assert patched.status_code == 200, patched.json
    assert client.post("/api/v1/years/2026/invoices", headers=finance).status_code == 201
    made = documents()
    assert len(made) == 2
    for document in made:
        assert document.currency == "NOK"
        assert b'schemeID="0192"' in document.xml and b"NO944117784MVA" in document.xml
        assert validator(document.xml, tmp_path) == [], document.number


def test_fill_in_helper_is_complete(client, closed_2026):  # the fixture the others rely on
    fill_in(client, closed_2026["admin"])
    assert client.post("/api/v1/years/2026/invoices",
                       headers=closed_2026["finance"]).status_code == 201
