"""Checks on the parts of a PAdES seal that no signature covers, so that one changed byte anywhere
in the file breaks the seal, not only a byte inside the signed range.

Outside the signed byte range lies the signature's /Contents: the CMS structure and the zeros that
pad its reserved space. Inside the CMS, the certificate lists, the version numbers and the list of
digest algorithms are unsigned (in the seal and in its timestamp token). Each is checked here:
padding all zeros, versions and algorithms known, every certificate signed by an issuer at hand,
and a copy of a trust root equal to that root.
"""

from __future__ import annotations

from collections.abc import Sequence

from asn1crypto import cms, x509  # type: ignore[import-untyped]
from asn1crypto import parser as asn1_parser
from cryptography.exceptions import InvalidSignature
from cryptography.x509 import Certificate, load_der_x509_certificate

_SIGNED_DATA_VERSIONS = ("v1", "v3", "v4", "v5")
_SIGNER_INFO_VERSIONS = ("v1", "v3")


def unsigned_parts_ok(
    contents: bytes, signed_data: cms.SignedData, signer_info: cms.SignerInfo, trust_roots: Sequence[bytes]
) -> bool:
    """`contents`: the raw /Contents bytes; `trust_roots`: DER certificates."""
    if not _padding_is_zero(contents):
        return False
    parts = [(signed_data, signer_info)]
    unsigned_attributes = list(signer_info["unsigned_attrs"] or ())
    if any(a["type"].native == a["type"].dotted for a in unsigned_attributes):
        return False  # e.g. the timestamp's attribute type altered, which would hide the timestamp
    for attribute in unsigned_attributes:
        if attribute["type"].native == "signature_time_stamp_token":
            for token in attribute["values"]:
                parts += [(token["content"], info) for info in token["content"]["signer_infos"]]
    trusted = [load_der_x509_certificate(der) for der in trust_roots]
    return all(_structure_ok(sd, si) and _certificates_ok(sd, trusted) for sd, si in parts)


def _padding_is_zero(contents: bytes) -> bool:
    _, _, _, header, body, trailer = asn1_parser.parse(contents)
    return not contents[len(header) + len(body) + len(trailer) :].strip(b"\x00")


def _signer_info_layout_ok(signer_info: cms.SignerInfo) -> bool:
    """version, sid, [0] signed attrs?, digest alg, signature alg, signature, [1] unsigned attrs?:
    a changed tag (unsigned [1] turned into a second [0]) would otherwise be skipped silently."""
    raw, pointer, tags = signer_info.contents, 0, []
    while pointer < len(raw):
        klass, _, tag, header, body, trailer = asn1_parser.parse(raw[pointer:], strict=False)
        tags.append((klass, tag))
        pointer += len(header) + len(body) + len(trailer)
    universal, context = 0, 2
    tail = tags[-2:] if tags[-1] == (context, 1) else tags[-1:]
    expected_tail = [(universal, 4), (context, 1)] if len(tail) == 2 else [(universal, 4)]
    rest = tags[: len(tags) - len(tail)]
    return tail == expected_tail and rest.count((context, 0)) <= 1 and (context, 1) not in rest


def _structure_ok(signed_data: cms.SignedData, signer_info: cms.SignerInfo) -> bool:
    if not _signer_info_layout_ok(signer_info):
        return False
    if signed_data["version"].native not in _SIGNED_DATA_VERSIONS:
        return False
    if signer_info["version"].native not in _SIGNER_INFO_VERSIONS:
        return False
    listed = list(signed_data["digest_algorithms"])
    if not all(_known_without_params(a) for a in (*listed, signer_info["digest_algorithm"])):
        return False
    return bool(
        signer_info["digest_algorithm"]["algorithm"].dotted in {a["algorithm"].dotted for a in listed}
    )


def _known_without_params(algorithm: x509.AlgorithmIdentifier) -> bool:
    oid, params = algorithm["algorithm"], algorithm["parameters"]
    return bool(oid.native != oid.dotted and params.native is None and params.dump() in (b"", b"\x05\x00"))


def _certificates_ok(signed_data: cms.SignedData, trusted: Sequence[Certificate]) -> bool:
    certs = [load_der_x509_certificate(c.chosen.dump()) for c in signed_data["certificates"] or ()]
    for cert in certs:
        issuers = [c for c in (*certs, *trusted) if c.subject == cert.issuer]
        if issuers and not any(_issued_by(cert, issuer) for issuer in issuers):
            return False
        # A copy of a trust root (self-issued, or with its issuer field changed) must be that root
        # byte for byte: a self-signature survives some changes, e.g. to a bit string's unused bits.
        namesakes = [r for r in trusted if r.subject == cert.subject]
        if namesakes and (not issuers or cert.issuer == cert.subject) and cert not in namesakes:
            return False
    return True


def _issued_by(cert: Certificate, issuer: Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True
