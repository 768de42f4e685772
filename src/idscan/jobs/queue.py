"""Enqueue jobs inside the application's own database transaction.

The engine's tables live in the application database, so the enqueue is one more row written by
the caller's transaction: it commits or rolls back with the state change. A job that must wait
(a webhook retry) is enqueued with a delay: it holds no worker slot until it is due.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from dbos import DBOSClient, EnqueueOptions, run_dbos_database_migrations
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from idscan.jobs.registry import Kind, Queue
from idscan.lib.ids import new_uuid

WORKFLOW_NAME = "idscan.job"
APP_VERSION = "idscan-1"  # bump only when a workflow's step sequence changes incompatibly
# Queues whose jobs are spread over partitions (a key per enqueue), so one partition (one
# integrator's dead webhook) can hold only a bounded share of the queue's slots.
PARTITIONED = frozenset({Queue.DELIVERIES})

_clients: weakref.WeakKeyDictionary[Engine, DBOSClient] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def engine_url(engine: Engine) -> str:
    # DBOS speaks plain postgresql:// and picks its own driver.
    return engine.url.render_as_string(hide_password=False).replace("postgresql+psycopg://", "postgresql://")


def install_schema(engine: Engine) -> None:
    """Create or upgrade the job engine's tables (part of `idscan migrate`)."""
    run_dbos_database_migrations(engine_url(engine))


def prepare(engine: Engine) -> None:
    """Build the engine's client for this database before any transaction needs it: its set-up
    reads the database, which on SQLite must not wait behind the caller's own write lock."""
    _client(engine)


def _client(engine: Engine) -> DBOSClient:
    with _lock:
        client = _clients.get(engine)
        if client is None:
            client = DBOSClient(system_database_engine=engine)
            _clients[engine] = client
        return client


def enqueue(
    session: Session,
    kind: Kind,
    payload: dict[str, Any],
    *,
    job_id: str | None = None,
    delay_seconds: float | None = None,
    partition: str | None = None,
) -> str:
    """Add a job in the session's transaction; a repeated `job_id` is a no-op (idempotent).

    `delay_seconds`: the job becomes runnable only then. `partition`: required on partitioned
    queues (the key whose share of the queue is bounded)."""
    if (kind.queue in PARTITIONED) != (partition is not None):
        raise ValueError(f"job kind {kind.name!r}: a partition key is required exactly on partitioned queues")
    workflow_id = job_id or new_uuid()
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    options: EnqueueOptions = {
        "queue_name": kind.queue.value,
        "workflow_name": WORKFLOW_NAME,
        "workflow_id": workflow_id,
        "app_version": APP_VERSION,
    }
    if delay_seconds is not None and delay_seconds > 0:
        options["delay_seconds"] = float(delay_seconds)
    if partition is not None:
        options["queue_partition_key"] = partition
    _client(engine).enqueue_in_transaction(session, options, kind.name, payload)
    return workflow_id
