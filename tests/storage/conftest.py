"""Stores for the storage tests: every shared case runs on the local backend and on a real S3 server."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from idscan.lib.aead import Keyring, encode_key, generate_master_key, parse_keyring
from idscan.storage.blobstore import BlobStore
from idscan.storage.encrypted import EncryptedBlobStore
from idscan.storage.local import LocalBlobStore
from idscan.storage.s3 import S3BlobStore
from tests.support.seaweed import SeaweedServer

MakeInner = Callable[[], BlobStore]


def s3_store(server: SeaweedServer, prefix: str) -> S3BlobStore:
    return S3BlobStore(
        server.bucket,
        endpoint=server.endpoint,
        region=server.region,
        access_key_id=server.access_key_id,
        secret_access_key=server.secret_access_key,
        allow_http=True,
        prefix=prefix,
    )


@pytest.fixture(params=["local", "s3"])
def make_inner(request: pytest.FixtureRequest, tmp_path: Path) -> MakeInner:
    """A factory of plaintext stores over one backend; each call sees the same objects."""
    if request.param == "local":
        return lambda: LocalBlobStore(tmp_path / "blobs")
    server: SeaweedServer = request.getfixturevalue("seaweed")
    # A fresh prefix per test keeps tests apart inside the one shared bucket.
    prefix = f"test-{uuid.uuid4().hex}"
    return lambda: s3_store(server, prefix)


@pytest.fixture
def inner(make_inner: MakeInner) -> BlobStore:
    return make_inner()


@pytest.fixture
def keyring() -> Keyring:
    return parse_keyring(encode_key(1, generate_master_key()))


@pytest.fixture
def store(inner: BlobStore, keyring: Keyring) -> EncryptedBlobStore:
    return EncryptedBlobStore(inner, keyring)
