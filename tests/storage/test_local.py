"""What only the local backend does: files on disk, directory handling, readiness."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from idscan.errors import ServiceUnavailableError
from idscan.lib.aead import Keyring
from idscan.storage.encrypted import EncryptedBlobStore
from idscan.storage.local import LocalBlobStore

TX = "transactions/5f0c3a2e-8a1b-4c6d-9e7f-0a1b2c3d4e5f"


def test_creates_its_directory_owner_only(tmp_path: Path) -> None:
    root = tmp_path / "data" / "blobs"
    LocalBlobStore(root)
    assert root.is_dir()
    assert stat.S_IMODE(root.stat().st_mode) == 0o700


def test_objects_are_files_under_the_root(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    store.put(f"{TX}/report.pdf", b"%PDF")
    assert (tmp_path / TX / "report.pdf").read_bytes() == b"%PDF"


def test_file_on_disk_is_ciphertext(tmp_path: Path, keyring: Keyring) -> None:
    store = EncryptedBlobStore(LocalBlobStore(tmp_path), keyring)
    store.put(f"{TX}/mrz.txt", b"P<UTOERIKSSON<<ANNA<MARIA")
    on_disk = (tmp_path / TX / "mrz.txt").read_bytes()
    assert b"ERIKSSON" not in on_disk
    assert on_disk.startswith(b"IDS1")


def test_no_temporary_files_left_behind(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    for index in range(20):
        store.put(f"{TX}/frame", os.urandom(1000 + index))
    assert [p.name for p in (tmp_path / TX).iterdir()] == ["frame"]


def test_erasure_leaves_no_directory_named_after_the_transaction(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    store.put(f"{TX}/frames/0001.jpg", b"x")
    store.put(f"{TX}/selfie.jpg", b"y")
    assert store.delete_prefix(TX) == 2
    assert not (tmp_path / TX).exists()


def test_ping_fails_when_the_directory_is_gone(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    store.ping()
    (tmp_path / "blobs").rmdir()
    with pytest.raises(ServiceUnavailableError):
        store.ping()


def test_readers_never_see_a_half_written_object(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    versions = {bytes([n]) * 200_000 for n in range(4)}
    store.put("k", next(iter(versions)))
    stop = threading.Event()

    def write() -> None:
        while not stop.is_set():
            for version in versions:
                store.put("k", version)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        for _ in range(200):
            assert store.get("k") in versions
    finally:
        stop.set()
        writer.join()


def test_objects_and_their_directories_are_owner_only(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        root = tmp_path / "blobs"
        root.mkdir(mode=0o755)  # a directory made before, by someone else's rules
        store = LocalBlobStore(root)
        store.put(f"{TX}/attempts/a/upload", b"photo")
        store.put(f"{TX}/attempts/a/upload", b"photo again")  # a rewrite is a new file
    finally:
        os.umask(previous)
    modes = {p.relative_to(tmp_path): stat.S_IMODE(p.stat().st_mode) for p in tmp_path.rglob("*")}
    assert modes[Path("blobs")] == 0o700
    assert modes[Path("blobs") / TX / "attempts/a/upload"] == 0o600
    assert {m for p, m in modes.items() if (tmp_path / p).is_dir()} == {0o700}
