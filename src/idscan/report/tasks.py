"""Job wrapper: the simple report is made when a transaction completes."""

from __future__ import annotations

from typing import Any

from idscan import jobs
from idscan.container import Container
from idscan.report import service


@jobs.handler(service.SIMPLE_JOB)
def simple_report(ctx: Container, payload: dict[str, Any]) -> None:
    with ctx.session_factory() as session:
        source = service.simple_source(session, ctx.keyring, str(payload["transaction_id"]))
    if source is not None:
        service.store_simple(ctx.blobs, source)
