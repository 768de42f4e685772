"""Encryption at rest for any `BlobStore`: each object sealed under its own AES-256-GCM key,
wrapped by the active master key (`idscan.lib.aead`).

The object key is the associated data, so an object copied or moved to another key fails to open,
as does a flipped byte or a blob sealed under a master key that is no longer configured: all raise
`IntegrityError`, never bad bytes.
"""

from __future__ import annotations

from idscan.errors import IntegrityError
from idscan.lib.aead import DecryptionError, Keyring
from idscan.storage.blobstore import BlobStore, validate_key


class EncryptedBlobStore:
    def __init__(self, inner: BlobStore, keyring: Keyring) -> None:
        self.inner = inner
        self._keyring = keyring

    def put(self, key: str, data: bytes) -> None:
        self.inner.put(key, self._keyring.seal(data, aad=validate_key(key).encode()))

    def get(self, key: str) -> bytes:
        sealed = self.inner.get(key)
        try:
            return self._keyring.open(sealed, aad=key.encode())
        except DecryptionError as exc:
            raise IntegrityError() from exc

    def delete(self, key: str) -> None:
        self.inner.delete(key)

    def delete_prefix(self, prefix: str) -> int:
        return self.inner.delete_prefix(prefix)

    def exists(self, key: str) -> bool:
        return self.inner.exists(key)

    def ping(self) -> None:
        self.inner.ping()
