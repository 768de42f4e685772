"""Engines: the SQLite file and its companions are owner-only."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from sqlalchemy import Connection, text

from idscan import db
from idscan.container import Container
from idscan.db import make_engine, make_unpooled_engine

NOW = "2026-12-05 00:00:00"


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


def test_hot_path_reads_and_writes_commit_roll_back_and_pick_their_thread(container: Container) -> None:
    """Units of work of the hot routes: committed or rolled back whole, and never in a worker thread
    where the loop can wait instead."""
    engine = container.engine
    loop_thread = threading.get_ident()
    seen: list[int] = []

    def insert(conn: Connection) -> int:
        seen.append(threading.get_ident())
        conn.execute(
            text("INSERT INTO accounts (id, name, mode, created_at) VALUES ('a1', 'x', 'live', :t)"),
            {"t": NOW},
        )
        return 1

    def insert_then_fail(conn: Connection) -> int:
        conn.execute(
            text("INSERT INTO accounts (id, name, mode, created_at) VALUES ('a2', 'y', 'live', :t)"),
            {"t": NOW},
        )
        raise RuntimeError("after the insert")

    def count(conn: Connection) -> int:
        seen.append(threading.get_ident())
        return int(conn.execute(text("SELECT count(*) FROM accounts WHERE id IN ('a1', 'a2')")).scalar_one())

    async def scenario(hot: db.HotPath) -> int:
        try:
            await hot.write(insert)
            with pytest.raises(RuntimeError, match="after the insert"):
                await hot.write(insert_then_fail)
            return await hot.read(count)
        finally:
            await hot.aclose()

    async def opened() -> int:
        return await scenario(db.HotPath.open(engine, pool_size=2))

    assert anyio.run(opened) == 1  # the first committed, the second rolled back
    # Opened for the loop, every database works on the loop's own thread (PostgreSQL on its asyncio
    # driver); without one, PostgreSQL's work goes to a worker thread.
    assert seen == [loop_thread, loop_thread]
    cleanup = "DELETE FROM accounts WHERE id IN ('a1', 'a2')"
    with engine.begin() as conn:
        conn.execute(text(cleanup))
    seen.clear()
    assert anyio.run(scenario, db.HotPath(engine)) == 1
    inline = engine.dialect.name == "sqlite"
    assert [thread == loop_thread for thread in seen] == [inline, inline]
