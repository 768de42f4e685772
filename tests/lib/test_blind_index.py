"""Keyed digests: normalised, keyed per master key, found again after a key rotation."""

from __future__ import annotations

from idscan.lib import blind_index
from idscan.lib.aead import Keyring


def test_normalise_and_digest() -> None:
    ring = Keyring(keys={1: bytes(32)}, active_id=1)
    assert blind_index.normalise(" nl-12.ab 34 ") == "NL12AB34"
    a = blind_index.digests(ring, "document-number", "nl-12.ab 34")
    b = blind_index.digests(ring, "document-number", "NL12AB34")
    assert a == b
    assert "NL12AB34" not in a[1]
    assert blind_index.digests(ring, "other-purpose", "NL12AB34") != a


def test_a_rotated_keyring_still_finds_old_digests() -> None:
    old = Keyring(keys={1: bytes(32)}, active_id=1)
    new = Keyring(keys={2: bytes(range(32)), 1: bytes(32)}, active_id=2)
    stored = blind_index.active_digest(old, "document-number", "X123")
    assert stored in blind_index.digests(new, "document-number", "X123").items()
    assert blind_index.active_digest(new, "document-number", "X123")[0] == 2
