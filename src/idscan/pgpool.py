"""A small pool of psycopg async connections for the hot routes on PostgreSQL.

SQLAlchemy's async engine runs its synchronous machinery in greenlets and pings every connection it
hands out (a round trip per request); on the two hottest routes that cost more than the queries.
This pool keeps autocommit connections per event loop, checks a connection only by using it, and
retries once on a fresh connection when a reused one turns out dead (after a database restart), as
long as nothing was committed. A database that cannot be reached is a 503, not a 500.
"""

from __future__ import annotations

import asyncio
import logging
import select
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

import psycopg
from psycopg import pq

from idscan.errors import ServiceUnavailableError
from idscan.rawsql import Params, Prepared

log = logging.getLogger(__name__)
T = TypeVar("T")
Write = tuple[Prepared, Params | Sequence[Params]]


def _has_input(conn: psycopg.AsyncConnection[Any]) -> bool:
    try:
        readable, _, _ = select.select([conn.pgconn.socket], [], [], 0)
    except (OSError, ValueError, psycopg.OperationalError):
        return True
    return bool(readable)


class PgPool:
    def __init__(self, conninfo: str, *, size: int, connect_timeout: float = 5.0) -> None:
        self._conninfo = conninfo
        self._size = size
        self._connect_timeout = connect_timeout
        self._idle: list[psycopg.AsyncConnection[Any]] = []
        self._slots = asyncio.Semaphore(size)
        self._closed = False

    async def fetch(self, prepared: Prepared, params: Params) -> list[Any]:
        async def run(conn: psycopg.AsyncConnection[Any]) -> list[Any]:
            cursor = await conn.execute(prepared.sql, prepared.bind(params))
            return prepared.rows(
                await cursor.fetchall(), cursor.description if prepared.needs_description else None
            )

        return await self._with_connection(run, idempotent=True)

    async def write(self, writes: Sequence[Write]) -> None:
        """The statements in one transaction, committed, in one round trip (psycopg's pipeline:
        BEGIN, the statements and COMMIT are sent together; an error aborts the rest and rolls
        back). Never retried: when the connection fails, whether the commit landed is unknown."""

        async def run(conn: psycopg.AsyncConnection[Any]) -> None:
            if len(writes) == 1 and isinstance(writes[0][1], Mapping):
                # One statement is atomic on its own (autocommit): no transaction block to send.
                await conn.execute(writes[0][0].sql, writes[0][0].bind(writes[0][1]))
                return
            async with conn.pipeline(), conn.transaction():
                for prepared, params in writes:
                    if isinstance(params, Mapping):
                        await conn.execute(prepared.sql, prepared.bind(params))
                    else:
                        async with conn.cursor() as cursor:
                            await cursor.executemany(prepared.sql, [prepared.bind(p) for p in params])

        await self._with_connection(run, idempotent=False)

    async def _with_connection(
        self,
        run: Callable[[psycopg.AsyncConnection[Any]], Awaitable[T]],
        *,
        idempotent: bool,
    ) -> T:
        if self._closed:
            raise ServiceUnavailableError("The database connection pool is closed.")
        async with self._slots:
            conn, reused = await self._take()
            try:
                result = await run(conn)
            except psycopg.OperationalError:
                self._discard(conn)
                # A connection that died unseen while idle: a read goes once more, on a new one.
                if not reused or not idempotent:
                    raise ServiceUnavailableError("The database is not available.") from None
                log.info("a pooled database connection was dead; retrying on a new one")
                conn = await self._connect()
                try:
                    result = await run(conn)
                except psycopg.OperationalError:
                    self._discard(conn)
                    raise ServiceUnavailableError("The database is not available.") from None
                except BaseException:
                    self._give_back(conn)
                    raise
            except BaseException:
                self._give_back(conn)
                raise
            self._give_back(conn)
            return result

    async def _take(self) -> tuple[psycopg.AsyncConnection[Any], bool]:
        while self._idle:
            conn = self._idle.pop()
            if conn.closed or conn.broken or _has_input(conn):
                # Nothing is due on an idle connection: what arrived is the server's goodbye (a
                # restart, an idle timeout) or the end of the stream.
                self._discard(conn)
                continue
            return conn, True
        return await self._connect(), False

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        try:
            return await psycopg.AsyncConnection.connect(
                self._conninfo, autocommit=True, connect_timeout=max(1, round(self._connect_timeout))
            )
        except psycopg.OperationalError:
            raise ServiceUnavailableError("The database is not available.") from None

    def _give_back(self, conn: psycopg.AsyncConnection[Any]) -> None:
        idle = conn.info.transaction_status == pq.TransactionStatus.IDLE
        if self._closed or conn.closed or conn.broken or not idle or len(self._idle) >= self._size:
            self._discard(conn)
        else:
            self._idle.append(conn)

    @staticmethod
    def _discard(conn: psycopg.AsyncConnection[Any]) -> None:
        if not conn.closed:
            # close() of an async connection only closes the socket: nothing is awaited.
            conn.pgconn.finish()

    async def close(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for conn in idle:
            await conn.close()
