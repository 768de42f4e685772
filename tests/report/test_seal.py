"""PAdES seal: B-B, B-T (local RFC 3161 server), B-LT (CRL); tampering, untrusted roots, an
unreachable TSA, and loading the seal from PEM and PKCS#12."""

from __future__ import annotations

import datetime as dt
import io
import socket

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils.metadata import info as pyhanko_info
from pyhanko.pdf_utils.reader import PdfFileReader
from pypdf import PdfWriter

from idscan.errors import ConfigurationError, ServiceUnavailableError
from idscan.report.model import ReportKind, build_report
from idscan.report.render import render_pdf
from idscan.report.seal import (
    RevocationInfo,
    SealIdentity,
    SealLevel,
    load_identity_pem,
    load_identity_pkcs12,
    seal,
    verify,
)
from idscan.report.tsa import HttpTimestampClient, TimestampUnavailableError
from tests.report.factories import T0, make_source
from tests.report.pki import Pki


@pytest.fixture(scope="module")
def extended_pdf() -> bytes:
    return render_pdf(build_report(make_source(), ReportKind.EXTENDED, generated=T0))


@pytest.fixture(scope="module")
def sealed_bb(extended_pdf: bytes, identity: SealIdentity) -> bytes:
    sealed = seal(extended_pdf, identity)
    assert sealed.level is SealLevel.B_B
    return sealed.data


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_b_b_is_intact_valid_and_trusted(sealed_bb: bytes, pki: Pki) -> None:
    status = verify(sealed_bb, [pki.root.cert_pem])
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert status.level is SealLevel.B_B
    assert status.signer is not None
    assert "CN=Shop Example seal" in status.signer
    assert status.signed_at is not None
    assert abs(status.signed_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)


def test_b_t_with_a_local_timestamp_authority(
    extended_pdf: bytes, identity: SealIdentity, pki: Pki, tsa: HttpTimestampClient
) -> None:
    sealed = seal(extended_pdf, identity, tsa=tsa)
    assert sealed.level is SealLevel.B_T
    status = verify(sealed.data, [pki.root.cert_der])
    assert (status.intact, status.valid, status.trusted, status.level) == (True, True, True, SealLevel.B_T)


def test_b_lt_when_revocation_info_is_given(
    extended_pdf: bytes, identity: SealIdentity, pki: Pki, tsa: HttpTimestampClient
) -> None:
    revocation = RevocationInfo(trust_roots=(pki.root.cert_pem,), crls=(pki.crl_der,))
    sealed = seal(extended_pdf, identity, tsa=tsa, revocation=revocation)
    assert sealed.level is SealLevel.B_LT
    assert b"/DSS" in sealed.data
    status = verify(sealed.data, [pki.root.cert_pem])
    assert (status.intact, status.valid, status.trusted, status.level) == (True, True, True, SealLevel.B_LT)


def test_b_lt_stays_intact_when_the_validation_data_is_written_a_second_later(
    extended_pdf: bytes,
    identity: SealIdentity,
    pki: Pki,
    tsa: HttpTimestampClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # pyHanko stamps /ModDate on each revision it writes; a clock that moves two seconds a call
    # makes the DSS revision's stamp differ from the sealed one, as a slow machine does.
    ticks = iter(range(0, 600, 2))

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Clock:
            moment = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC) + dt.timedelta(seconds=next(ticks))
            return cls.fromtimestamp(moment.timestamp(), tz)

    monkeypatch.setattr(pyhanko_info, "datetime", Clock)
    revocation = RevocationInfo(trust_roots=(pki.root.cert_pem,), crls=(pki.crl_der,))
    sealed = seal(extended_pdf, identity, tsa=tsa, revocation=revocation)
    reader = PdfFileReader(io.BytesIO(sealed.data), strict=False)
    dates = set()
    for revision in range(reader.xrefs.total_revisions):
        resolver = reader.get_historical_resolver(revision)
        dates.add(str(resolver.get_object(resolver.trailer_view.raw_get("/Info").reference)["/ModDate"]))
    assert len(dates) == reader.xrefs.total_revisions == 3  # each revision carries its own stamp
    status = verify(sealed.data, [pki.root.cert_pem])
    assert (status.intact, status.valid, status.level) == (True, True, SealLevel.B_LT)


def _flip_positions(pdf: bytes) -> list[int]:
    """Bytes across the signed ranges, and across the unsigned /Contents: CMS and its zero padding."""
    start = pdf.rindex(b"/Contents <") + len(b"/Contents <")
    end = pdf.index(b">", start)
    der_end = start + len(pdf[start:end].rstrip(b"0"))
    signed = [0, 100, len(pdf) // 3, start - 2, end + 1, len(pdf) - 10]
    cms = list(range(start, der_end, max(1, (der_end - start) // 40)))
    return [*signed, *cms, der_end + 1, (der_end + end) // 2]


@pytest.mark.parametrize("level", ["B-B", "B-T"])
def test_one_flipped_byte_anywhere_breaks_the_seal(
    level: str,
    sealed_bb: bytes,
    extended_pdf: bytes,
    identity: SealIdentity,
    pki: Pki,
    tsa: HttpTimestampClient,
) -> None:
    sealed = sealed_bb if level == "B-B" else seal(extended_pdf, identity, tsa=tsa).data
    assert verify(sealed, [pki.root.cert_pem]).intact
    missed = []
    for position in _flip_positions(sealed):
        tampered = bytearray(sealed)
        tampered[position] ^= 0x01
        status = verify(bytes(tampered), [pki.root.cert_pem])
        if status.intact and status.valid:
            missed.append(position)
    assert missed == []


@pytest.mark.parametrize("change", ["page", "title"])
@pytest.mark.parametrize("level", ["B-B", "B-LT"])
def test_an_appended_revision_breaks_the_seal(
    change: str,
    level: str,
    sealed_bb: bytes,
    extended_pdf: bytes,
    identity: SealIdentity,
    pki: Pki,
    tsa: HttpTimestampClient,
) -> None:
    if level == "B-B":
        sealed = sealed_bb
    else:
        revocation = RevocationInfo(trust_roots=(pki.root.cert_pem,), crls=(pki.crl_der,))
        sealed = seal(extended_pdf, identity, tsa=tsa, revocation=revocation).data
    writer = PdfWriter(io.BytesIO(sealed), incremental=True)
    if change == "page":
        writer.add_blank_page()
    else:
        writer.add_metadata({"/Title": "Verified, honestly"})
    out = io.BytesIO()
    writer.write(out)
    status = verify(out.getvalue(), [pki.root.cert_pem])
    assert not status.intact
    assert status.valid  # the signed revision itself is still good


def test_an_untrusted_root_is_reported_untrusted(sealed_bb: bytes, pki: Pki) -> None:
    status = verify(sealed_bb, [pki.other_root.cert_pem])
    assert (status.intact, status.valid, status.trusted) == (True, True, False)
    assert not verify(sealed_bb, []).trusted


def test_an_unreachable_tsa_raises_instead_of_sealing_less(
    extended_pdf: bytes, identity: SealIdentity
) -> None:
    with (
        HttpTimestampClient(f"http://127.0.0.1:{_closed_port()}/tsa", timeout_seconds=2) as client,
        pytest.raises(TimestampUnavailableError) as raised,
    ):
        seal(extended_pdf, identity, tsa=client)
    assert isinstance(raised.value, ServiceUnavailableError)


def test_an_unsealed_pdf_has_no_signer(extended_pdf: bytes, pki: Pki) -> None:
    status = verify(extended_pdf, [pki.root.cert_pem])
    assert (status.intact, status.valid, status.trusted, status.signer) == (False, False, False, None)
    assert verify(b"not a pdf", []).signer is None


def test_identity_from_pkcs12(extended_pdf: bytes, pki: Pki) -> None:
    blob = pkcs12.serialize_key_and_certificates(
        b"seal",
        pki.seal.key,  # type: ignore[arg-type]
        pki.seal.cert,
        [pki.root.cert],
        serialization.BestAvailableEncryption(b"s3cret"),
    )
    identity = load_identity_pkcs12(blob, password=b"s3cret")
    assert identity.chain == (pki.root.cert_der,)
    assert verify(seal(extended_pdf, identity).data, [pki.root.cert_pem]).trusted
    with pytest.raises(ConfigurationError):
        load_identity_pkcs12(blob, password=b"wrong")


def test_unreadable_pem_is_a_configuration_error(pki: Pki) -> None:
    with pytest.raises(ConfigurationError):
        load_identity_pem(
            pki.seal.cert_pem, b"-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n"
        )
    with pytest.raises(ConfigurationError):
        load_identity_pem(b"", pki.seal.key_pem)
