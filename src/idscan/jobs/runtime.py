"""Run jobs: the engine's worker threads, the generic job workflow, and periodic jobs.

One runtime per process (the engine is a process-wide singleton). Every job runs as a workflow
named `idscan.job` that calls its handler in a checkpointed step and sleeps durably when the
handler asks for a retry, so a killed process resumes each job where it stopped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dbos import DBOS, DBOSConfig

from idscan.db import SessionFactory, transaction
from idscan.jobs import queue, registry

log = logging.getLogger(__name__)


@dataclass
class _State:
    context: Any = None
    session_factory: SessionFactory | None = None


_state = _State()


@DBOS.workflow(name=queue.WORKFLOW_NAME)
def _job_workflow(kind: str, payload: dict[str, Any]) -> None:
    while True:
        retry_after = _job_step(kind, payload)
        if retry_after is None:
            return
        DBOS.sleep(retry_after)


# Unexpected errors (a database hiccup) are retried a few times by the engine; expected failures
# are the handler's business and come back as Retry.
@DBOS.step(name="idscan.job.step", retries_allowed=True, max_attempts=4, interval_seconds=1.0)
def _job_step(kind: str, payload: dict[str, Any]) -> float | None:
    outcome = registry.lookup(kind)(_state.context, payload)
    return outcome.after_seconds if outcome is not None else None


@dataclass
class JobRuntime:
    session_factory: SessionFactory
    context: Any
    executor_id: str
    concurrency: int = 4
    poll_interval_seconds: float = 0.25
    periodic: Mapping[str, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _started: bool = False

    def start(self) -> None:
        if _state.session_factory is not None:
            raise RuntimeError("a job runtime is already running in this process")
        _state.context = self.context
        _state.session_factory = self.session_factory
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
        DBOS.register_queue(
            queue.QUEUE_NAME,
            worker_concurrency=self.concurrency,
            polling_interval_sec=self.poll_interval_seconds,
        )
        self._started = True
        if self.periodic:
            self._stop.clear()
            self._thread = threading.Thread(target=self._periodic_loop, name="idscan-periodic", daemon=True)
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

    def _periodic_loop(self) -> None:
        due = dict.fromkeys(self.periodic, 0.0)
        while not self._stop.is_set():
            now = time.time()
            for kind, interval in self.periodic.items():
                if now >= due[kind]:
                    # One job per time bucket, whatever the number of workers: the ID dedupes.
                    bucket = int(now // interval)
                    try:
                        with transaction(self.session_factory) as session:
                            queue.enqueue(session, kind, {}, job_id=f"{kind}:{bucket}")
                    except Exception:
                        log.exception("could not enqueue periodic job", extra={"kind": kind})
                    due[kind] = (bucket + 1) * interval
            self._stop.wait(min(1.0, *self.periodic.values()))


def queue_depth(session_factory: SessionFactory) -> int:
    """Jobs waiting or running (for metrics)."""
    from sqlalchemy import text

    engine = session_factory.kw["bind"]
    schema = "" if engine.dialect.name == "sqlite" else "dbos."
    with engine.connect() as conn:
        value = conn.execute(
            text(
                f"SELECT count(*) FROM {schema}workflow_status "  # noqa: S608 (constant schema name)
                "WHERE status IN ('ENQUEUED', 'PENDING')"
            )
        ).scalar_one()
    return int(value)
