"""Health, readiness and metrics."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
import orjson
from fastapi import APIRouter, Depends, Response
from sqlalchemy import text

from idscan.container import Container, get_container
from idscan.errors import IdscanError

router = APIRouter(tags=["operations"])
ContainerDep = Annotated[Container, Depends(get_container)]


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "A dependency is not reachable"}})
async def readyz(c: ContainerDep) -> Response:
    """Database and storage are reachable."""
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
    return checks


@router.get("/metrics", response_class=Response)
async def metrics(c: ContainerDep) -> Response:
    """Prometheus text format."""
    body = await anyio.to_thread.run_sync(c.metrics.render)
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")
