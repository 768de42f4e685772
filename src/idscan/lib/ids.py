"""Identifiers and capability tokens."""

from __future__ import annotations

import secrets
import uuid

_TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"  # noqa: S105


def new_uuid() -> str:
    return str(uuid.uuid4())


def capability_token(length: int = 50) -> str:
    """Unguessable URL-safe token (50 chars of base62 is ~297 bits)."""
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(length))


def new_secret() -> str:
    """A credential or webhook secret: 256 bits, URL-safe text."""
    return secrets.token_urlsafe(32)
