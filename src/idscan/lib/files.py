"""Owner-only files and directories for what the service keeps on disk (database, blobs, keys)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
_OTHERS = 0o077  # any permission for the group or for others


def private_file(path: Path) -> int | None:
    """Create `path` empty with mode 0600 if it is missing; tighten it to 0600 if it is looser.
    Answers the mode it had when it was tightened (None when nothing changed)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return _tighten(path, FILE_MODE)
    os.close(fd)
    return None


def private_dir(path: Path) -> int | None:
    """Create `path` (and its parents) with mode 0700 if it is missing; tighten it to 0700 if the
    group or others may use it. Answers the mode it had when it was tightened (None otherwise)."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    return _tighten(path, DIR_MODE)


def _tighten(path: Path, mode: int) -> int | None:
    current = stat.S_IMODE(path.stat().st_mode)
    if not current & _OTHERS:
        return None
    os.chmod(path, mode)
    return current
