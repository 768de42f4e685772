"""What the job queues look like now: depth and oldest runnable wait per queue, worker heartbeats.

Read straight from the engine's tables (for metrics and readiness); nothing here changes a job.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text

from idscan.db import SessionFactory
from idscan.jobs.registry import Queue
from idscan.models import WorkerHeartbeat


@dataclass(frozen=True, slots=True)
class QueueStats:
    queue: str
    depth: dict[str, int]  # status (ENQUEUED, DELAYED, PENDING) -> jobs
    oldest_wait_seconds: float  # the longest a runnable job has waited to start; 0 when none


def _schema(factory: SessionFactory) -> str:
    return "" if factory.kw["bind"].dialect.name == "sqlite" else "dbos."


def queue_stats(session_factory: SessionFactory, now: float | None = None) -> list[QueueStats]:
    """Every known queue, even an empty one. A delayed job counts as waiting from its due time."""
    now_ms = int((time.time() if now is None else now) * 1000)
    table = f"{_schema(session_factory)}workflow_status"
    engine = session_factory.kw["bind"]
    # Runnable: ENQUEUED, or DELAYED and already due (the engine moves those on its next poll).
    sql = text(
        f"SELECT queue_name, status, count(*), "  # noqa: S608 (constant schema name)
        f"min(CASE WHEN delay_until_epoch_ms IS NOT NULL AND delay_until_epoch_ms > created_at "
        f"THEN delay_until_epoch_ms ELSE created_at END) "
        f"FROM {table} WHERE status IN ('ENQUEUED', 'DELAYED', 'PENDING') AND queue_name IS NOT NULL "
        f"GROUP BY queue_name, status"
    )
    depth: dict[str, dict[str, int]] = {q.value: {} for q in Queue}
    oldest: dict[str, float] = {q.value: 0.0 for q in Queue}
    due_delayed = text(
        f"SELECT queue_name, min(delay_until_epoch_ms) FROM {table} "  # noqa: S608
        "WHERE status = 'DELAYED' AND delay_until_epoch_ms <= :now GROUP BY queue_name"
    )
    with engine.connect() as conn:
        for name, status, count, since_ms in conn.execute(sql):
            depth.setdefault(name, {})[status] = int(count)
            oldest.setdefault(name, 0.0)
            if status == "ENQUEUED" and since_ms is not None:
                oldest[name] = max(oldest[name], (now_ms - int(since_ms)) / 1000)
        for name, since_ms in conn.execute(due_delayed, {"now": now_ms}):
            if since_ms is not None:
                oldest[name] = max(oldest.get(name, 0.0), (now_ms - int(since_ms)) / 1000)
    return [QueueStats(name, depth[name], max(0.0, oldest.get(name, 0.0))) for name in sorted(depth)]


def queue_depth(session_factory: SessionFactory) -> int:
    """Jobs waiting or running, over every queue."""
    return sum(
        count
        for stats in queue_stats(session_factory)
        for status, count in stats.depth.items()
        if status in ("ENQUEUED", "PENDING")
    )


def last_heartbeat(session_factory: SessionFactory) -> datetime | None:
    """The newest heartbeat of any job worker, or None when no worker ever ran."""
    with session_factory() as session:
        return session.scalar(select(func.max(WorkerHeartbeat.beat_at)))
