"""Blob storage: the `BlobStore` protocol, local and S3 backends, and encryption at rest.

Build a store with `build_blob_store` (in `idscan.storage.factory`) from a composition root.
"""

from idscan.storage.blobstore import BlobNotFoundError, BlobStore, InvalidBlobKeyError
from idscan.storage.encrypted import EncryptedBlobStore

__all__ = ["BlobNotFoundError", "BlobStore", "EncryptedBlobStore", "InvalidBlobKeyError"]
