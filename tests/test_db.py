"""Engines: the SQLite file and its companions are owner-only."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import anyio
import pytest
from sqlalchemy import Connection, Integer, Table, column, event, func, insert, select, text

from idscan import db
from idscan.container import Container
from idscan.db import make_engine, make_unpooled_engine
from idscan.models import Account

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


ACCOUNTS = cast(Table, Account.__table__)
COUNT = select(func.count().label("n")).select_from(ACCOUNTS).where(ACCOUNTS.c.id.like("a_"))


def _account(account_id: str, name: str) -> dict[str, object]:
    return {"id": account_id, "name": name, "mode": "live", "created_at": datetime(2026, 12, 5, tzinfo=UTC)}


@pytest.mark.parametrize("opened", [True, False], ids=["opened", "bare"])
def test_hot_path_units_commit_or_roll_back_whole_and_stay_off_worker_threads(
    container: Container, opened: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opened for the loop, the hot path never hops to a worker thread (SQLite runs on the loop,
    PostgreSQL on its asyncio driver); bare (before an app's lifespan), it goes through the engine
    in one. Either way a unit is committed or rolled back whole."""
    engine = container.engine
    hops: list[object] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(func: Any, *args: Any, **kwargs: Any) -> Any:
        hops.append(func)
        return await run_sync(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)

    async def scenario() -> tuple[int, int]:
        hot = db.HotPath.open(engine, pool_size=2) if opened else db.HotPath(engine)
        try:
            await hot.insert([(insert(ACCOUNTS), _account("a1", "x"))])
            with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
                # The second statement fails (a1 exists): a2 goes with it.
                await hot.insert(
                    [(insert(ACCOUNTS), _account("a2", "y")), (insert(ACCOUNTS), _account("a1", "z"))]
                )
            return int((await hot.fetch(COUNT, {}))[0].n), len(hops)
        finally:
            await hot.aclose()

    count, worker_threads = anyio.run(scenario)
    assert count == 1
    assert worker_threads == (0 if opened else 3)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM accounts WHERE id IN ('a1', 'a2')"))


def test_sqlite_hot_path_commits_leave_the_wal_to_a_checkpointer_thread(tmp_path: Path) -> None:
    """A commit past SQLite's auto-checkpoint threshold copies the WAL before it returns; on the event
    loop that stalls every request, so the loop's connections never checkpoint and a thread does."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'hot.sqlite'}")

    def setting(conn: Connection) -> int:
        return int(conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one())

    pragma = text("PRAGMA wal_autocheckpoint").columns(column("wal_autocheckpoint", Integer))

    async def scenario() -> tuple[int, bool]:
        hot = db.HotPath.open(engine, pool_size=2)
        try:
            rows = await hot.fetch(pragma, {})
            checkpointer = next(t for t in threading.enumerate() if t.name == "sqlite-checkpoint")
            assert checkpointer.native_id is not None
            # Background work yields the core to the request threads (set as the thread starts).
            deadline = time.monotonic() + 5
            while os.getpriority(os.PRIO_PROCESS, checkpointer.native_id) < db.CHECKPOINT_NICENESS:
                assert time.monotonic() < deadline, "the checkpointer runs at the requests' priority"
                await anyio.sleep(0.01)
            return rows[0].wal_autocheckpoint, checkpointer.is_alive()
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


def _is_closed(dbapi_connection: Any) -> bool:
    closed = getattr(dbapi_connection, "closed", None)  # psycopg says so; sqlite3 refuses to work
    if closed is not None:
        return bool(closed)
    try:
        dbapi_connection.execute("SELECT 1")
    except sqlite3.ProgrammingError:  # cannot operate on a closed database
        return True
    return False


def test_a_connection_out_when_the_engine_closes_is_closed_when_it_comes_back(database_url: str) -> None:
    """The job engine does not wait for a job's thread at shutdown: its connection came back to a
    pool that `dispose` had already let go of, and stayed open until the garbage collector found it
    (psycopg then warns, in whatever test is running)."""
    engine = make_engine(database_url, pool_size=2)
    idle, out = engine.connect(), engine.connect()
    idle_raw, out_raw = idle.connection.dbapi_connection, out.connection.dbapi_connection
    idle.close()

    db.close_engine(engine)
    assert _is_closed(idle_raw)
    assert not _is_closed(out_raw)  # the job is still using it
    assert out.execute(text("SELECT 1")).scalar() == 1
    out.close()
    assert _is_closed(out_raw)

    late = engine.connect()  # a job that starts after the close still works, and leaves nothing open
    late_raw = late.connection.dbapi_connection
    assert late.execute(text("SELECT 2")).scalar() == 2
    late.close()
    assert _is_closed(late_raw)
    db.close_engine(engine)  # closing twice is harmless
