"""Encryption at rest, on both backends: nothing readable lands in storage, and nothing altered,
moved or sealed under a foreign key is ever returned."""

from __future__ import annotations

import pytest

from idscan.errors import IntegrityError
from idscan.lib.aead import Keyring, encode_key, generate_master_key, parse_keyring
from idscan.storage.blobstore import BlobNotFoundError, BlobStore
from idscan.storage.encrypted import EncryptedBlobStore

TX = "transactions/5f0c3a2e-8a1b-4c6d-9e7f-0a1b2c3d4e5f"
MRZ = b"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO7408122F1204159ZE184226B<<<<<10"


def test_round_trip(store: EncryptedBlobStore) -> None:
    store.put(f"{TX}/mrz.txt", MRZ)
    assert store.get(f"{TX}/mrz.txt") == MRZ
    assert store.exists(f"{TX}/mrz.txt")


def test_stored_bytes_hide_the_plaintext(store: EncryptedBlobStore, inner: BlobStore) -> None:
    store.put(f"{TX}/a", MRZ)
    store.put(f"{TX}/b", MRZ)
    raw_a, raw_b = inner.get(f"{TX}/a"), inner.get(f"{TX}/b")
    for raw in (raw_a, raw_b):
        assert raw.startswith(b"IDS1")
        assert MRZ not in raw
        assert b"ERIKSSON" not in raw
    assert raw_a != raw_b  # a fresh key and nonce per object


@pytest.mark.parametrize(
    "position",
    [0, 4, 5, 6, 40, 66, 70, -17, -1],
    ids=["magic", "key-id-hi", "key-id-lo", "wrap-nonce", "wrapped-key", "wrap-tag", "nonce", "body", "tag"],
)
def test_flipped_byte_is_refused(store: EncryptedBlobStore, inner: BlobStore, position: int) -> None:
    store.put("k", MRZ)
    raw = bytearray(inner.get("k"))
    raw[position] ^= 0x01
    inner.put("k", bytes(raw))
    with pytest.raises(IntegrityError):
        store.get("k")


def test_truncated_object_is_refused(store: EncryptedBlobStore, inner: BlobStore) -> None:
    store.put("k", MRZ)
    for length in (0, 10, len(inner.get("k")) - 1):
        inner.put("k2", inner.get("k")[:length])
        with pytest.raises(IntegrityError):
            store.get("k2")


def test_object_copied_to_another_key_is_refused(store: EncryptedBlobStore, inner: BlobStore) -> None:
    other = "transactions/00000000-0000-4000-8000-000000000000"
    store.put(f"{TX}/selfie.jpg", MRZ)
    inner.put(f"{other}/selfie.jpg", inner.get(f"{TX}/selfie.jpg"))
    inner.put(f"{TX}/document-front.jpg", inner.get(f"{TX}/selfie.jpg"))
    with pytest.raises(IntegrityError):
        store.get(f"{other}/selfie.jpg")
    with pytest.raises(IntegrityError):
        store.get(f"{TX}/document-front.jpg")


def test_plaintext_written_behind_its_back_is_refused(store: EncryptedBlobStore, inner: BlobStore) -> None:
    inner.put("k", MRZ)
    with pytest.raises(IntegrityError):
        store.get("k")


def test_rotation(inner: BlobStore) -> None:
    key1, key2 = encode_key(1, generate_master_key()), encode_key(2, generate_master_key())
    old = EncryptedBlobStore(inner, parse_keyring(key1))
    old.put("sealed-under-1", MRZ)

    rotated = EncryptedBlobStore(inner, parse_keyring(f"{key2},{key1}"))
    assert rotated.get("sealed-under-1") == MRZ
    rotated.put("sealed-under-2", b"new")
    assert inner.get("sealed-under-2")[4:6] == b"\x00\x02"  # the first key seals
    assert rotated.get("sealed-under-2") == b"new"

    with pytest.raises(IntegrityError):  # a node that only knows key 1
        old.get("sealed-under-2")
    with pytest.raises(IntegrityError):  # key 1 retired too early
        EncryptedBlobStore(inner, parse_keyring(key2)).get("sealed-under-1")


def test_another_master_key_cannot_open(store: EncryptedBlobStore, inner: BlobStore) -> None:
    store.put("k", MRZ)
    stranger = EncryptedBlobStore(inner, parse_keyring(encode_key(1, generate_master_key())))
    with pytest.raises(IntegrityError):
        stranger.get("k")


def test_missing_object(store: EncryptedBlobStore) -> None:
    with pytest.raises(BlobNotFoundError):
        store.get(f"{TX}/absent")


def test_erasure_by_prefix(store: EncryptedBlobStore, keyring: Keyring) -> None:
    store.put(f"{TX}/a", b"1")
    store.put(f"{TX}/frames/b", b"2")
    store.put("transactions/other/a", b"3")
    assert store.delete_prefix(TX) == 2
    assert not store.exists(f"{TX}/a")
    store.delete(f"{TX}/a")  # idempotent through the wrapper too
    assert store.get("transactions/other/a") == b"3"


def test_hostile_key_rejected_before_sealing(store: EncryptedBlobStore) -> None:
    from idscan.storage.blobstore import InvalidBlobKeyError

    with pytest.raises(InvalidBlobKeyError):
        store.put("../escape", MRZ)
    with pytest.raises(InvalidBlobKeyError):
        store.get("../escape")


def test_ping(store: EncryptedBlobStore) -> None:
    store.ping()
