"""Jobs are enqueued in the caller's transaction and run by the durable runtime."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import text

from idscan import jobs
from idscan.container import Container
from idscan.db import transaction
from idscan.jobs.runtime import queue_depth
from tests.support.runtime import eventually, running_jobs

ran: list[dict[str, Any]] = []
attempts: dict[str, int] = {}
lock = threading.Lock()


@jobs.handler("tests.record")
def record(ctx: Container, payload: dict[str, Any]) -> None:
    with lock:
        ran.append(payload)


@jobs.handler("tests.flaky")
def flaky(ctx: Container, payload: dict[str, Any]) -> jobs.Retry | None:
    with lock:
        attempts[payload["key"]] = attempts.get(payload["key"], 0) + 1
        count = attempts[payload["key"]]
    return jobs.Retry(0.1) if count < 3 else None


def workflow_ids(container: Container) -> set[str]:
    schema = "" if container.settings.is_sqlite else "dbos."
    with container.engine.connect() as conn:
        return set(conn.execute(text(f"SELECT workflow_uuid FROM {schema}workflow_status")).scalars())


def test_enqueue_commits_with_the_transaction(container: Container) -> None:
    with transaction(container.session_factory) as session:
        job_id = jobs.enqueue(session, "tests.record", {"n": 1})
    assert job_id in workflow_ids(container)
    assert queue_depth(container.session_factory) == 1


def test_enqueue_rolls_back_with_the_transaction(container: Container) -> None:
    job_ids: list[str] = []

    def failing_state_change() -> None:
        with transaction(container.session_factory) as session:
            job_ids.append(jobs.enqueue(session, "tests.record", {"n": 2}))
            raise RuntimeError("state change failed")

    with pytest.raises(RuntimeError):
        failing_state_change()
    assert job_ids
    assert job_ids[0] not in workflow_ids(container)


def test_same_job_id_is_enqueued_once(container: Container) -> None:
    for _ in range(2):
        with transaction(container.session_factory) as session:
            jobs.enqueue(session, "tests.record", {"n": 3}, job_id="only-once")
    assert "only-once" in workflow_ids(container)
    assert queue_depth(container.session_factory) == 1


def test_runtime_runs_jobs_and_durable_retries(container: Container) -> None:
    ran.clear()
    attempts.clear()
    with transaction(container.session_factory) as session:
        jobs.enqueue(session, "tests.record", {"n": 4})
        jobs.enqueue(session, "tests.flaky", {"key": "k"})
    with running_jobs(container):
        eventually(lambda: {"n": 4} in ran and attempts.get("k") == 3)
        eventually(lambda: queue_depth(container.session_factory) == 0)
    assert attempts["k"] == 3


def test_unknown_kind_is_a_clear_error() -> None:
    from idscan.jobs import registry

    with pytest.raises(RuntimeError, match="no handler for job kind 'nope'"):
        registry.lookup("nope")


def test_a_kind_cannot_be_registered_twice() -> None:
    with pytest.raises(RuntimeError, match="registered twice"):
        jobs.handler("tests.record")(lambda ctx, payload: None)
