"""`idscan serve --workers N`: N HTTP processes on one port, one job runtime, one metrics view.

uvicorn's supervisor starts the HTTP processes (each builds its own app from the environment, with
no job runtime); this process runs the embedded job worker once beside them, and the metrics
listener when one is configured. Prometheus metrics go to per-process files in a directory that
every process shares (prometheus_client's multi-process mode), so a scrape of any one process sees
the sum over all of them.
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
from pathlib import Path

from fastapi import FastAPI

from idscan.config import Settings

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# How `idscan serve` runs uvicorn, with one process or several. Status streams stay open for
# minutes; a shutdown must not wait for them.
UVICORN_OPTIONS = {
    "log_config": None,
    "access_log": False,
    "proxy_headers": True,
    "timeout_graceful_shutdown": 10,
}


def worker_app() -> FastAPI:
    """The app of one HTTP process (a uvicorn factory): settings from the environment it inherited."""
    from idscan.app import create_app
    from idscan.ops import logging as ops_logging

    settings = Settings()  # the supervisor validated the same environment before it started them
    ops_logging.configure(settings.log_level, as_json=settings.log_json, route_native=False)
    app = create_app(settings, run_jobs=False)
    freeze_startup_heap()
    return app


def freeze_startup_heap() -> None:
    """What start-up built (modules, the app, the container) lives as long as the process: moved
    out of the collector's generations, so that a full collection, which stops every request on the
    loop, walks only what requests made (tail latency; gc.freeze's documented use)."""
    gc.collect()
    gc.freeze()


def prepare_metrics_dir(settings: Settings) -> Path:
    """A fresh directory for the processes' metric files, set in the environment the HTTP processes
    inherit. Must run before prometheus_client is imported: it picks its storage at import."""
    if "prometheus_client" in sys.modules:
        raise RuntimeError("prometheus_client was imported before the multi-process directory was set")
    path = settings.data_dir / "metrics" / str(os.getpid())
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, mode=0o700)
    os.environ[MULTIPROC_ENV] = str(path)
    return path


def serve(settings: Settings, workers: int) -> int:
    metrics_dir = prepare_metrics_dir(settings)  # before anything imports prometheus_client
    import uvicorn

    from idscan.app import build_runtime, default_executor_id
    from idscan.bootstrap import build_container
    from idscan.ops.listener import OpsListener

    # The HTTP processes read their settings from the environment: pass on what the command line set.
    os.environ["IDSCAN_HOST"], os.environ["IDSCAN_PORT"] = settings.host, str(settings.port)
    container = build_container(settings)
    runtime = None
    if settings.jobs.embedded_worker:
        runtime = build_runtime(container, default_executor_id(settings, embedded=True))
        runtime.start()
    ops = OpsListener(container).start() if settings.ops.metrics_bind else None
    try:
        uvicorn.run(
            "idscan.ops.http_workers:worker_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=workers,
            **UVICORN_OPTIONS,  # type: ignore[arg-type]
        )
    finally:
        if ops is not None:
            ops.stop()
        if runtime is not None:
            runtime.stop()
        container.close()
        shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0
