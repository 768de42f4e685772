"""Engine and session factories. SQLite: WAL, busy timeout, foreign keys. PostgreSQL: a pool."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import anyio.to_thread
from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool
from sqlalchemy.sql import ClauseElement

from idscan import rawsql
from idscan.lib.files import private_file
from idscan.pgpool import PgPool

SessionFactory = sessionmaker[Session]
WRITE_OPTION = "idscan_write"
# A statement and its parameters (a list of them: one execution each), for HotPath.insert.
Write = tuple[ClauseElement, "rawsql.Params | Sequence[rawsql.Params]"]


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


def close_engine(engine: Engine) -> None:
    """Close the pool's connections, and each connection still checked out when it comes back.

    `Engine.dispose` closes only the idle ones: a thread still finishing a job (the job engine does
    not wait for them at shutdown) would return its connection to a pool that nobody closes, and
    the driver would close it only when the pool is garbage-collected."""
    if not event.contains(engine, "checkin", _close_on_checkin):
        event.listen(engine, "checkin", _close_on_checkin)
    engine.dispose()


def _close_on_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.invalidate()


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
    """The hottest routes' statements (rawsql.Prepared: SQLAlchemy Core compiled once) on the
    driver's own connection, without a hop to a worker thread.

    SQLite is a local file whose WAL readers never wait for a writer, and whose writers are
    serialised by its one lock anyway: a statement of a few rows costs less than the hop, so it runs
    right on the event loop, on one sqlite3 connection. PostgreSQL is across a network, whose stalls
    must not stop the loop: there psycopg's asyncio connections (pgpool) await their round trips.
    Open one per event loop (the app's lifespan does); without one, work goes through the engine in
    a worker thread.
    """

    def __init__(
        self,
        engine: Engine,
        loop_engine: Engine | None = None,
        checkpointer: WalCheckpointer | None = None,
        pg_pool: PgPool | None = None,
    ) -> None:
        self._engine = engine
        # SQLite: the loop's own connections, whose commits never checkpoint (the checkpointer does).
        self._loop_engine = loop_engine or engine
        self._checkpointer = checkpointer
        self._pg_pool = pg_pool
        self._prepared = rawsql.Cache(engine.dialect)
        # SQLite: one driver connection for fetch/insert on the loop. Each call runs to its end
        # without awaiting, so calls never interleave on it.
        self._sqlite_fairy: Any = loop_engine.raw_connection() if loop_engine is not None else None

    @classmethod
    def open(cls, engine: Engine, *, pool_size: int) -> HotPath:
        url = engine.url.render_as_string(hide_password=False)
        if engine.dialect.name == "sqlite":
            wal = WalCheckpointer.for_url(url, engine)
            if wal is None:
                return cls(engine)
            # A commit that crosses SQLite's auto-checkpoint threshold (1000 pages) copies the WAL
            # into the database before it returns: on the loop, every request would wait for it.
            loop_engine = make_engine(url, pool_size=2)
            event.listen(loop_engine, "connect", disable_auto_checkpoint)
            wal.start()
            return cls(engine, loop_engine=loop_engine, checkpointer=wal)
        conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        return cls(engine, pg_pool=PgPool(conninfo, size=pool_size))

    @property
    def dialect(self) -> str:
        return str(self._engine.dialect.name)

    async def fetch(self, statement: ClauseElement, params: rawsql.Params) -> list[Any]:
        """The rows of one SELECT as named tuples, typed as through an engine, on the driver's own
        connection (see rawsql): for the hottest reads."""
        if self._pg_pool is not None:
            return await self._pg_pool.fetch(self._prepared.get(statement, params), params)
        if self._sqlite_fairy is not None:
            prepared = self._prepared.get(statement, params)
            cursor = self._sqlite_fairy.driver_connection.execute(prepared.sql, prepared.bind(params))
            return prepared.rows(
                cursor.fetchall(), cursor.description if prepared.needs_description else None
            )
        return await anyio.to_thread.run_sync(self._fetch_on_engine, statement, params)

    async def insert(self, writes: Sequence[Write]) -> None:
        """Run the statements (a list of parameters: one execution each) in one database
        transaction, committed; on the driver's own connection, for the hottest writes."""
        if self._pg_pool is not None:
            await self._pg_pool.write([(self._prepared_for(s, p), p) for s, p in writes])
            return
        if self._sqlite_fairy is not None:
            self._sqlite_insert(writes)
            return
        await anyio.to_thread.run_sync(self._insert_on_engine, writes)

    def _prepared_for(
        self, statement: ClauseElement, params: rawsql.Params | Sequence[rawsql.Params]
    ) -> rawsql.Prepared:
        return self._prepared.get(statement, params if isinstance(params, Mapping) else params[0])

    def _sqlite_insert(self, writes: Sequence[Write]) -> None:
        conn = self._sqlite_fairy.driver_connection
        with _sqlite_write_lock(self._engine):
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement, params in writes:
                    prepared = self._prepared_for(statement, params)
                    if isinstance(params, Mapping):
                        conn.execute(prepared.sql, prepared.bind(params))
                    else:
                        conn.executemany(prepared.sql, [prepared.bind(p) for p in params])
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _fetch_on_engine(self, statement: ClauseElement, params: rawsql.Params) -> list[Any]:
        with self._engine.connect() as conn:
            return list(conn.execute(statement, dict(params)).all())  # type: ignore[call-overload]

    def _insert_on_engine(self, writes: Sequence[Write]) -> None:
        with transaction(make_session_factory(self._engine)) as session:
            for statement, params in writes:
                values = dict(params) if isinstance(params, Mapping) else [dict(p) for p in params]
                session.execute(statement, values)  # type: ignore[call-overload]

    async def aclose(self) -> None:
        if self._pg_pool is not None:
            await self._pg_pool.close()
        if self._sqlite_fairy is not None:
            self._sqlite_fairy.close()
            self._sqlite_fairy = None
        if self._checkpointer is not None:
            await anyio.to_thread.run_sync(self._checkpointer.stop)
        if self._loop_engine is not self._engine:
            close_engine(self._loop_engine)


def disable_auto_checkpoint(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


CHECKPOINT_NICENESS = 10


class WalCheckpointer:
    """Checkpoints a SQLite WAL from a thread of its own, passively (it never blocks a writer or a
    reader), once the WAL has grown past `min_bytes`, so that the event loop's commits need not."""

    def __init__(self, engine: Engine, wal: Path, *, interval: float = 0.5, min_bytes: int = 4 << 20) -> None:
        self._engine = engine
        self._wal = wal
        self._interval = interval
        self._min_bytes = min_bytes
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
        self._checkpointed_at: float | None = None  # the WAL's mtime at the last checkpoint
        self.checkpoints = 0

    @classmethod
    def for_url(cls, url: str, engine: Engine) -> WalCheckpointer | None:
        database = make_url(url).database
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        path = Path(database)
        return cls(engine, path.with_name(path.name + "-wal"))

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()

    def run_once(self) -> bool:
        """Checkpoint if the WAL is past its threshold; True when it ran."""
        try:
            stat = self._wal.stat()
        except FileNotFoundError:
            return False
        # A checkpointed WAL keeps its size (SQLite reuses it from the start): only new writes count.
        if stat.st_size < self._min_bytes or stat.st_mtime == self._checkpointed_at:
            return False
        # Outside any transaction (a checkpoint cannot run inside one): the raw connection is in
        # autocommit, as the pragmas listener set it.
        raw = self._engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            cursor.close()
        finally:
            raw.close()
        self._checkpointed_at = stat.st_mtime
        self.checkpoints += 1
        return True

    def _run(self) -> None:
        # Background work: the kernel runs it when the request threads do not need the core (a
        # checkpoint of a few MB takes tens of ms; at normal priority the event loop waits for it).
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), CHECKPOINT_NICENESS)
        while not self._stopping.wait(self._interval):
            try:
                self.run_once()
            except Exception:  # a failed pass is retried; the other connections still checkpoint
                logging.getLogger(__name__).warning("WAL checkpoint failed", exc_info=True)
