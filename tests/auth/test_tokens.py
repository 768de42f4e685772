import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from idscan.auth import tokens
from idscan.errors import AuthenticationError

KID = "3b438437-04a4-40bb-8389-54bb02766fba"
SECRET = "AC4Etykn7jusGR5FwLDAtILtQbiQbTMKedP31szXg4WlSbjGEXyNMZ"
VECTOR = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IjNiNDM4NDM3LTA0YTQtNDBiYi04Mzg5LTU0YmIwMjc2NmZiYSJ9"
    ".eyJpYXQiOjE3MDQwNjcyMDAsIm5iZiI6MTcwNDA2NzIwMCwiZXhwIjoxNzA0MDY3MjYwfQ"
    ".3htbVOTgyRG1ivmF10YTWe14lAj1t9pwB7k1cPN_8ks"
)
VALID_AT = datetime(2024, 1, 1, 0, 0, 30, tzinfo=UTC).timestamp()
POLICY = tokens.TokenPolicy(leeway_seconds=60, max_lifetime_seconds=3600)
NOW = 1_704_067_200


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def forge(header: dict[str, object], payload: dict[str, object], key: bytes = SECRET.encode()) -> str:
    """Build an HS256-signed token by hand, with any header and claims."""
    compact = (",", ":")
    head, body = (b64(json.dumps(part, separators=compact).encode()) for part in (header, payload))
    signing_input = f"{head}.{body}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def good_header() -> dict[str, object]:
    return {"alg": "HS256", "typ": "JWT", "kid": KID}


def claims(iat: object = NOW, nbf: object = NOW, exp: object = NOW + 60) -> dict[str, object]:
    return {"iat": iat, "nbf": nbf, "exp": exp}


def test_spec_vector_verifies_at_its_time() -> None:
    verified = tokens.verify(VECTOR, SECRET.encode(), now=VALID_AT, policy=POLICY)
    assert verified == tokens.VerifiedToken(kid=KID, iat=1704067200, nbf=1704067200, exp=1704067260)


def test_issue_reproduces_the_spec_vector() -> None:
    assert tokens.issue(KID, SECRET, ttl=60, now=1704067200) == VECTOR


def test_forge_helper_reproduces_the_vector() -> None:
    # Guards the helper the rejection table relies on.
    assert forge(good_header(), claims(1704067200, 1704067200, 1704067260)) == VECTOR


def _rsa_token() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return jwt.encode(claims(), pem, algorithm="RS256", headers={"kid": KID})


def _none_token() -> str:
    return f"{b64(json.dumps({'alg': 'none', 'kid': KID}).encode())}.{b64(json.dumps(claims()).encode())}."


def _hs384_token() -> str:
    return jwt.encode(claims(), SECRET.encode(), algorithm="HS384", headers={"kid": KID})


def _rs256_with_secret_as_hmac() -> str:
    # The classic confusion: alg RS256 in the header, HMAC over the body with the shared secret.
    return forge({"alg": "RS256", "kid": KID}, claims())


REJECTIONS = {
    "alg none": (_none_token, SECRET.encode()),
    "HS384": (_hs384_token, SECRET.encode()),
    "RS256": (_rsa_token, SECRET.encode()),
    "RS256 with the secret as key": (_rs256_with_secret_as_hmac, SECRET.encode()),
    "missing kid": (lambda: forge({"alg": "HS256"}, claims()), SECRET.encode()),
    "non-string kid": (lambda: forge({"alg": "HS256", "kid": 7}, claims()), SECRET.encode()),
    "unknown kid": (lambda: forge(good_header(), claims()), None),
    "bad signature": (lambda: forge(good_header(), claims(), key=b"another-secret"), SECRET.encode()),
    "tampered payload": (
        lambda: (
            forge(good_header(), claims()).rsplit(".", 2)[0].split(".")[0]
            + "."
            + b64(json.dumps(claims(exp=NOW + 3000)).encode())
            + "."
            + forge(good_header(), claims()).rsplit(".", 1)[1]
        ),
        SECRET.encode(),
    ),
    "missing iat": (lambda: forge(good_header(), {"nbf": NOW, "exp": NOW + 60}), SECRET.encode()),
    "missing nbf": (lambda: forge(good_header(), {"iat": NOW, "exp": NOW + 60}), SECRET.encode()),
    "missing exp": (lambda: forge(good_header(), {"iat": NOW, "nbf": NOW}), SECRET.encode()),
    "float iat": (lambda: forge(good_header(), claims(iat=NOW + 0.5)), SECRET.encode()),
    "string nbf": (lambda: forge(good_header(), claims(nbf=str(NOW))), SECRET.encode()),
    "boolean exp": (lambda: forge(good_header(), claims(exp=True)), SECRET.encode()),
    "expired": (lambda: forge(good_header(), claims(NOW - 200, NOW - 200, NOW - 61)), SECRET.encode()),
    "not yet valid (nbf)": (lambda: forge(good_header(), claims(NOW, NOW + 61, NOW + 120)), SECRET.encode()),
    "issued in the future": (lambda: forge(good_header(), claims(NOW + 61, NOW, NOW + 120)), SECRET.encode()),
    "lifetime too long": (lambda: forge(good_header(), claims(NOW, NOW, NOW + 3601)), SECRET.encode()),
    "garbage": (lambda: "not-a-token", SECRET.encode()),
    "garbage with dots": (lambda: "a.b.c", SECRET.encode()),
    "empty": (lambda: "", SECRET.encode()),
    "header not an object": (lambda: f"{b64(b'[1]')}.{b64(b'{}')}.x", SECRET.encode()),
    "oversized": (lambda: "a" * 9000 + ".b.c", SECRET.encode()),
    # The signature must be the canonical base64url of the MAC: lenient decoders accept these.
    "padded signature": (lambda: forge(good_header(), claims()) + "=", SECRET.encode()),
    "signature with a stray character": (
        lambda: forge(good_header(), claims())[:-3] + "*" + forge(good_header(), claims())[-3:],
        SECRET.encode(),
    ),
    "payload not an object": (lambda: forge(good_header(), [1, 2]), SECRET.encode()),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("case", list(REJECTIONS))
def test_rejections(case: str) -> None:
    make, secret = REJECTIONS[case]
    with pytest.raises(AuthenticationError):
        tokens.verify(make(), secret, now=NOW, policy=POLICY)


@pytest.mark.parametrize(
    ("iat", "nbf", "exp"),
    [
        (NOW + 60, NOW + 60, NOW + 120),  # clock skew within leeway
        (NOW - 100, NOW - 100, NOW - 59),  # just expired, within leeway
        (NOW, NOW, NOW + 3600),  # the longest lifetime allowed
    ],
)
def test_boundaries_inside_leeway_are_accepted(iat: int, nbf: int, exp: int) -> None:
    tokens.verify(forge(good_header(), claims(iat, nbf, exp)), SECRET.encode(), now=NOW, policy=POLICY)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "Missing bearer token."),
        ("", "Missing bearer token."),
        ("Basic abc", "Expected a bearer token."),
        ("Bearer", "Expected a bearer token."),
        ("Bearer   ", "Expected a bearer token."),
        ("Token abc.def.ghi", "Expected a bearer token."),
    ],
)
def test_authorization_header_scheme(header: str | None, expected: str) -> None:
    with pytest.raises(AuthenticationError, match=expected):
        tokens.parse_authorization(header)


def test_bearer_scheme_is_case_insensitive() -> None:
    assert tokens.parse_authorization("bearer abc") == "abc"


def test_unknown_kid_and_bad_signature_give_the_same_answer() -> None:
    unknown = forge(good_header(), claims())
    wrong = forge(good_header(), claims(), key=b"x" * 43)
    with pytest.raises(AuthenticationError) as first:
        tokens.verify(unknown, None, now=NOW, policy=POLICY)
    with pytest.raises(AuthenticationError) as second:
        tokens.verify(wrong, SECRET.encode(), now=NOW, policy=POLICY)
    assert first.value.detail == second.value.detail
