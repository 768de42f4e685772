"""Start the durable job runtime in-process for a test, and wait for conditions."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from idscan.app import build_runtime
from idscan.container import Container


@contextmanager
def running_jobs(container: Container, executor_id: str = "test-executor") -> Iterator[None]:
    runtime = build_runtime(container, executor_id)
    runtime.start()
    try:
        yield
    finally:
        runtime.stop()


def eventually(check: Callable[[], bool], timeout: float = 20.0, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(interval)
    raise AssertionError("condition not met in time")
