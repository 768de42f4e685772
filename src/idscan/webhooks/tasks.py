"""Job wrappers for webhook deliveries; the logic is `dispatch.send`.

One job makes one attempt. A retry is a new job, enqueued with a delay in the same database
transaction that records the failed attempt: a waiting delivery holds no worker slot, and a crash
can lose neither the attempt's record nor the next attempt.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from idscan import jobs
from idscan.container import Container
from idscan.db import transaction
from idscan.lib.clock import utcnow
from idscan.models import WebhookDelivery
from idscan.webhooks import dispatch, service
from idscan.webhooks.states import DeliveryState

OVERDUE_GRACE = timedelta(minutes=2)


def on_failure(ctx: Container, payload: dict[str, Any], reason: str) -> None:
    """The delivery job itself failed for good (it crashed or raised every time)."""
    with transaction(ctx.session_factory) as session:
        record = session.get(WebhookDelivery, str(payload["delivery_id"]), with_for_update=True)
        if record is not None and record.state == DeliveryState.PENDING:
            dispatch.fail(record, "crashed" if reason == "crashed" else "error")


@jobs.handler(service.RESCHEDULE_JOB)
def reschedule_overdue(ctx: Container, payload: dict[str, Any]) -> None:
    with transaction(ctx.session_factory) as session:
        service.reschedule_overdue(session, utcnow(), OVERDUE_GRACE)


@jobs.handler(service.DELIVER_JOB, on_failure=on_failure)
def deliver(ctx: Container, payload: dict[str, Any]) -> None:
    number = payload.get("attempt")
    run_delivery(ctx, str(payload["delivery_id"]), int(number) if number is not None else None)


def run_delivery(ctx: Container, delivery_id: str, number: int | None = None) -> None:
    """One scheduled attempt (tests call this directly)."""
    dispatch.send(ctx, delivery_id, number=number)
