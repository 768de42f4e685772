"""Job wrappers for transactions: the expiry sweep and file erasure."""

from __future__ import annotations

import logging
from typing import Any

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
    """Expire every overdue pending transaction, a batch per database transaction."""
    total = 0
    while True:
        with transaction(ctx.session_factory) as session:
            expired = service.expire_due(session, utcnow())
        total += len(expired)
        if not expired:
            break
    if total:
        log.info("expired transactions", extra={"count": total})
    return total


@jobs.handler(service.ERASE_JOB)
def erase_files(ctx: Container, payload: dict[str, Any]) -> None:
    run_erase_files(ctx, str(payload["transaction_id"]))


def run_erase_files(ctx: Container, transaction_id: str) -> int:
    return ctx.blobs.delete_prefix(service.blob_prefix(transaction_id))
