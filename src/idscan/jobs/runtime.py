"""Run jobs: the engine's worker threads, the generic job workflow, heartbeats and periodic jobs.

One runtime per process (the engine is a process-wide singleton). Every job runs as a workflow
named `idscan.job` with one checkpointed step that calls its handler, so a killed process resumes
each job where it stopped. A job never sleeps while it holds a queue slot: work that must wait is
enqueued again with a delay (see `queue.enqueue`).

Failures are bounded. A handler that raises is retried a few times inside its step, then its
kind's failure handler records the failure. A job that kills its process (out of memory, a native
crash) is dispatched again after the restart; past `max_attempts` dispatches the failure handler
runs instead of the handler, so one poison input cannot crash-loop the worker.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dbos import DBOS, DBOSConfig
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError

from idscan.db import SessionFactory, transaction
from idscan.jobs import queue, registry
from idscan.lib.clock import utcnow
from idscan.models import WorkerHeartbeat

log = logging.getLogger(__name__)
# The engine's own dead-letter limit, a backstop behind ours (a failure handler that crashes).
ENGINE_MAX_RECOVERY_ATTEMPTS = 50


@dataclass
class _State:
    context: Any = None
    session_factory: SessionFactory | None = None
    max_attempts: int = 3


_state = _State()


@DBOS.workflow(name=queue.WORKFLOW_NAME, max_recovery_attempts=ENGINE_MAX_RECOVERY_ATTEMPTS)
def _job_workflow(kind: str, payload: dict[str, Any]) -> None:
    # Read on every dispatch, outside any step: a replay after a crash must see the new count.
    dispatches = _dispatches(DBOS.workflow_id)
    if dispatches > _state.max_attempts:
        log.error("job crashed its worker too often", extra={"kind": kind, "dispatches": dispatches})
        _failure_step(kind, payload, "crashed")
        return
    try:
        _job_step(kind, payload)
    except Exception as exc:
        log.exception("job failed", extra={"kind": kind})
        _failure_step(kind, payload, f"error:{type(exc).__name__}")


# Unexpected errors (a database hiccup) are retried a few times by the engine.
@DBOS.step(name="idscan.job.step", retries_allowed=True, max_attempts=3, interval_seconds=1.0)
def _job_step(kind: str, payload: dict[str, Any]) -> None:
    registry.lookup(kind).run(_state.context, payload)


@DBOS.step(name="idscan.job.failed", retries_allowed=True, max_attempts=3, interval_seconds=1.0)
def _failure_step(kind: str, payload: dict[str, Any], reason: str) -> None:
    on_failure = registry.lookup(kind).on_failure
    if on_failure is not None:
        on_failure(_state.context, payload, reason)


def _dispatches(workflow_id: str | None) -> int:
    """How many times the engine has handed this job to a worker (each start and each recovery)."""
    factory = _state.session_factory
    if workflow_id is None or factory is None:
        return 0
    engine = factory.kw["bind"]
    schema = "" if engine.dialect.name == "sqlite" else "dbos."
    with engine.connect() as conn:
        value = conn.execute(
            text(f"SELECT recovery_attempts FROM {schema}workflow_status WHERE workflow_uuid = :id"),  # noqa: S608
            {"id": workflow_id},
        ).scalar()
    return int(value or 0)


@dataclass(frozen=True, slots=True)
class QueueLimits:
    concurrency: int
    # Per partition key, across all workers (partitioned queues only).
    partition_concurrency: int | None = None


@dataclass
class JobRuntime:
    session_factory: SessionFactory
    context: Any
    executor_id: str
    queues: Mapping[registry.Queue, QueueLimits]
    poll_interval_seconds: float = 0.25
    heartbeat_seconds: float = 5.0
    max_attempts: int = 3
    periodic: Mapping[registry.Kind, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _started: bool = False

    def start(self) -> None:
        if _state.session_factory is not None:
            raise RuntimeError("a job runtime is already running in this process")
        _state.context = self.context
        _state.session_factory = self.session_factory
        _state.max_attempts = self.max_attempts
        engine = self.session_factory.kw["bind"]
        config: DBOSConfig = {
            "name": "idscan",
            "system_database_url": queue.engine_url(engine),
            "executor_id": self.executor_id,
            "application_version": queue.APP_VERSION,
            "log_level": "WARNING",
            "run_migrations": True,
        }
        DBOS(config=config)
        DBOS.launch()
        for name, limits in self.queues.items():
            partitioned = name in queue.PARTITIONED
            DBOS.register_queue(
                name.value,
                worker_concurrency=limits.concurrency,
                partition_concurrency=limits.partition_concurrency if partitioned else None,
                polling_interval_sec=self.poll_interval_seconds,
            )
        self._started = True
        self._beat(first=True)
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="idscan-periodic", daemon=True)
        self._thread.start()
        log.info("job runtime started", extra={"executor_id": self.executor_id})

    def stop(self) -> None:
        self._stop.set()
        try:
            if self._thread is not None:
                self._thread.join(timeout=5)
            if self._started:
                DBOS.destroy(workflow_completion_timeout_sec=0)
        finally:
            _state.context = None
            _state.session_factory = None
            self._started = False

    def _beat(self, *, first: bool = False) -> None:
        now = utcnow()
        try:
            with transaction(self.session_factory) as session:
                changed = session.execute(
                    update(WorkerHeartbeat)
                    .where(WorkerHeartbeat.executor_id == self.executor_id)
                    .values(beat_at=now, **({"started_at": now} if first else {}))
                )
                if not getattr(changed, "rowcount", 0):
                    session.add(WorkerHeartbeat(executor_id=self.executor_id, started_at=now, beat_at=now))
        except IntegrityError:
            pass  # another process with the same executor ID wrote first; its beat counts
        except Exception:
            log.exception("could not record the worker heartbeat")

    def _loop(self) -> None:
        due = dict.fromkeys(self.periodic, 0.0)
        next_beat = time.time() + self.heartbeat_seconds
        tick = min(1.0, self.heartbeat_seconds, *self.periodic.values())
        while not self._stop.wait(tick):
            now = time.time()
            if now >= next_beat:
                self._beat()
                next_beat = now + self.heartbeat_seconds
            for kind, interval in self.periodic.items():
                if now >= due[kind]:
                    # One job per time bucket, whatever the number of workers: the ID dedupes.
                    bucket = int(now // interval)
                    try:
                        with transaction(self.session_factory) as session:
                            queue.enqueue(session, kind, {}, job_id=f"{kind.name}:{bucket}")
                    except Exception:
                        log.exception("could not enqueue periodic job", extra={"kind": kind.name})
                    due[kind] = (bucket + 1) * interval
