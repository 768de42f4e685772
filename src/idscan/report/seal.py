"""PAdES seal (pyHanko) and its verification. Pure apart from the TSA call behind `TimestampClient`.

Levels: B-B with the seal certificate only; B-T when a TSA is configured (signature timestamp);
B-LT when, in addition, revocation information for the chain is given (embedded in the DSS).
The seal is a certification signature that allows no changes: PDF readers show the document as
sealed, and any later edit other than adding validation data breaks it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from asn1crypto import keys, pem, tsp, x509  # type: ignore[import-untyped]
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import load_der_x509_certificate
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from idscan.errors import ConfigurationError
from idscan.report.tsa import TimestampClient, TimestampUnavailableError
from idscan.report.unsigned import unsigned_parts_ok

log = logging.getLogger(__name__)

FIELD_NAME = "Seal"


class SealLevel(StrEnum):
    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"
    B_LTA = "B-LTA"


@dataclass(frozen=True, slots=True)
class SealIdentity:
    """The operator's seal: certificate and key (DER), plus the rest of the chain (DER)."""

    certificate: bytes
    private_key: bytes
    chain: tuple[bytes, ...] = ()

    @property
    def subject(self) -> str:
        return _subject(self.certificate)


@dataclass(frozen=True, slots=True)
class RevocationInfo:
    """What B-LT needs: roots to build the chain to, and CRLs / OCSP responses (DER) for it."""

    trust_roots: tuple[bytes, ...]
    crls: tuple[bytes, ...] = ()
    ocsp_responses: tuple[bytes, ...] = ()
    allow_fetching: bool = False  # fetch CRLs / OCSP named in the certificates (network)


@dataclass(frozen=True, slots=True)
class SealedPdf:
    data: bytes
    level: SealLevel


@dataclass(frozen=True, slots=True)
class SealStatus:
    intact: bool  # the signed bytes are unchanged and nothing but validation data was added
    valid: bool  # the signature (and its timestamp, if any) is cryptographically valid
    trusted: bool  # the signer's chain ends at one of the given trust roots
    signer: str | None
    signed_at: dt.datetime | None  # the timestamp's time when there is one, else the signer's claim
    level: SealLevel | None


def load_identity_pem(cert_pem: bytes, key_pem: bytes, *, password: bytes | None = None) -> SealIdentity:
    """`cert_pem` holds the seal certificate first, then any chain certificates."""
    try:
        certs = _certificates(cert_pem)
        key = serialization.load_pem_private_key(key_pem, password=password)
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(f"seal certificate or key cannot be read: {exc}") from exc
    if not certs:
        raise ConfigurationError("the seal certificate file holds no certificate")
    return SealIdentity(certs[0], _pkcs8(key), tuple(certs[1:]))


def load_identity_pkcs12(data: bytes, *, password: bytes | None = None) -> SealIdentity:
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password)
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(f"seal PKCS#12 cannot be read: {exc}") from exc
    if key is None or cert is None:
        raise ConfigurationError("the seal PKCS#12 must hold a certificate and its private key")
    der = serialization.Encoding.DER
    return SealIdentity(cert.public_bytes(der), _pkcs8(key), tuple(c.public_bytes(der) for c in extra))


def seal(
    pdf: bytes,
    identity: SealIdentity,
    *,
    tsa: TimestampClient | None = None,
    revocation: RevocationInfo | None = None,
    reason: str | None = None,
) -> SealedPdf:
    """Seal `pdf`. Blocking (pyHanko runs its own event loop): call it from a worker thread."""
    certificate = x509.Certificate.load(identity.certificate)
    chain = [x509.Certificate.load(c) for c in identity.chain]
    signer = signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=keys.PrivateKeyInfo.load(identity.private_key),
        # The chain only: pyHanko adds the signing certificate itself, and a second copy of it would
        # be an unchecked place where bytes could change.
        cert_registry=SimpleCertificateStore.from_certs([c for c in chain if c != certificate]),  # type: ignore[no-untyped-call]
    )
    long_term = tsa is not None and revocation is not None
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        reason=reason,
        embed_validation_info=long_term,
        validation_context=_validation_context(revocation) if long_term and revocation else None,
    )
    stamper = _ClientTimeStamper(tsa) if tsa is not None else None
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = io.BytesIO()
    try:
        signers.PdfSigner(meta, signer, timestamper=stamper).sign_pdf(writer, output=out)
    except TimestampUnavailableError:
        raise
    except Exception as exc:
        if stamper is not None and stamper.failure is not None:
            raise TimestampUnavailableError(stamper.failure) from exc
        raise
    level = SealLevel.B_LT if long_term else SealLevel.B_T if tsa is not None else SealLevel.B_B
    return SealedPdf(out.getvalue(), level)


class OperatorSeal:
    """The operator's seal with its timestamp authority, as the service uses it."""

    def __init__(self, identity: SealIdentity, tsa: TimestampClient | None = None) -> None:
        self._identity = identity
        self._tsa = tsa

    @property
    def certificate(self) -> bytes:
        return self._identity.certificate

    def seal(self, pdf: bytes, *, reason: str) -> bytes:
        return seal(pdf, self._identity, tsa=self._tsa, reason=reason).data

    def close(self) -> None:
        closer = getattr(self._tsa, "close", None)
        if closer is not None:
            closer()


def verify(pdf: bytes, trust_roots: Sequence[bytes] = ()) -> SealStatus:
    """Check the first signature of `pdf`. Never raises on a damaged file: it reports it broken."""
    roots = [x509.Certificate.load(der) for blob in trust_roots for der in _certificates(blob)]
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_regular_signatures
        if not signatures:
            return SealStatus(False, False, False, None, None, None)
        embedded = signatures[0]
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        status = validate_pdf_signature(embedded, signer_validation_context=context)
        level = _level(reader, status.timestamp_validity is not None)
        info_unchanged = _info_unchanged(reader, embedded.signed_revision)
        # Beyond the signed byte range: the reserved space and the certificate bags.
        unsigned_ok = unsigned_parts_ok(
            embedded.pkcs7_content, embedded.signed_data, embedded.signer_info, [r.dump() for r in roots]
        )
    except Exception as exc:  # noqa: BLE001 - any parse or crypto failure means "not intact"
        log.info("seal verification failed", extra={"error": repr(exc)})
        return SealStatus(False, False, False, None, None, None)
    timestamp = status.timestamp_validity
    # Only validation data (the DSS of B-LT) may follow the sealed revision. pyHanko's diff policy
    # also lets the document information (title, author) change; a sealed report allows no change.
    untouched = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        bool(status.docmdp_ok) and level in (SealLevel.B_LT, SealLevel.B_LTA) and info_unchanged
    )
    timestamp_ok = timestamp is None or (timestamp.intact and timestamp.valid)
    return SealStatus(
        intact=bool(status.intact and untouched and unsigned_ok),
        valid=bool(status.valid and timestamp_ok),
        trusted=bool(status.trusted and (timestamp is None or timestamp.trusted)),
        signer=_subject(status.signing_cert.dump()),
        signed_at=timestamp.timestamp if timestamp is not None else status.signer_reported_dt,
        level=level,
    )


class _ClientTimeStamper(TimeStamper):
    """pyHanko's timestamper over our narrow client; remembers why a request failed."""

    def __init__(self, client: TimestampClient) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.client = client
        self.failure: str | None = None

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        try:
            reply = await asyncio.to_thread(self.client.request, req.dump())
            return tsp.TimeStampResp.load(reply)
        except TimestampUnavailableError as exc:
            self.failure = exc.detail
            raise
        except ValueError as exc:
            self.failure = f"the timestamp authority sent an unreadable reply: {exc}"
            raise TimestampUnavailableError(self.failure) from exc


def _validation_context(revocation: RevocationInfo) -> ValidationContext:
    return ValidationContext(
        trust_roots=[
            x509.Certificate.load(d) for blob in revocation.trust_roots for d in _certificates(blob)
        ],
        crls=list(revocation.crls),
        ocsps=list(revocation.ocsp_responses),
        allow_fetching=revocation.allow_fetching,
    )


def _info_unchanged(reader: PdfFileReader, signed_revision: int) -> bool:
    def info(resolver: Any) -> dict[str, str]:
        ref = resolver.trailer_view.raw_get("/Info") if "/Info" in resolver.trailer_view else None
        if ref is None:
            return {}
        # Resolve through the same revision: a reference alone would read the newest object.
        entry = resolver.get_object(ref.reference) if hasattr(ref, "reference") else ref
        # The writer that appends the validation data stamps its own /ModDate; when that revision
        # is written a second after the signature, only the stamp differs.
        return {str(k): str(v) for k, v in entry.items() if str(k) != "/ModDate"}

    return info(reader.get_historical_resolver(signed_revision)) == info(reader)


def _level(reader: PdfFileReader, timestamped: bool) -> SealLevel:
    if not timestamped:
        return SealLevel.B_B
    if reader.embedded_timestamp_signatures:
        return SealLevel.B_LTA
    return SealLevel.B_LT if "/DSS" in reader.root else SealLevel.B_T


def _subject(der: bytes) -> str:
    return load_der_x509_certificate(der).subject.rfc4514_string()


def _certificates(blob: bytes) -> list[bytes]:
    """DER certificates from PEM (one or more) or a single DER blob."""
    if pem.detect(blob):
        ders = [der for kind, _, der in pem.unarmor(blob, multiple=True) if kind == "CERTIFICATE"]
    else:
        ders = [blob] if blob else []
    for der in ders:
        load_der_x509_certificate(der)  # raises ValueError on anything that is not a certificate
    return ders


def _pkcs8(key: PrivateKeyTypes) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
