"""Identifiers and capability tokens."""

from __future__ import annotations

import hashlib
import secrets
import uuid

_TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"  # noqa: S105


def new_uuid() -> str:
    return str(uuid.uuid4())


def capability_token(length: int = 50) -> str:
    """Unguessable URL-safe token: base62 of random bytes (50 characters carry ~297 bits)."""
    # 8 random bits per character, reduced to base 62: the modulo bias is below 2**-100.
    value = int.from_bytes(secrets.token_bytes(length), "big")
    chars = []
    for _ in range(length):
        value, digit = divmod(value, 62)
        chars.append(_TOKEN_ALPHABET[digit])
    return "".join(chars)


def token_digest(token: str) -> str:
    """What the database keeps of a bearer token (hosted link, hand-off, download): its SHA-256, hex.
    The tokens carry ~297 random bits, so an unkeyed digest cannot be reversed or guessed, and
    lookups do not depend on a key that rotates."""
    return hashlib.sha256(token.encode()).hexdigest()


def is_token_shaped(token: str) -> bool:
    """Cheap check before a lookup: what `capability_token` makes (base62, at most 64 characters)."""
    return 0 < len(token) <= 64 and token.isascii() and token.isalnum()


def new_secret() -> str:
    """A credential or webhook secret: 256 bits, URL-safe text. Never starting with `-`: a shell
    command line such as `idscan token --secret "$SECRET"` would take it for an option."""
    while True:
        secret = secrets.token_urlsafe(32)
        if not secret.startswith("-"):
            return secret
