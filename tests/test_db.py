"""Engines: the SQLite file and its companions are owner-only."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from sqlalchemy import Connection, event, text

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


def test_sqlite_hot_path_commits_leave_the_wal_to_a_checkpointer_thread(tmp_path: Path) -> None:
    """A commit past SQLite's auto-checkpoint threshold copies the WAL before it returns; on the event
    loop that stalls every request, so the loop's connections never checkpoint and a thread does."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'hot.sqlite'}")

    def setting(conn: Connection) -> int:
        return int(conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one())

    async def scenario() -> tuple[int, bool]:
        hot = db.HotPath.open(engine, pool_size=2)
        try:
            return await hot.read(setting), any(t.name == "sqlite-checkpoint" for t in threading.enumerate())
        finally:
            await hot.aclose()

    assert anyio.run(scenario) == (0, True)
    assert not any(t.name == "sqlite-checkpoint" for t in threading.enumerate())  # stopped by aclose
    with engine.connect() as conn:
        assert setting(conn) == 1000  # the other connections (worker threads) keep SQLite's default
    engine.dispose()


def test_wal_checkpointer_backfills_the_wal_once_it_passes_its_threshold(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wal.sqlite'}"
    engine = db.make_engine(url)
    event.listen(engine, "connect", db.disable_auto_checkpoint)
    checkpointer = db.WalCheckpointer.for_url(url, engine)
    assert checkpointer is not None
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, pad BLOB)")
    assert not checkpointer.run_once()  # a small WAL is left alone

    for _ in range(1500):  # ~1,500 pages: past the 4 MB threshold, no commit checkpointed
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO t (pad) VALUES (randomblob(3000))")
    assert (tmp_path / "wal.sqlite-wal").stat().st_size > 4 << 20
    assert checkpointer.run_once()
    raw = engine.raw_connection()
    try:  # (busy, frames in the WAL, frames checkpointed): nothing left to copy
        busy, frames, done = raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        raw.close()
    assert busy == 0
    assert frames == done > 1000
    assert not checkpointer.run_once()  # nothing written since: nothing to do
    assert checkpointer.checkpoints == 1
    engine.dispose()
