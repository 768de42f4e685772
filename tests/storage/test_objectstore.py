"""Behaviour every backend shares (each test runs on local and on S3)."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from idscan.storage.blobstore import BlobNotFoundError, BlobStore

TX = "transactions/7d2b1e8a-2a64-4f7e-b3f4-1c5a9e0d6b21"


def test_round_trip(inner: BlobStore) -> None:
    data = os.urandom(300_000)
    inner.put(f"{TX}/selfie.jpg", data)
    assert inner.get(f"{TX}/selfie.jpg") == data
    assert inner.exists(f"{TX}/selfie.jpg")


def test_empty_object(inner: BlobStore) -> None:
    inner.put("empty", b"")
    assert inner.get("empty") == b""


def test_put_replaces(inner: BlobStore) -> None:
    inner.put("k", b"first")
    inner.put("k", b"second")
    assert inner.get("k") == b"second"


def test_keys_are_isolated(inner: BlobStore) -> None:
    inner.put("a/b", b"ab")
    inner.put("a/bc", b"abc")
    inner.put("a/c/d", b"a-c-d")
    assert (inner.get("a/b"), inner.get("a/bc"), inner.get("a/c/d")) == (b"ab", b"abc", b"a-c-d")
    inner.delete("a/b")
    assert not inner.exists("a/b")
    assert inner.get("a/bc") == b"abc"


def test_missing_object(inner: BlobStore) -> None:
    with pytest.raises(BlobNotFoundError):
        inner.get("transactions/nothing/here")
    assert not inner.exists("transactions/nothing/here")


def test_delete_is_idempotent(inner: BlobStore) -> None:
    inner.put("k", b"v")
    inner.delete("k")
    inner.delete("k")
    inner.delete("never/existed")
    assert not inner.exists("k")


def test_a_directory_is_not_an_object(inner: BlobStore) -> None:
    inner.put("d/x", b"1")
    assert not inner.exists("d")
    with pytest.raises(BlobNotFoundError):
        inner.get("d")
    inner.delete("d")
    assert inner.get("d/x") == b"1"


def test_delete_prefix_erases_one_transaction(inner: BlobStore) -> None:
    other = "transactions/7d2b1e8a-2a64-4f7e-b3f4-1c5a9e0d6b210"  # same start, another transaction
    for name in ("document-front.jpg", "document-back.jpg", "frames/0001.jpg", "report.pdf"):
        inner.put(f"{TX}/{name}", name.encode())
    inner.put(f"{other}/document-front.jpg", b"keep")
    assert inner.delete_prefix(f"{TX}/") == 4
    assert not inner.exists(f"{TX}/frames/0001.jpg")
    assert inner.get(f"{other}/document-front.jpg") == b"keep"
    assert inner.delete_prefix(TX) == 0  # again: nothing left, not an error
    assert inner.delete_prefix("transactions/never-existed") == 0


def test_delete_prefix_beyond_one_batch(inner: BlobStore) -> None:
    for index in range(1005):  # more than one listing page / DeleteObjects batch
        inner.put(f"{TX}/frames/{index:04}", b"")
    assert inner.delete_prefix(TX) == 1005
    assert not inner.exists(f"{TX}/frames/1004")


def test_a_second_instance_sees_the_same_objects(make_inner: Callable[[], BlobStore]) -> None:
    make_inner().put("shared", b"v")
    assert make_inner().get("shared") == b"v"


def test_ping_when_reachable(inner: BlobStore) -> None:
    inner.ping()
