"""Job wrappers for transactions: the expiry sweep and file erasure."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from idscan import jobs
from idscan.container import Container
from idscan.db import transaction
from idscan.lib.clock import utcnow
from idscan.transactions import service

log = logging.getLogger(__name__)


@jobs.handler(service.SWEEP_JOB)
def sweep(ctx: Container, payload: dict[str, Any]) -> None:
    run_sweep(ctx)


def run_sweep(ctx: Container) -> int:
    """Expire every overdue pending transaction and erase what is past retention (test transactions:
    a day), a batch per database transaction. Returns how many transactions changed."""
    now = utcnow()
    retention = timedelta(days=ctx.settings.transactions.retention_days)
    total = 0
    steps: tuple[Callable[[Session], list[str]], ...] = (
        lambda session: service.expire_due(session, now),
        lambda session: service.erase_past_retention(session, now - retention),
        lambda session: service.erase_test_data(session, now - timedelta(hours=service.TEST_DATA_HOURS)),
    )
    for step in steps:
        while True:
            with transaction(ctx.session_factory) as session:
                done = step(session)
            total += len(done)
            if not done:
                break
    if total:
        log.info("swept transactions", extra={"count": total})
    return total


@jobs.handler(service.ERASE_JOB)
def erase_files(ctx: Container, payload: dict[str, Any]) -> None:
    run_erase_files(ctx, str(payload["transaction_id"]))


def run_erase_files(ctx: Container, transaction_id: str) -> int:
    return ctx.blobs.delete_prefix(service.blob_prefix(transaction_id))
