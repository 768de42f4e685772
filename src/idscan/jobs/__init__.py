"""Durable background jobs. The only package that imports the job engine (DBOS).

- `enqueue(session, kind, payload)` inside the caller's database transaction: the job exists
  exactly when the state change that needs it commits. A job that must wait is enqueued with
  `delay_seconds`; nothing ever sleeps while holding a worker slot.
- `Kind(name, queue)` names a job and its queue; pipeline work, webhook deliveries and
  maintenance have separate queues with their own concurrency.
- `@handler(kind, on_failure=...)` registers a plain function `fn(context, payload)`; the
  failure handler records a job that failed for good (see `runtime`).
- `JobRuntime` runs the jobs: in-process for the embedded default, `idscan worker` when scaled out.
"""

from idscan.jobs.health import QueueStats, last_heartbeat, queue_depth, queue_stats
from idscan.jobs.queue import enqueue, install_schema, prepare
from idscan.jobs.registry import Kind, Queue, handler
from idscan.jobs.runtime import JobRuntime, QueueLimits

__all__ = [
    "JobRuntime",
    "Kind",
    "Queue",
    "QueueLimits",
    "QueueStats",
    "enqueue",
    "handler",
    "install_schema",
    "last_heartbeat",
    "prepare",
    "queue_depth",
    "queue_stats",
]
