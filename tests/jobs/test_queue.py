"""Jobs are enqueued in the caller's transaction and run by the durable runtime, each queue with
its own slots; waits are delayed jobs, never sleeps; failures end in the kind's failure handler."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import text

from idscan import jobs
from idscan.container import Container
from idscan.db import transaction
from tests.support.runtime import eventually, running_jobs

RECORD = jobs.Kind("tests.record", jobs.Queue.PIPELINE)
BLOCK = jobs.Kind("tests.block", jobs.Queue.DELIVERIES)
RAISES = jobs.Kind("tests.raises", jobs.Queue.PIPELINE)
ran: list[dict[str, Any]] = []
failed: list[tuple[dict[str, Any], str]] = []
release = threading.Event()
lock = threading.Lock()


@jobs.handler(RECORD)
def record(ctx: Container, payload: dict[str, Any]) -> None:
    with lock:
        ran.append({**payload, "at": time.time()})


@jobs.handler(BLOCK)
def block(ctx: Container, payload: dict[str, Any]) -> None:
    release.wait(30)


def _raised(ctx: Container, payload: dict[str, Any], reason: str) -> None:
    with lock:
        failed.append((payload, reason))


@jobs.handler(RAISES, on_failure=_raised)
def raises(ctx: Container, payload: dict[str, Any]) -> None:
    raise ValueError("a poison input")


@pytest.fixture(autouse=True)
def _clean() -> None:
    ran.clear()
    failed.clear()
    release.clear()


def workflows(container: Container) -> dict[str, str]:
    schema = "" if container.settings.is_sqlite else "dbos."
    with container.engine.connect() as conn:
        rows = conn.execute(text(f"SELECT workflow_uuid, status FROM {schema}workflow_status"))
        return {str(uuid): str(status) for uuid, status in rows}


def test_enqueue_commits_with_the_transaction(container: Container) -> None:
    with transaction(container.session_factory) as session:
        job_id = jobs.enqueue(session, RECORD, {"n": 1})
    assert job_id in workflows(container)
    assert jobs.queue_depth(container.session_factory) == 1


def test_enqueue_rolls_back_with_the_transaction(container: Container) -> None:
    job_ids: list[str] = []

    def failing_state_change() -> None:
        with transaction(container.session_factory) as session:
            job_ids.append(jobs.enqueue(session, RECORD, {"n": 2}))
            raise RuntimeError("state change failed")

    with pytest.raises(RuntimeError):
        failing_state_change()
    assert job_ids
    assert job_ids[0] not in workflows(container)


def test_same_job_id_is_enqueued_once(container: Container) -> None:
    for _ in range(2):
        with transaction(container.session_factory) as session:
            jobs.enqueue(session, RECORD, {"n": 3}, job_id="only-once")
    assert "only-once" in workflows(container)
    assert jobs.queue_depth(container.session_factory) == 1


def test_a_partitioned_queue_needs_a_partition_key_and_no_other_does(container: Container) -> None:
    with transaction(container.session_factory) as session, pytest.raises(ValueError, match="partition"):
        jobs.enqueue(session, BLOCK, {})
    with transaction(container.session_factory) as session, pytest.raises(ValueError, match="partition"):
        jobs.enqueue(session, RECORD, {}, partition="x")


def test_a_delayed_job_waits_without_a_slot_then_runs(container: Container) -> None:
    with transaction(container.session_factory) as session:
        delayed = jobs.enqueue(session, RECORD, {"n": "late"}, delay_seconds=1.5)
    enqueued_at = time.time()
    assert workflows(container)[delayed] == "DELAYED"
    (pipeline,) = [s for s in jobs.queue_stats(container.session_factory) if s.queue == jobs.Queue.PIPELINE]
    assert pipeline.depth == {"DELAYED": 1}
    assert pipeline.oldest_wait_seconds == 0  # not runnable yet: it is not waiting
    with running_jobs(container):
        with transaction(container.session_factory) as session:
            jobs.enqueue(session, RECORD, {"n": "now"})
        eventually(lambda: sorted(r["n"] for r in ran) == ["late", "now"])
    late = next(r for r in ran if r["n"] == "late")
    # Not before its time (the order of the two depends on how busy the machine is).
    assert late["at"] - enqueued_at >= 1.4


def test_one_queue_full_of_blocked_jobs_does_not_hold_up_another(container: Container) -> None:
    with transaction(container.session_factory) as session:
        for i in range(30):
            jobs.enqueue(session, BLOCK, {"i": i}, partition="one-webhook")
    try:
        with running_jobs(container):
            eventually(lambda: list(workflows(container).values()).count("PENDING") >= 1)
            with transaction(container.session_factory) as session:
                jobs.enqueue(session, RECORD, {"n": "pipeline"})
            eventually(lambda: [r["n"] for r in ran] == ["pipeline"], timeout=30)
            # The partition (one webhook) holds at most its share of the delivery slots.
            stats = {s.queue: s for s in jobs.queue_stats(container.session_factory)}
            running = stats[jobs.Queue.DELIVERIES].depth.get("PENDING", 0)
            assert running == container.settings.jobs.delivery_concurrency_per_webhook
            release.set()
    finally:
        release.set()


def test_a_job_that_raises_every_time_ends_in_its_failure_handler(container: Container) -> None:
    with transaction(container.session_factory) as session:
        job_id = jobs.enqueue(session, RAISES, {"id": "poison"})
    with running_jobs(container):
        eventually(lambda: bool(failed), timeout=30)
        eventually(lambda: workflows(container)[job_id] == "SUCCESS")
    (payload, reason), *more = failed
    assert payload == {"id": "poison"}
    assert reason.startswith("error:")
    assert more == []


def test_queue_stats_measure_the_wait_of_runnable_jobs(container: Container) -> None:
    with transaction(container.session_factory) as session:
        jobs.enqueue(session, RECORD, {"n": 1})
    later = time.time() + 42
    stats = {s.queue: s for s in jobs.queue_stats(container.session_factory, now=later)}
    assert set(stats) == {q.value for q in jobs.Queue}
    assert stats[jobs.Queue.PIPELINE].depth == {"ENQUEUED": 1}
    assert 41 <= stats[jobs.Queue.PIPELINE].oldest_wait_seconds <= 43
    assert stats[jobs.Queue.DELIVERIES].oldest_wait_seconds == 0


def test_the_runtime_records_heartbeats(container: Container) -> None:
    assert jobs.last_heartbeat(container.session_factory) is None
    with running_jobs(container):
        first = jobs.last_heartbeat(container.session_factory)
        assert first is not None


def test_unknown_kind_is_a_clear_error() -> None:
    from idscan.jobs import registry

    with pytest.raises(RuntimeError, match="no handler for job kind 'nope'"):
        registry.lookup("nope")


def test_a_kind_cannot_be_registered_twice() -> None:
    with pytest.raises(RuntimeError, match="registered twice"):
        jobs.handler(RECORD)(lambda ctx, payload: None)
