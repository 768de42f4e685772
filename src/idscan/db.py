"""Engine and session factories. SQLite: WAL, busy timeout, foreign keys. PostgreSQL: a pool."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from idscan.lib.files import private_file

SessionFactory = sessionmaker[Session]
WRITE_OPTION = "idscan_write"
T = TypeVar("T")


def make_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        _private_sqlite_file(url)
        engine = create_engine(
            url,
            echo=echo,
            # One connection per thread is cheap for a file; the pool keeps them warm.
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=pool_size,
            max_overflow=pool_size * 2,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
    )


def make_unpooled_engine(url: str, *, foreign_keys: bool = True) -> Engine:
    """For short-lived tools (migrations, CLI) that should leave no connection behind. Migrations
    turn SQLite's foreign key enforcement off (`foreign_keys=False`) and check the keys themselves."""
    engine = create_engine(url, poolclass=NullPool)
    if url.startswith("sqlite"):
        _private_sqlite_file(url)

        def pragmas(dbapi_connection: Any, record: Any) -> None:
            _sqlite_pragmas(dbapi_connection, record, foreign_keys=foreign_keys)

        event.listen(engine, "connect", pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _private_sqlite_file(url: str) -> None:
    """The database holds personal data: the file is created owner-only (0600) before SQLite opens it,
    and SQLite gives its -wal and -shm files the same mode. A looser existing file is tightened."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.parent.is_dir():
        private_file(path)
        for suffix in ("-wal", "-shm", "-journal"):
            sidecar = path.with_name(path.name + suffix)
            if sidecar.exists():
                private_file(sidecar)


def _sqlite_begin(conn: Connection) -> None:
    # A unit of work that will write takes the write lock at BEGIN, so concurrent writers queue on
    # busy_timeout instead of failing to upgrade a read lock; reads begin deferred and never wait.
    immediate = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, *, foreign_keys: bool = True) -> None:
    # Let SQLAlchemy emit BEGIN itself (see the "begin" listener).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_session_factory(engine: Engine) -> SessionFactory:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: SessionFactory) -> Iterator[Session]:
    """The unit of work that writes, for routes, jobs and the CLI: commit on success, roll back on
    error. Read-only work uses a plain `factory()` session."""
    engine = factory.kw["bind"]
    # SQLite has one writer at a time. Queueing this process's writers on a lock wakes the next one
    # the moment the last commits, where SQLite's busy handler would poll with growing sleeps.
    lock = _sqlite_write_lock(engine) if engine.dialect.name == "sqlite" else nullcontext()
    with lock, factory() as session, session.begin():
        session.connection(execution_options={WRITE_OPTION: True})
        yield session


_write_locks: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_write_locks_guard = threading.Lock()


def _sqlite_write_lock(engine: Engine) -> threading.Lock:
    with _write_locks_guard:
        lock = _write_locks.get(engine)
        if lock is None:
            lock = _write_locks[engine] = threading.Lock()
        return lock


class HotPath:
    """Short units of work of the hottest routes, run without a hop to a worker thread.

    SQLite is a local file whose WAL readers never wait for a writer, and whose writers are
    serialised by its one lock anyway: a unit of a few rows costs less than the hop, so it runs right
    on the event loop. PostgreSQL is across a network, whose stalls must not stop the loop: there the
    same synchronous code runs on an asyncio driver (psycopg's), its waits awaited.
    Open one per event loop (the app's lifespan does); without one, work goes to a worker thread.
    """

    def __init__(self, engine: Engine, async_engine: AsyncEngine | None = None) -> None:
        self._engine = engine
        self._async = async_engine

    @classmethod
    def open(cls, engine: Engine, *, pool_size: int) -> HotPath:
        if engine.dialect.name == "sqlite":
            return cls(engine)
        url = engine.url.render_as_string(hide_password=False)
        return cls(
            engine, create_async_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
        )

    async def read(self, query: Callable[[Connection], T]) -> T:
        """Run a read-only `query` on a connection."""
        if self._async is not None:
            async with self._async.connect() as conn:
                return await conn.run_sync(query)
        if self._engine.dialect.name == "sqlite":
            return self._read(query)
        return await anyio.to_thread.run_sync(self._read, query)

    async def write(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in one database transaction on a connection, committed on success."""
        if self._async is not None:
            async with self._async.begin() as conn:
                return await conn.run_sync(work)
        if self._engine.dialect.name == "sqlite":
            return self._write(work)
        return await anyio.to_thread.run_sync(self._write, work)

    async def aclose(self) -> None:
        if self._async is not None:
            await self._async.dispose()

    def _read(self, query: Callable[[Connection], T]) -> T:
        with self._engine.connect() as conn:
            return query(conn)

    def _write(self, work: Callable[[Connection], T]) -> T:
        engine = self._engine
        lock = _sqlite_write_lock(engine) if engine.dialect.name == "sqlite" else nullcontext()
        with lock, engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                return work(conn)
