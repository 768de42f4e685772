"""Job wrapper: the simple report is made when a transaction completes."""

from __future__ import annotations

from typing import Any

from idscan import jobs
from idscan.container import Container
from idscan.report import service


@jobs.handler(service.SIMPLE_JOB)
def simple_report(ctx: Container, payload: dict[str, Any]) -> None:
    service.make_simple(ctx, str(payload["transaction_id"]))
