"""Sealed protocols (SPEC "Sealed protocols"): a PAdES signature (pyHanko) over the whole kept
protocol, made with the consortium's certificate, and the check of a PDF someone holds:
intact, signed by whom, by the configured certificate (or one that chains to
SIGNING_TRUST_ROOT), and a document this registry keeps (by its SHA-256).

The certificate is configuration, not state: SIGNING_CERT and SIGNING_KEY (PEM; the key
optionally protected by SIGNING_KEY_PASSWORD) or SIGNING_PKCS12 with SIGNING_PKCS12_PASSWORD.
Every host reads the same files; the loaded signer is remembered per file and modification
time only to spare re-reading them on each signature."""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from flask_babel import gettext as _
from sqlalchemy import select

from consortium import db
from consortium.db import app_config
from consortium.documents.models import StoredDocument

T = TypeVar("T")


def _off_any_loop(work: Callable[[], T]) -> T:
    """pyHanko signs and validates with asyncio.run(), which refuses to run where an event
    loop is already running in this thread (a gevent or asyncio server, a browser test's
    driver): then the work runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


class NotConfigured(Exception):
    """No signing certificate is configured (or it cannot be read); the reason is the text."""


def _config() -> dict[str, Any]:
    return dict(app_config())


def _stamp(path: str | None) -> float:
    return Path(path).stat().st_mtime if path and Path(path).exists() else 0.0


@lru_cache(maxsize=4)
def _load_signer(cert: str | None, key: str | None, password: str | None, pkcs12: str | None,
                 pkcs12_password: str | None, root: str | None, _stamps: tuple[float, ...]
                 ) -> Any:
    from pyhanko.sign import signers

    chain = (root,) if root and Path(root).exists() else ()
    if pkcs12:
        signer = signers.SimpleSigner.load_pkcs12(
            pkcs12, passphrase=pkcs12_password.encode() if pkcs12_password else None,
            other_certs=None)
    else:
        signer = signers.SimpleSigner.load(
            key, cert, ca_chain_files=chain,
            key_passphrase=password.encode() if password else None)
    if signer is None:
        raise NotConfigured("The signing certificate or its key cannot be read.")
    return signer


def signer() -> Any:
    """The configured pyHanko signer; NotConfigured says what is missing."""
    config = _config()
    cert, key, pkcs12 = (config.get("SIGNING_CERT"), config.get("SIGNING_KEY"),
                         config.get("SIGNING_PKCS12"))
    if pkcs12:
        if not Path(pkcs12).exists():
            raise NotConfigured(f"SIGNING_PKCS12 names {pkcs12}, which does not exist.")
    elif not cert or not key:
        raise NotConfigured("No signing certificate: set SIGNING_CERT and SIGNING_KEY (PEM) "
                            "or SIGNING_PKCS12.")
    elif not Path(cert).exists() or not Path(key).exists():
        raise NotConfigured("SIGNING_CERT or SIGNING_KEY names a file that does not exist.")
    root = config.get("SIGNING_TRUST_ROOT")
    return _load_signer(cert, key, config.get("SIGNING_KEY_PASSWORD"), pkcs12,
                        config.get("SIGNING_PKCS12_PASSWORD"), root,
                        (_stamp(cert), _stamp(key), _stamp(pkcs12), _stamp(root)))


def status() -> tuple[bool, str]:
    """(a certificate is configured and readable, what to say about it)."""
    try:
        loaded = signer()
    except NotConfigured as error:
        return False, str(error)
    except Exception as error:  # a file that is not a certificate or key, a wrong password
        logging.getLogger(__name__).warning("signing certificate unreadable: %s", error)
        return False, "The signing certificate or its key cannot be read."
    return True, loaded.signing_cert.subject.human_friendly


def seal(content: bytes, *, reason: str, location: str) -> bytes:
    """The PDF with a PAdES signature over all of it (B-B; B-T with a time stamp from
    SIGNING_TSA_URL). NotConfigured when there is no certificate."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata

    loaded = signer()
    tsa = _config().get("SIGNING_TSA_URL")
    timestamper = None
    if tsa:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(tsa)
    metadata = PdfSignatureMetadata(
        field_name="Justering", subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=reason, location=location, use_pades_lta=False)
    def sign() -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(content))
        output = signers.sign_pdf(writer, metadata, signer=loaded, timestamper=timestamper)
        return bytes(output.getvalue())

    return _off_any_loop(sign)


@dataclass
class Verdict:
    """What `verify` found; `ok` only when every part holds."""

    sha256: str
    signed: bool = False
    intact: bool = False  # the signature is sound and covers the whole file
    signer: str | None = None
    signed_at: datetime | None = None
    configured: bool = False  # the configured certificate, or one that chains to the root
    kept: str | None = None  # which kept document it is ("protocol 12 (sv)")
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.configured and self.kept is not None


def _trust_roots() -> list[Any]:
    from pyhanko.keys import load_cert_from_pemder

    config = _config()
    roots = []
    for name in ("SIGNING_TRUST_ROOT", "SIGNING_CERT"):
        path = config.get(name)
        if path and Path(path).exists():
            roots.append(load_cert_from_pemder(path))
    if not roots and config.get("SIGNING_PKCS12"):
        try:
            roots.append(signer().signing_cert)
        except NotConfigured:
            pass
    return roots


def verify(content: bytes) -> Verdict:
    """Check a PDF against its signature, the configured certificate and the kept documents.
    Reads; never writes."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    verdict = Verdict(sha256=hashlib.sha256(content).hexdigest())
    kept = db.session.execute(select(StoredDocument.kind, StoredDocument.key,
                                     StoredDocument.lang)
                              .where(StoredDocument.sha256 == verdict.sha256)).first()
    if kept is not None:
        verdict.kept = f"{kept.kind} {kept.key} ({kept.lang})"
    try:
        signatures = PdfFileReader(io.BytesIO(content), strict=False).embedded_signatures
    except Exception:
        verdict.problems.append(_("the file is not a PDF that can be read"))
        return verdict
    if not signatures:
        verdict.problems.append(_("the file carries no signature"))
        return verdict
    verdict.signed = True
    roots = _trust_roots()
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    logging.getLogger("pyhanko.sign.diff_analysis").setLevel(logging.CRITICAL)
    try:
        found = _off_any_loop(lambda: validate_pdf_signature(signatures[-1], context))
    except Exception as error:
        verdict.problems.append(_("the signature cannot be checked: %(error)s", error=error))
        return verdict
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    verdict.signer = found.signing_cert.subject.human_friendly
    verdict.signed_at = found.signer_reported_dt
    verdict.intact = bool(found.intact and found.valid and found.coverage
                          == SignatureCoverageLevel.ENTIRE_FILE and len(signatures) == 1)
    verdict.configured = bool(roots) and bool(found.trusted)
    if not (found.intact and found.valid):
        verdict.problems.append(_("the file was changed after it was signed"))
    elif found.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        verdict.problems.append(_("something was added to the file after it was signed"))
    if not verdict.configured:
        verdict.problems.append(_("not signed by the registry's certificate"))
    if verdict.kept is None:
        verdict.problems.append(_("not a document this registry keeps"))
    return verdict
