"""SPEC "Sealed protocols": the kept protocol of signed minutes is PDF/A-2b with a page of
the confirmations and a PAdES signature made with the consortium's certificate; pyHanko's own
validation says it is intact and trusted to the (test) CA; a flipped byte or an appended
incremental update breaks it; `flask documents verify` and the web page say the same."""

from __future__ import annotations

import io
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from consortium.documents import signing
from tests.conftest import SIGNING, csrf_token
from tests.documents.test_documents import text_of
from tests.governance.test_governance_api import council

EN = {"Accept-Language": "en"}


def sign_via_api(client, c, make_user, held_on=date(2026, 3, 18)):
    """A held meeting of a council whose chair and adjuster confirm through the API: the
    last confirmation seals the protocol."""
    assembly = council(client, c, public=True)
    meeting = client.post(f"/api/v1/councils/{assembly['id']}/meetings", headers=c["admin"],
                          json={"date": held_on.isoformat(), "place": "Katrineholm"}).json
    chair = make_user("representative", municipality=c["municipalities"]["0180"],
                      email="ordf@example.se")
    adjuster = make_user("representative", municipality=c["municipalities"]["1280"],
                         email="just@example.se")
    url = f"/api/v1/meetings/{meeting['id']}"
    for role, person, email in (("chair", "Åsa Öberg", chair.email),
                                ("adjuster", "Märta Ängström", adjuster.email)):
        assert client.post(f"{url}/officers", headers=c["admin"], json={
            "role": role, "position": 1, "person": person, "user": email}).status_code == 200
    assert client.post(f"{url}/held", headers=c["admin"]).status_code == 200
    from consortium.auth import service as auth_service
    from tests.conftest import bearer

    for user in (chair, adjuster):
        token = bearer(auth_service.issue_token(user, label="t", actor_label="test"))
        assert client.post(f"{url}/sign", headers=token).status_code == 200
    return assembly, meeting


def kept_protocol(client, c, meeting) -> bytes:
    """The protocol as kept (in the consortium's language), as an observer downloads it."""
    return client.get(f"/api/v1/meetings/{meeting['id']}/protocol.pdf",
                      headers={**c["observer"], "Accept-Language": "sv"}).data


def validate(content: bytes):
    """pyHanko's own validation against the suite's CA (in a thread of its own: pyHanko runs
    asyncio, and a browser test may have left an event loop running in this one)."""
    def check():
        reader = PdfFileReader(io.BytesIO(content))
        (signature,) = reader.embedded_signatures
        return validate_pdf_signature(signature, ValidationContext(
            trust_roots=[load_cert_from_pemder(str(SIGNING.root))]))

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(check).result()


def test_the_signed_minutes_are_sealed_pdf_a_with_their_confirmations(client, consortium,
                                                                    make_user):
    c = consortium
    _assembly, meeting = sign_via_api(client, c, make_user)
    content = kept_protocol(client, c, meeting)
    status = validate(content)
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert "protokollsignering" in status.signing_cert.subject.human_friendly
    # PDF/A-2b, declared in the XMP metadata, with an output intent
    root = PdfFileReader(io.BytesIO(content)).root
    xmp = root["/Metadata"].get_object().data
    assert re.search(rb"pdfaid:part(>|=\")\s*2", xmp), xmp[:400]
    assert re.search(rb"pdfaid:conformance(>|=\")\s*B", xmp)
    assert "/OutputIntents" in root
    text = " ".join(text_of(content).split())
    minutes = client.get(f"/api/v1/meetings/{meeting['id']}", headers=c["observer"]).json
    assert "Justering" in text and "Åsa Öberg" in text and "Märta Ängström" in text
    assert minutes["minutes_sha256"] in text.replace(" ", "")
    # kept: the same bytes again (sealed once, when the last signer confirmed)
    assert kept_protocol(client, c, meeting) == content
    with client.application.app_context():
        assert signing.verify(content).ok


def test_a_flipped_byte_or_an_appended_update_breaks_the_seal(client, consortium, make_user,
                                                             tmp_path):
    c = consortium
    _assembly, meeting = sign_via_api(client, c, make_user)
    content = kept_protocol(client, c, meeting)
    flipped = bytearray(content)
    flipped[len(content) // 3] ^= 0x01
    assert not validate(bytes(flipped)).intact
    writer = IncrementalPdfFileWriter(io.BytesIO(content))
    writer.root["/Ändrad"] = generic.BooleanObject(True)
    writer.update_root()
    appended = io.BytesIO()
    writer.write(appended)
    status = validate(appended.getvalue())
    assert status.coverage != SignatureCoverageLevel.ENTIRE_FILE
    runner = client.application.test_cli_runner()
    for name, data, code, says in (("kept.pdf", content, 0, "OK"),
                                   ("flipped.pdf", bytes(flipped), 1, "NOT OK"),
                                   ("appended.pdf", appended.getvalue(), 1, "added")):
        path = tmp_path / name
        path.write_bytes(data)
        result = runner.invoke(args=["documents", "verify", str(path)])
        assert result.exit_code == code and says in result.output, result.output


def test_an_unknown_or_unsigned_pdf_is_not_confirmed(client, consortium, client_as,
                                                     tmp_path):
    c = consortium
    unsigned = client.get("/api/v1/municipalities", headers=c["observer"])  # not a PDF
    path = tmp_path / "x.pdf"
    path.write_bytes(unsigned.data)
    result = client.application.test_cli_runner().invoke(args=["documents", "verify",
                                                               str(path)])
    assert result.exit_code == 1 and "NOT OK" in result.output
    page = client_as("observer")
    form = page.get("/documents/verify", headers=EN)
    assert form.status_code == 200 and "Check a PDF" in form.get_data(as_text=True)
    checked = page.post("/documents/verify", headers=EN, data={
        "csrf_token": csrf_token(page, "/documents/verify"),
        "file": (io.BytesIO(b"%PDF-1.7 nothing"), "x.pdf")}, content_type="multipart/form-data")
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200 and "Not confirmed" in html


def test_the_web_page_confirms_a_sealed_protocol(client, consortium, make_user, client_as):
    c = consortium
    _assembly, meeting = sign_via_api(client, c, make_user)
    content = kept_protocol(client, c, meeting)
    page = client_as("representative", municipality=c["municipalities"]["0483"])
    checked = page.post("/documents/verify", headers=EN, data={
        "csrf_token": csrf_token(page, "/documents/verify"),
        "file": (io.BytesIO(content), "protokoll.pdf")}, content_type="multipart/form-data")
    html = checked.get_data(as_text=True)
    assert "Intact, sealed by this registry and kept by it" in html


@pytest.fixture
def no_certificate(app):
    saved = {key: app.config[key] for key in ("SIGNING_CERT", "SIGNING_KEY")}
    app.config.update(SIGNING_CERT=None, SIGNING_KEY=None)
    yield
    app.config.update(saved)


def test_without_a_certificate_the_protocol_is_kept_unsigned_and_it_is_said(
        client, consortium, make_user, client_as, no_certificate):
    c = consortium
    assert client.get("/healthz").json["parts"]["signing"] == "not configured"
    _assembly, meeting = sign_via_api(client, c, make_user)
    content = kept_protocol(client, c, meeting)
    assert PdfFileReader(io.BytesIO(content)).embedded_signatures == []
    office = client_as("admin")
    page = office.get(f"/meetings/{meeting['id']}", headers=EN).get_data(as_text=True)
    assert "No signing certificate is configured" in page


@pytest.fixture
def pkcs12_only(app, tmp_path):
    """The certificate and key as one PKCS#12 file with a password (as an organisation
    certificate is often delivered)."""
    from cryptography.hazmat.primitives.serialization import (
        BestAvailableEncryption,
        load_pem_private_key,
        pkcs12,
    )
    from cryptography.x509 import load_pem_x509_certificate

    key = load_pem_private_key(SIGNING.key.read_bytes(), password=None)
    cert = load_pem_x509_certificate(SIGNING.cert.read_bytes())
    bundle = tmp_path / "org.p12"
    bundle.write_bytes(pkcs12.serialize_key_and_certificates(
        b"org", key, cert, None, BestAvailableEncryption(b"hemligt")))
    saved = {key: app.config[key] for key in ("SIGNING_CERT", "SIGNING_KEY", "SIGNING_PKCS12",
                                               "SIGNING_PKCS12_PASSWORD")}
    app.config.update(SIGNING_CERT=None, SIGNING_KEY=None, SIGNING_PKCS12=str(bundle),
                      SIGNING_PKCS12_PASSWORD="hemligt")
    yield
    app.config.update(saved)


def test_a_pkcs12_certificate_with_a_password_seals_as_well(client, consortium, make_user,
                                                            pkcs12_only):
    c = consortium
    _assembly, meeting = sign_via_api(client, c, make_user)
    content = kept_protocol(client, c, meeting)
    status = validate(content)
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
