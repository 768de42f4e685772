"""Health, readiness and metrics."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

import anyio.to_thread
import orjson
from fastapi import APIRouter, Depends, Response
from sqlalchemy import text

from idscan import jobs
from idscan.container import Container, get_container
from idscan.engines import verify_model_files
from idscan.errors import ConfigurationError, IdscanError
from idscan.lib.clock import utcnow
from idscan.ops.access import require_metrics_access
from idscan.ops.openapi import PROBLEM_RESPONSES

router = APIRouter(tags=["operations"])
ContainerDep = Annotated[Container, Depends(get_container)]


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "A dependency is not reachable"}})
async def readyz(c: ContainerDep) -> Response:
    """Database, storage and model files are there, and the job workers keep up."""
    checks = await anyio.to_thread.run_sync(_checks, c)
    ok = all(v == "ok" for v in checks.values())
    return Response(
        orjson.dumps({"status": "ok" if ok else "unavailable", "checks": checks}),
        status_code=200 if ok else 503,
        media_type="application/json",
    )


def _checks(c: Container) -> dict[str, Any]:
    checks: dict[str, Any] = {}
    try:
        with c.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - readiness reports, never raises
        checks["database"] = "unreachable"
    try:
        c.blobs.ping()
        checks["storage"] = "ok"
    except IdscanError:
        checks["storage"] = "unreachable"
    try:
        models_verified()
        checks["models"] = "ok"
    except ConfigurationError:
        checks["models"] = "missing or altered"
    if checks["database"] == "ok":
        checks["jobs"] = _jobs_check(c)
    return checks


def _jobs_check(c: Container) -> str:
    """A worker must have polled within a few heartbeats, and no runnable job may wait too long."""
    settings = c.settings.jobs
    try:
        beat = jobs.last_heartbeat(c.session_factory)
        stats = jobs.queue_stats(c.session_factory)
    except Exception:  # noqa: BLE001 - readiness reports, never raises
        return "unreadable"
    stale_after = 3 * settings.heartbeat_seconds + settings.poll_interval_seconds
    if beat is None:
        return "no worker has ever polled"
    silent = (utcnow() - beat).total_seconds()
    if silent > stale_after:
        return f"no worker has polled for {silent:.0f} s"
    for queue in stats:
        if queue.oldest_wait_seconds > settings.max_wait_seconds:
            return (
                f"a job in queue {queue.queue!r} has waited {queue.oldest_wait_seconds:.0f} s "
                f"(limit {settings.max_wait_seconds:.0f} s)"
            )
    return "ok"


@cache
def models_verified() -> None:
    """Every model file present with its pinned digest (checked once per process when it holds)."""
    verify_model_files()


@router.get(
    "/metrics",
    response_class=Response,
    dependencies=[Depends(require_metrics_access)],
    responses={
        401: {**PROBLEM_RESPONSES[401], "description": "A metrics token is set, and was not sent"},
        404: {**PROBLEM_RESPONSES[404], "description": "Metrics are not served on this listener"},
    },
)
async def metrics(c: ContainerDep) -> Response:
    """Prometheus text format; see IDSCAN_OPS__METRICS_TOKEN and IDSCAN_OPS__METRICS_BIND."""
    body = await anyio.to_thread.run_sync(c.metrics.render)
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")
