"""Engines: the SQLite file and its companions are owner-only."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from idscan.db import make_engine, make_unpooled_engine


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("make", [make_engine, make_unpooled_engine])
def test_a_new_sqlite_database_and_its_wal_are_owner_only(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "idscan.sqlite"
    engine = make(f"sqlite:///{path}")
    wal, shm = path.with_name("idscan.sqlite-wal"), path.with_name("idscan.sqlite-shm")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
        # The last connection to close removes the WAL: look while this one is open.
        assert wal.exists()
        assert shm.exists()
        assert {p.name: mode(p) for p in (path, wal, shm)} == {p.name: 0o600 for p in (path, wal, shm)}
    engine.dispose()


def test_an_existing_database_open_to_others_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "idscan.sqlite"
    engine = make_unpooled_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    engine.dispose()
    for p in tmp_path.iterdir():
        p.chmod(0o644)
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
        assert {p.name: mode(p) for p in tmp_path.iterdir()} == {p.name: 0o600 for p in tmp_path.iterdir()}
    engine.dispose()
