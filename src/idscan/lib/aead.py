"""Envelope encryption: AES-256-GCM per object, the object key wrapped by a versioned master key.

Format (all integers big-endian):
    b"IDS1" | master key id (u16) | wrapped key (12-byte nonce + 32-byte key + 16-byte tag)
          | nonce (12) | ciphertext + tag
The caller's `aad` (an object path, a credential ID) is bound into both layers, so a blob moved to
another name, or a secret copied to another credential, fails to open.
"""

from __future__ import annotations

import base64
import os
import struct
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"IDS1"
_HEADER = struct.Struct(">4sH")
_WRAPPED_LEN = 12 + 32 + 16
KEY_BYTES = 32


class DecryptionError(Exception):
    """Ciphertext was tampered with, truncated, or sealed under a key we do not hold."""


def generate_master_key() -> bytes:
    return os.urandom(KEY_BYTES)


def encode_key(key_id: int, key: bytes) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(key).decode()}"


def parse_keyring(text: str) -> Keyring:
    """Parse `ID:BASE64[,ID:BASE64...]`; the first entry is the active key, the rest only decrypt."""
    keys: dict[int, bytes] = {}
    active: int | None = None
    for raw in text.replace("\n", ",").split(","):
        item = raw.strip()
        if not item:
            continue
        key_id_text, sep, b64 = item.partition(":")
        if not sep or not key_id_text.isdigit():
            raise ValueError("each master key must look like ID:BASE64 (for example 1:3q2-7w...)")
        key_id = int(key_id_text)
        if not 0 < key_id < 65536:
            raise ValueError("master key IDs must be between 1 and 65535")
        try:
            key = base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4))
        except ValueError as exc:
            raise ValueError(f"master key {key_id} is not valid base64") from exc
        if len(key) != KEY_BYTES:
            raise ValueError(f"master key {key_id} must be 32 bytes (256 bits), got {len(key)}")
        if key_id in keys:
            raise ValueError(f"master key ID {key_id} appears twice")
        keys[key_id] = key
        if active is None:
            active = key_id
    if active is None:
        raise ValueError("no master key given")
    return Keyring(keys=keys, active_id=active)


@dataclass(frozen=True, slots=True)
class Keyring:
    keys: Mapping[int, bytes]
    active_id: int

    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        data_key = os.urandom(KEY_BYTES)
        wrap_nonce = os.urandom(12)
        wrapped = wrap_nonce + AESGCM(self.keys[self.active_id]).encrypt(wrap_nonce, data_key, aad)
        nonce = os.urandom(12)
        body = AESGCM(data_key).encrypt(nonce, plaintext, aad)
        return _HEADER.pack(MAGIC, self.active_id) + wrapped + nonce + body

    def open(self, sealed: bytes, aad: bytes) -> bytes:
        head = _HEADER.size
        if len(sealed) < head + _WRAPPED_LEN + 12 + 16:
            raise DecryptionError("ciphertext too short")
        magic, key_id = _HEADER.unpack_from(sealed)
        if magic != MAGIC:
            raise DecryptionError("not an idscan envelope")
        master = self.keys.get(key_id)
        if master is None:
            raise DecryptionError(f"sealed under master key {key_id}, which is not configured")
        wrapped = sealed[head : head + _WRAPPED_LEN]
        nonce = sealed[head + _WRAPPED_LEN : head + _WRAPPED_LEN + 12]
        body = sealed[head + _WRAPPED_LEN + 12 :]
        try:
            data_key = AESGCM(master).decrypt(wrapped[:12], wrapped[12:], aad)
            return AESGCM(data_key).decrypt(nonce, body, aad)
        except InvalidTag as exc:
            raise DecryptionError("authentication tag mismatch") from exc


def token_keyring(token: str, purpose: str) -> Keyring:
    """A one-key keyring derived (HKDF-SHA256) from a high-entropy bearer token: what it seals opens
    only for whoever presents the token, so the database alone, even with the master keys, cannot."""
    key = HKDF(algorithm=SHA256(), length=KEY_BYTES, salt=None, info=f"idscan {purpose}".encode())
    return Keyring(keys={1: key.derive(token.encode())}, active_id=1)
