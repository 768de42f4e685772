"""Keyed digests of identifiers (a blind index): find a row by a document number without keeping
the number. One HMAC-SHA256 key per master key, derived by HKDF, so that a number indexed under an
older master key is still found while that key stays in the keyring."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from idscan.lib.aead import Keyring


def normalise(number: str) -> str:
    """Upper case, letters and digits only: `nl 12.ab-34` and `NL12AB34` are the same number."""
    folded = unicodedata.normalize("NFKC", number).upper()
    return "".join(ch for ch in folded if ch.isalnum())


def derive(master: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=None, info=f"idscan:{purpose}".encode()).derive(master)


def digests(keyring: Keyring, purpose: str, value: str) -> dict[int, str]:
    """The digest of `value` under every master key of the keyring (key ID -> hex)."""
    data = normalise(value).encode()
    return {
        key_id: hmac.new(derive(key, purpose), data, hashlib.sha256).hexdigest()
        for key_id, key in keyring.keys.items()
    }


def active_digest(keyring: Keyring, purpose: str, value: str) -> tuple[int, str]:
    """The digest to store: under the active master key."""
    return keyring.active_id, digests(keyring, purpose, value)[keyring.active_id]
