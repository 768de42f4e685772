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


async def read(engine: Engine, query: Callable[[Connection], T]) -> T:
    """Run a short read-only `query` on a connection, for async routes on the hot path.

    SQLite is a local file whose WAL readers never wait for a writer: a read of a few rows costs less
    than the hop to a worker thread, so it runs right here on the event loop. Any other database is
    across a network, whose stalls must not stop the loop: there the query runs in a worker thread.
    """

    def run() -> T:
        with engine.connect() as conn:
            return query(conn)

    if engine.dialect.name == "sqlite":
        return run()
    return await anyio.to_thread.run_sync(run)


async def write(engine: Engine, work: Callable[[Connection], T]) -> T:
    """Run a short unit of work that writes, on a connection in one database transaction (committed
    on success), for async routes on the hot path.

    On SQLite it runs right here: writers are serialised by the file's one lock anyway, and a worker
    thread per request would only add hops and lock hand-offs between threads; the process's other
    writers (the job worker) hold that lock for milliseconds. Elsewhere it runs in a worker thread.
    """

    def run() -> T:
        lock = _sqlite_write_lock(engine) if engine.dialect.name == "sqlite" else nullcontext()
        with lock, engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                return work(conn)

    if engine.dialect.name == "sqlite":
        return run()
    return await anyio.to_thread.run_sync(run)
