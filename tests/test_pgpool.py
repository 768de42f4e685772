"""The hot path's PostgreSQL pool: dead connections are replaced, an unreachable database is a 503."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import psycopg
import pytest
from sqlalchemy import column, literal_column, select, table

from idscan.errors import ServiceUnavailableError
from idscan.pgpool import PgPool
from idscan.rawsql import Prepared
from tests.conftest import BACKENDS, _create_pg_database, _drop_pg_database
from tests.support.browser import free_port

pytestmark = pytest.mark.skipif(
    "postgresql" not in BACKENDS, reason="PostgreSQL is not among the test backends"
)


@pytest.fixture
def conninfo() -> Iterator[str]:
    name = _create_pg_database()
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{name}", autocommit=True) as conn:
        conn.execute("CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL)")
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    _drop_pg_database(name)


def _dialect() -> Any:
    from sqlalchemy.dialects.postgresql import psycopg as pg

    return pg.dialect()


ITEMS = table("items", column("id"), column("name"))
BACKEND_PID = Prepared(select(literal_column("pg_backend_pid()").label("pid")), _dialect())
COUNT = Prepared(select(literal_column("count(*)").label("n")).select_from(ITEMS), _dialect())


INSERT = Prepared(ITEMS.insert(), _dialect(), ["id", "name"])


def _terminate(conninfo: str, pid: int) -> None:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_a_connection_killed_while_idle_is_replaced_without_an_error(conninfo: str) -> None:
    """What a database restart does to every pooled connection: the next request still succeeds."""

    async def scenario() -> tuple[int, int]:
        pool = PgPool(conninfo, size=2)
        try:
            first = (await pool.fetch(BACKEND_PID, {}))[0].pid
            _terminate(conninfo, first)
            await anyio.sleep(0.2)
            second = (await pool.fetch(BACKEND_PID, {}))[0].pid
            return first, second
        finally:
            await pool.close()

    first, second = anyio.run(scenario)
    assert first != second


def test_a_failed_unit_rolls_back_and_its_connection_is_reused(conninfo: str) -> None:
    async def scenario() -> tuple[int, int, int]:
        pool = PgPool(conninfo, size=1)
        try:
            await pool.write([(INSERT, {"id": 1, "name": "a"})])
            pid = (await pool.fetch(BACKEND_PID, {}))[0].pid
            with pytest.raises(psycopg.errors.UniqueViolation):
                await pool.write([(INSERT, [{"id": 2, "name": "b"}, {"id": 1, "name": "again"}])])
            count = (await pool.fetch(COUNT, {}))[0].n
            return pid, (await pool.fetch(BACKEND_PID, {}))[0].pid, count
        finally:
            await pool.close()

    before, after, count = anyio.run(scenario)
    assert count == 1  # item 2 went with the failed unit
    assert before == after  # a clean error leaves a usable connection in the pool


def test_an_unreachable_database_is_service_unavailable(conninfo: str) -> None:
    closed = conninfo.replace("127.0.0.1:5432", f"127.0.0.1:{free_port()}")

    async def scenario() -> None:
        pool = PgPool(closed, size=1, connect_timeout=1)
        try:
            with pytest.raises(ServiceUnavailableError):
                await pool.fetch(BACKEND_PID, {})
            with pytest.raises(ServiceUnavailableError):
                await pool.write([(INSERT, {"id": 1, "name": "a"})])
        finally:
            await pool.close()

    anyio.run(scenario)


def test_a_write_on_a_connection_that_dies_is_not_retried(conninfo: str) -> None:
    """Whether a commit landed is unknown when the connection fails under it: the caller hears 503
    and nothing is written twice."""

    async def scenario() -> int:
        pool = PgPool(conninfo, size=1)
        try:
            pid = (await pool.fetch(BACKEND_PID, {}))[0].pid
            killer = Prepared(
                select(literal_column(f"pg_terminate_backend({pid})").label("x")), _dialect()
            )  # the connection ends itself inside the unit
            with pytest.raises(ServiceUnavailableError):
                await pool.write([(INSERT, {"id": 1, "name": "a"}), (killer, {})])
            return (await pool.fetch(COUNT, {}))[0].n
        finally:
            await pool.close()

    assert anyio.run(scenario) == 0
