"""Owner-only files and directories."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from idscan.lib.files import private_dir, private_file


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The common default: files 0644 and directories 0755 unless the code asks for less."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_is_owner_only_and_an_open_one_is_tightened(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    assert private_file(fresh) is None
    assert mode(fresh) == 0o600
    loose = tmp_path / "loose"
    loose.write_bytes(b"kept")
    assert mode(loose) == 0o644
    assert private_file(loose) == 0o644
    assert mode(loose) == 0o600
    assert loose.read_bytes() == b"kept"


def test_a_new_directory_is_owner_only_and_an_open_one_is_tightened(tmp_path: Path) -> None:
    fresh = tmp_path / "a" / "b"
    assert private_dir(fresh) is None
    assert mode(fresh) == 0o700
    loose = tmp_path / "loose"
    loose.mkdir()
    assert private_dir(loose) == 0o755
    assert mode(loose) == 0o700
    assert private_dir(loose) is None
