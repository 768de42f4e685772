"""Blobs as files under one directory (the embedded default).

obstore's LocalStore writes each object to a temporary file and renames it into place, so a reader
never sees half an object and a crash leaves no torn file. Empty directories left by a deletion are
removed, so an erased transaction leaves no trace of its ID on disk.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from obstore.store import LocalStore

from idscan.errors import IdscanError, ServiceUnavailableError, StorageError
from idscan.lib.files import DIR_MODE, FILE_MODE, private_dir
from idscan.storage.blobstore import validate_key
from idscan.storage.objectstore import ObjectStoreBlobStore


class LocalBlobStore(ObjectStoreBlobStore):
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        # Owner-only: the objects are ciphertext, but their names still say which transactions exist.
        private_dir(self.root)
        super().__init__(LocalStore(self.root, automatic_cleanup=True))

    def put(self, key: str, data: bytes) -> None:
        super().put(key, data)
        # obstore creates files 0644 and directories 0755 (less the umask); the root is already
        # owner-only, so nobody else could reach them meanwhile.
        path = self.root / key
        try:
            path.chmod(FILE_MODE)
            for parent in path.parents:
                if parent == self.root:
                    break
                if stat.S_IMODE(parent.stat().st_mode) != DIR_MODE:
                    parent.chmod(DIR_MODE)
        except OSError as exc:
            raise self._failure("put", exc) from exc

    def _failure(self, action: str, exc: Exception) -> IdscanError:
        return StorageError(f"local blob store: {action} failed ({type(exc).__name__})")

    def delete(self, key: str) -> None:
        # A key that is only a directory of other keys holds no object: nothing to delete (as on S3),
        # where the file system would refuse to unlink a directory.
        if (self.root / validate_key(key)).is_dir():
            return
        super().delete(key)

    def ping(self) -> None:
        if not self.root.is_dir() or not os.access(self.root, os.W_OK | os.X_OK):
            raise ServiceUnavailableError(f"blob directory {self.root} is missing or not writable")
