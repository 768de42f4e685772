"""The factory wires settings to the right backend, always behind encryption."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from idscan.config import StorageSettings
from idscan.lib.aead import Keyring
from idscan.storage.encrypted import EncryptedBlobStore
from idscan.storage.factory import build_blob_store
from idscan.storage.local import LocalBlobStore
from idscan.storage.s3 import S3BlobStore
from tests.support.seaweed import SeaweedServer


def test_default_is_local_under_the_default_path(tmp_path: Path, keyring: Keyring) -> None:
    store = build_blob_store(StorageSettings(), tmp_path / "blobs", keyring)
    assert isinstance(store, EncryptedBlobStore)
    assert isinstance(store.inner, LocalBlobStore)
    assert store.inner.root == (tmp_path / "blobs").resolve()
    store.put("transactions/x/a", b"secret")
    assert store.get("transactions/x/a") == b"secret"
    assert b"secret" not in (tmp_path / "blobs" / "transactions/x/a").read_bytes()


def test_local_path_setting_wins(tmp_path: Path, keyring: Keyring) -> None:
    settings = StorageSettings(local_path=tmp_path / "elsewhere")
    store = build_blob_store(settings, tmp_path / "blobs", keyring)
    assert isinstance(store, EncryptedBlobStore)
    assert isinstance(store.inner, LocalBlobStore)
    assert store.inner.root == (tmp_path / "elsewhere").resolve()


def test_s3(seaweed: SeaweedServer, keyring: Keyring, tmp_path: Path) -> None:
    settings = StorageSettings(
        backend="s3",
        s3_endpoint=seaweed.endpoint,
        s3_bucket=seaweed.bucket,
        s3_region=seaweed.region,
        s3_access_key_id=seaweed.access_key_id,
        s3_secret_access_key=SecretStr(seaweed.secret_access_key),
        s3_allow_http=True,
        s3_prefix="factory-test",
    )
    store = build_blob_store(settings, tmp_path / "unused", keyring)
    assert isinstance(store, EncryptedBlobStore)
    assert isinstance(store.inner, S3BlobStore)
    store.ping()
    store.put("transactions/x/a", b"secret")
    assert store.get("transactions/x/a") == b"secret"
    assert not (tmp_path / "unused").exists()
