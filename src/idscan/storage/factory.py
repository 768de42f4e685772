"""Build the configured blob store; called only by composition roots."""

from __future__ import annotations

from typing import TYPE_CHECKING

from idscan.storage.blobstore import BlobStore
from idscan.storage.encrypted import EncryptedBlobStore
from idscan.storage.local import LocalBlobStore
from idscan.storage.s3 import S3BlobStore

if TYPE_CHECKING:
    from pathlib import Path

    from idscan.config import StorageSettings
    from idscan.lib.aead import Keyring


def build_blob_store(settings: StorageSettings, default_path: Path, keyring: Keyring) -> BlobStore:
    """The encrypted store over the configured backend. `default_path` (usually `Settings.blob_path`)
    is used when the local backend has no `local_path` of its own."""
    inner: BlobStore
    if settings.backend == "s3":
        assert settings.s3_bucket  # StorageSettings refuses s3 without a bucket
        secret = settings.s3_secret_access_key
        inner = S3BlobStore(
            settings.s3_bucket,
            endpoint=settings.s3_endpoint,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=secret.get_secret_value() if secret else None,
            allow_http=settings.s3_allow_http,
            prefix=settings.s3_prefix,
        )
    else:
        inner = LocalBlobStore(settings.local_path or default_path)
    return EncryptedBlobStore(inner, keyring)
