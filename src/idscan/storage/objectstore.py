"""`BlobStore` on top of any obstore store: the behaviour local and S3 share.

Subclasses build the obstore store and say how a backend failure is reported (`_failure`).
"""

from __future__ import annotations

import abc
import contextlib
from typing import TYPE_CHECKING

import obstore
from obstore.exceptions import BaseError

from idscan.errors import IdscanError
from idscan.storage.blobstore import BlobNotFoundError, validate_key, validate_prefix

if TYPE_CHECKING:
    from obstore.store import ObjectStore

# Backend errors: obstore's own tree, plus the built-in OSError family it also raises.
BACKEND_ERRORS = (BaseError, OSError)
_DELETE_BATCH = 1000  # the S3 DeleteObjects maximum


class ObjectStoreBlobStore(abc.ABC):
    def __init__(self, store: ObjectStore) -> None:
        self._store = store

    @abc.abstractmethod
    def _failure(self, action: str, exc: Exception) -> IdscanError:
        """The error to raise when the backend fails with something other than "not found"."""

    @abc.abstractmethod
    def ping(self) -> None:
        """Raise `ServiceUnavailableError` when the backend cannot be used."""

    def put(self, key: str, data: bytes) -> None:
        validate_key(key)
        try:
            obstore.put(self._store, key, data)
        except BACKEND_ERRORS as exc:
            raise self._failure("put", exc) from exc

    def get(self, key: str) -> bytes:
        validate_key(key)
        try:
            return bytes(obstore.get(self._store, key).bytes())
        except FileNotFoundError as exc:
            raise BlobNotFoundError() from exc
        except BACKEND_ERRORS as exc:
            raise self._failure("get", exc) from exc

    def delete(self, key: str) -> None:
        validate_key(key)
        try:
            obstore.delete(self._store, key)
        except FileNotFoundError:
            pass  # the local store reports a missing file; S3 does not. Both mean "gone".
        except BACKEND_ERRORS as exc:
            raise self._failure("delete", exc) from exc

    def delete_prefix(self, prefix: str) -> int:
        prefix = validate_prefix(prefix)
        removed = 0
        try:
            # obstore lists whole path segments, so `transactions/1` never matches `transactions/10`.
            for chunk in obstore.list(self._store, prefix, chunk_size=_DELETE_BATCH):
                paths = [meta["path"] for meta in chunk]
                self._delete_paths(paths)
                removed += len(paths)
        except FileNotFoundError:
            return removed  # the local store reports a prefix that was never created
        except BACKEND_ERRORS as exc:
            raise self._failure("delete_prefix", exc) from exc
        return removed

    def _delete_paths(self, paths: list[str]) -> None:
        try:
            obstore.delete(self._store, paths)
        except FileNotFoundError:
            # One vanished meanwhile (a concurrent erasure, a local store): retry one by one.
            for path in paths:
                with contextlib.suppress(FileNotFoundError):
                    obstore.delete(self._store, path)

    def exists(self, key: str) -> bool:
        validate_key(key)
        try:
            obstore.head(self._store, key)
        except FileNotFoundError:
            return False
        except BACKEND_ERRORS as exc:
            raise self._failure("exists", exc) from exc
        return True
