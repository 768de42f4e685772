"""Key rules, and that every store refuses a hostile key before touching the backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from idscan.storage.blobstore import (
    MAX_KEY_LENGTH,
    BlobStore,
    InvalidBlobKeyError,
    validate_key,
    validate_prefix,
)

HOSTILE_KEYS = [
    "",
    "/etc/passwd",
    "../outside",
    "a/../../outside",
    "a/..",
    "..",
    ".",
    "a/./b",
    "a//b",
    "a/",
    ".hidden",
    "a/.hidden",
    "a\\..\\b",
    "C:/x",
    "a\x00b",
    "a\nb",
    "a b",
    "a#b",
    "%2e%2e/x",
    "caf\u00e9",
    "a\u2215b",  # division slash, looks like "/"
    "x" * (MAX_KEY_LENGTH + 1),
]
GOOD_KEYS = ["a", "transactions/0b9f6c1e-3f0a-4c3b-9a7e-5d1f2e3a4b5c/document-front.jpg", "A_b-c.d/e..f"]


@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_hostile_key_rejected(key: str) -> None:
    with pytest.raises(InvalidBlobKeyError):
        validate_key(key)


@pytest.mark.parametrize("key", GOOD_KEYS)
def test_good_key_accepted(key: str) -> None:
    assert validate_key(key) == key


def test_prefix_may_end_with_slash_but_not_be_empty() -> None:
    assert validate_prefix("transactions/abc/") == "transactions/abc"
    for prefix in ("", "/", "../", "a//"):
        with pytest.raises(InvalidBlobKeyError):
            validate_prefix(prefix)


@pytest.mark.parametrize("key", ["../escaped", "/escaped", "a/../../escaped", "a/.."])
def test_every_operation_refuses_hostile_keys(inner: BlobStore, tmp_path: Path, key: str) -> None:
    for operation in (
        lambda: inner.put(key, b"x"),
        lambda: inner.get(key),
        lambda: inner.delete(key),
        lambda: inner.exists(key),
        lambda: inner.delete_prefix(key),
    ):
        with pytest.raises(InvalidBlobKeyError):
            operation()
    # Nothing landed next to (or above) the store's directory.
    assert sorted(p.name for p in tmp_path.iterdir()) in ([], ["blobs"])
    assert not Path("/escaped").exists()
