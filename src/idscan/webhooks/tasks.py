"""Job wrapper for webhook deliveries; `run_delivery` is the logic tests call directly.

One job makes one attempt. A retry is a new job, enqueued with a delay in the same database
transaction that records the failed attempt: a waiting delivery holds no worker slot, and a crash
can lose neither the attempt's record nor the next attempt.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from idscan import jobs
from idscan.container import Container
from idscan.db import transaction
from idscan.lib.clock import utcnow
from idscan.lib.ids import new_uuid
from idscan.models import Event, Webhook, WebhookAttempt, WebhookDelivery
from idscan.webhooks import delivery, service
from idscan.webhooks.states import DeliveryState, next_wait

OVERDUE_GRACE = timedelta(minutes=2)


def _fail(record: WebhookDelivery, reason: str) -> None:
    record.state, record.completed_at = DeliveryState.FAILED, utcnow()
    record.next_attempt_at, record.failure_reason = None, reason


def on_failure(ctx: Container, payload: dict[str, Any], reason: str) -> None:
    """The delivery job itself failed for good (it crashed or raised every time)."""
    with transaction(ctx.session_factory) as session:
        record = session.get(WebhookDelivery, str(payload["delivery_id"]), with_for_update=True)
        if record is not None and record.state == DeliveryState.PENDING:
            _fail(record, "crashed" if reason == "crashed" else "error")


@jobs.handler(service.RESCHEDULE_JOB)
def reschedule_overdue(ctx: Container, payload: dict[str, Any]) -> None:
    with transaction(ctx.session_factory) as session:
        service.reschedule_overdue(session, utcnow(), OVERDUE_GRACE)


@jobs.handler(service.DELIVER_JOB, on_failure=on_failure)
def deliver(ctx: Container, payload: dict[str, Any]) -> None:
    number = payload.get("attempt")
    run_delivery(ctx, str(payload["delivery_id"]), int(number) if number is not None else None)


def run_delivery(ctx: Container, delivery_id: str, number: int | None = None) -> None:
    """Make attempt `number` (None: whichever is next); record it, then schedule the next one or
    settle the delivery."""
    with transaction(ctx.session_factory) as session:
        record = session.get(WebhookDelivery, delivery_id)
        if record is None or record.state != DeliveryState.PENDING:
            return  # webhook deleted meanwhile, or already settled by an earlier run
        if number is not None and record.attempts >= number:
            return  # this attempt was made and recorded by an earlier run of the job
        webhook = session.get(Webhook, record.webhook_id)
        event = session.get(Event, record.event_id)
        assert webhook is not None
        assert event is not None
        url, headers, body = webhook.url, service.custom_headers(ctx.keyring, webhook), dict(event.body)
        secret = service.signing_secret(ctx.keyring, webhook)
    started = utcnow()
    outcome = delivery.attempt(
        ctx.outbound,
        url=url,
        secret=secret,
        custom_headers=headers,
        event_id=str(body["id"]),
        body=body,
        now=started,
    )
    ctx.metrics.count_delivery(outcome.outcome)
    with transaction(ctx.session_factory) as session:
        record = session.get(WebhookDelivery, delivery_id, with_for_update=True)
        if record is None or record.state != DeliveryState.PENDING:
            return
        record.attempts += 1
        session.add(
            WebhookAttempt(
                id=new_uuid(),
                delivery_id=delivery_id,
                number=record.attempts,
                started_at=started,
                duration_ms=outcome.duration_ms,
                response_status=outcome.status,
                outcome=outcome.outcome,
                host=(outcome.host or "")[:255] or None,
                error=outcome.error,
            )
        )
        _settle(ctx, session, record, outcome)


def _settle(
    ctx: Container, session: Session, record: WebhookDelivery, outcome: delivery.AttemptOutcome
) -> None:
    if outcome.ok:
        record.state, record.completed_at, record.next_attempt_at = DeliveryState.SUCCEEDED, utcnow(), None
        return
    if outcome.final_reason is not None:
        _fail(record, outcome.final_reason)
        return
    wait = next_wait(ctx.settings.webhooks.retry_schedule_seconds, record.attempts)
    if wait is None:
        _fail(record, "exhausted")
        return
    record.next_attempt_at = utcnow() + timedelta(seconds=wait)
    service.schedule_attempt(session, record, record.attempts + 1, delay_seconds=wait)
