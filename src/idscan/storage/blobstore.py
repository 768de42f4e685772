"""The `BlobStore` protocol every backend implements, and the key rules they all enforce.

Keys are server-built paths such as `transactions/<uuid>/document-front.jpg`: `/`-separated segments
of `[A-Za-z0-9._-]`, none empty and none starting with a dot. That one rule rejects `..`, `.`,
absolute paths, backslashes, `#` (used by the local store for temporary files) and control
characters, so no key, however hostile, can address anything outside the store.
A key must not also be the prefix of other keys (`a/b` and `a/b/c`): a file cannot be a directory.
"""

from __future__ import annotations

import re
from typing import Protocol

from idscan.errors import StorageError

MAX_KEY_LENGTH = 1024  # the S3 limit; also well under any file-system path limit
_KEY = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)*")


class BlobNotFoundError(StorageError):
    default_detail = "Stored object not found."


class InvalidBlobKeyError(ValueError):
    """A key broke the key rules. Keys are built by the service, so this is a bug, never input."""


def validate_key(key: str) -> str:
    """Return `key` unchanged if it is a safe object key, else raise `InvalidBlobKeyError`."""
    if len(key) > MAX_KEY_LENGTH or not _KEY.fullmatch(key):
        # repr() so an invisible or control character shows up in the log.
        raise InvalidBlobKeyError(f"invalid blob key {key[:80]!r}")
    return key


def validate_prefix(prefix: str) -> str:
    """A prefix follows the key rules; one trailing `/` is allowed. Empty is refused on purpose:
    `delete_prefix("")` would erase the whole store."""
    return validate_key(prefix.removesuffix("/"))


class BlobStore(Protocol):
    """Synchronous object storage. Implementations raise `BlobNotFoundError` for a missing object,
    `StorageError` / `ServiceUnavailableError` when the backend fails, and `InvalidBlobKeyError`
    for a key that breaks the rules."""

    def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key`, replacing any previous object atomically."""

    def get(self, key: str) -> bytes:
        """Return the object; `BlobNotFoundError` if there is none."""

    def delete(self, key: str) -> None:
        """Remove the object; deleting a missing object is not an error."""

    def delete_prefix(self, prefix: str) -> int:
        """Remove every object under the path prefix `prefix` (whole segments: `a/b` covers `a/b/c`
        but not `a/bc`) and return how many were removed."""

    def exists(self, key: str) -> bool:
        """Whether an object is stored under `key`."""

    def ping(self) -> None:
        """Readiness check: raise `ServiceUnavailableError` when the backend cannot be used."""
