"""Durable background jobs. The only package that imports the job engine (DBOS).

- `enqueue(session, kind, payload)` inside the caller's database transaction: the job exists
  exactly when the state change that needs it commits.
- `@handler(kind)` registers a plain function `fn(context, payload) -> None | Retry`; return
  `Retry(seconds)` to run it again after a durable sleep (survives restarts).
- `JobRuntime` runs the jobs: in-process for the embedded default, `idscan worker` when scaled out.
"""

from idscan.jobs.queue import enqueue, install_schema, prepare
from idscan.jobs.registry import Retry, handler
from idscan.jobs.runtime import JobRuntime, queue_depth

__all__ = ["JobRuntime", "Retry", "enqueue", "handler", "install_schema", "prepare", "queue_depth"]
