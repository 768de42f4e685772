"""HS256 bearer tokens exactly as the contract says (pure: no I/O, no settings).

Checks, in order: shape, header (`alg` exactly HS256, `kid` a string), signature with the kid's
secret (an unknown kid is checked against a dummy secret so it costs the same time), then integer
`iat`/`nbf`/`exp` with leeway, and a maximum lifetime.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from idscan.errors import AuthenticationError

ALGORITHM = "HS256"
_DUMMY_SECRET = b"\x00" * 43  # same length as a real secret, never valid
_MAX_TOKEN_CHARS = 8192


@dataclass(frozen=True, slots=True)
class TokenPolicy:
    leeway_seconds: int = 60
    max_lifetime_seconds: int = 3600


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    kid: str
    iat: int
    nbf: int
    exp: int


SecretLookup = Callable[[str], bytes | None]


def issue(kid: str, secret: str | bytes, *, ttl: int = 60, now: int | None = None) -> str:
    """A token for the given credential, valid from now for `ttl` seconds."""
    issued = int(time.time()) if now is None else now
    key = secret.encode() if isinstance(secret, str) else secret
    # Compact JSON in this key order reproduces the contract's test vector byte for byte.
    header = _segment({"alg": ALGORITHM, "typ": "JWT", "kid": kid})
    payload = _segment({"iat": issued, "nbf": issued, "exp": issued + ttl})
    signature = hmac.new(key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{base64.urlsafe_b64encode(signature).decode().rstrip('=')}"


def _segment(value: dict[str, Any]) -> str:
    raw = json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def parse_authorization(header: str | None) -> str:
    """The token from an `Authorization: Bearer <token>` header."""
    if not header:
        raise AuthenticationError("Missing bearer token.")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("Expected a bearer token.")
    return token.strip()


def unverified_kid(token: str) -> str:
    """The `kid` of a well-formed HS256 token header, before any signature check."""
    if len(token) > _MAX_TOKEN_CHARS or token.count(".") != 2:
        raise AuthenticationError("Malformed token.")
    header = _decode_segment(token.split(".", 1)[0])
    if not isinstance(header, dict):
        raise AuthenticationError("Malformed token.")
    if header.get("alg") != ALGORITHM:
        raise AuthenticationError("Unsupported token algorithm.")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid or len(kid) > 100:
        raise AuthenticationError("Missing key ID.")
    return kid


def verify(token: str, secret: bytes | None, *, now: float, policy: TokenPolicy) -> VerifiedToken:
    """Verify a token whose kid resolved to `secret` (None: unknown or revoked kid)."""
    kid = unverified_kid(token)
    signed, _, signature = token.rpartition(".")
    # HS256 by hand (the hottest check of the API): the signature must be the canonical base64url
    # of the MAC, compared in constant time; an unknown kid is checked against a dummy secret.
    mac = hmac.digest(secret if secret is not None else _DUMMY_SECRET, signed.encode(), hashlib.sha256)
    expected = base64.urlsafe_b64encode(mac).rstrip(b"=")
    if not hmac.compare_digest(expected, signature.encode()) or secret is None:
        raise AuthenticationError("Invalid signature or key.")
    claims = _decode_segment(signed.partition(".")[2])
    if not isinstance(claims, dict):
        raise AuthenticationError("Malformed token.")
    iat, nbf, exp = (_int_claim(claims, name) for name in ("iat", "nbf", "exp"))
    leeway = policy.leeway_seconds
    if exp <= now - leeway:
        raise AuthenticationError("Token expired.")
    if nbf > now + leeway or iat > now + leeway:
        raise AuthenticationError("Token not yet valid.")
    if exp - iat > policy.max_lifetime_seconds:
        raise AuthenticationError("Token lifetime too long.")
    return VerifiedToken(kid=kid, iat=iat, nbf=nbf, exp=exp)


def _int_claim(claims: dict[str, Any], name: str) -> int:
    value = claims.get(name)
    # bool is an int in Python; JSON true is not a timestamp.
    if not isinstance(value, int) or isinstance(value, bool):
        raise AuthenticationError(f"Claim {name} must be an integer.")
    return value


def _decode_segment(segment: str) -> Any:
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        return json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise AuthenticationError("Malformed token.") from exc
