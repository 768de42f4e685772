"""Shared fixtures: Settings built explicitly, a real database (SQLite and PostgreSQL), the app.

Every test that asks for `settings` runs once per database backend. Tables are emptied after each
test, so tests see a clean database without sharing state.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from idscan import jobs, migrate
from idscan.app import create_app
from idscan.auth import service as auth_service
from idscan.auth.tokens import issue
from idscan.bootstrap import build_container
from idscan.config import Settings
from idscan.container import Container
from idscan.db import make_unpooled_engine, transaction
from idscan.lib.aead import encode_key
from idscan.models import Base

pytest_plugins = ["tests.support.seaweed"]  # the `seaweed` S3 server fixture, one per session

TEST_MASTER_KEY = encode_key(1, bytes(range(32)))
PG_ADMIN_DSN = os.environ.get("IDSCAN_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
BACKENDS = [b for b in os.environ.get("IDSCAN_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]


def _create_pg_database() -> str:
    name = f"idscan_test_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {PG_ADMIN_DSN} ({exc}). Start it (the Makefile does), "
            "or run with IDSCAN_TEST_BACKENDS=sqlite."
        )
    return name


def _drop_pg_database(name: str) -> None:
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrated_database(backend: str, tmp: Path) -> tuple[str, Callable[[], None]]:
    """A new, fully migrated database (app schema and job engine) and its teardown."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp / 'idscan.sqlite'}"

        def drop() -> None:
            pass
    else:
        name = _create_pg_database()
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"

        def drop() -> None:
            _drop_pg_database(name)

    migrate.upgrade(url)
    engine = make_unpooled_engine(url)
    jobs.install_schema(engine)
    engine.dispose()
    return url, drop


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url, drop = migrated_database(request.param, tmp_path_factory.mktemp(request.param))
    yield url
    drop()


def empty_tables(url: str) -> None:
    engine = make_unpooled_engine(url)
    with engine.begin() as conn:
        schema = "" if url.startswith("sqlite") else "dbos."
        conn.execute(text(f"DELETE FROM {schema}workflow_status"))
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


def make_settings(data_dir: Path, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "public_base_url": "http://testserver",
        "database": {"url": database_url, "pool_size": 5},
        "security": {"master_keys": TEST_MASTER_KEY},
        "rate_limit": {"enabled": False},
        "webhooks": {"allow_private_targets": True, "timeout_seconds": 5},
        "jobs": {"embedded_worker": False},
        "log_json": False,
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(values.get(key), dict):
            values[key] = {**values[key], **value}
        else:
            values[key] = value
    return Settings(**values)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Iterator[Settings]:
    yield make_settings(tmp_path / "data", database_url)
    empty_tables(database_url)


@pytest.fixture
def container(settings: Settings) -> Iterator[Container]:
    built = build_container(settings)
    yield built
    built.close()


@pytest.fixture
def client(settings: Settings, container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(settings, container=container, run_jobs=False)) as test_client:
        yield test_client


@dataclass(frozen=True)
class Caller:
    account_id: str
    kid: str
    secret: str

    def headers(self, ttl: int = 60) -> dict[str, str]:
        return {"Authorization": f"Bearer {issue(self.kid, self.secret, ttl=ttl)}"}


@pytest.fixture
def make_caller(container: Container) -> Callable[..., Caller]:
    def make(account: str = "acme", *, test: bool = False) -> Caller:
        with transaction(container.session_factory) as session:
            new = auth_service.create_credential(session, container.keyring, account, test=test)
        return Caller(account_id=new.account_id, kid=new.kid, secret=new.secret)

    return make


@pytest.fixture
def caller(make_caller: Callable[..., Caller]) -> Caller:
    return make_caller("acme")


@pytest.fixture
def test_caller(make_caller: Callable[..., Caller]) -> Caller:
    """A test-mode key of the same account name as `caller`: the account's test world."""
    return make_caller("acme", test=True)


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The local Redis (a service on this machine kind), on a database emptied before and after."""
    import redis

    url = "redis://127.0.0.1:6379/15"
    client: Any = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail("Redis is not reachable at 127.0.0.1:6379 (a local service on this machine kind)")
    client.flushdb()
    yield url
    client.flushdb()
    client.close()
