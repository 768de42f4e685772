"""Sending a delivery: one attempt, recorded, then settled by why it was sent.

- `Send.SCHEDULED` (the delivery job): on failure the next attempt is scheduled, per the retry
  schedule, as a delayed job in the transaction that records this one.
- `Send.RETRY` (the integrator's retry button): one more attempt now. Success settles the delivery;
  failure leaves it as it was (a pending delivery keeps its schedule, a failed one stays failed).
- `Send.PING` (the integrator's test): one attempt, never retried.

Two short database transactions around the HTTP request: no connection is held while waiting for
the receiver.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from idscan.container import Container
from idscan.db import transaction
from idscan.lib.clock import utcnow
from idscan.lib.ids import new_uuid
from idscan.models import Account, Event, Webhook, WebhookAttempt, WebhookDelivery
from idscan.webhooks import delivery, service
from idscan.webhooks.states import DeliveryState, next_wait


class Send(StrEnum):
    SCHEDULED = "scheduled"
    RETRY = "retry"
    PING = "ping"


def fail(record: WebhookDelivery, reason: str) -> None:
    record.state, record.completed_at = DeliveryState.FAILED, utcnow()
    record.next_attempt_at, record.failure_reason = None, reason


def send(ctx: Container, delivery_id: str, *, why: Send = Send.SCHEDULED, number: int | None = None) -> None:
    """Make one attempt of a delivery and record it. A scheduled send makes attempt `number` only
    (None: whichever is next), so a job run twice after a crash does not send twice."""
    with transaction(ctx.session_factory) as session:
        record = session.get(WebhookDelivery, delivery_id)
        if record is None:
            return  # the webhook was deleted meanwhile
        if why is not Send.RETRY and record.state != DeliveryState.PENDING:
            return  # already settled by an earlier run
        if number is not None and record.attempts >= number:
            return  # this attempt was made and recorded by an earlier run of the job
        webhook = session.get(Webhook, record.webhook_id)
        event = session.get(Event, record.event_id)
        assert webhook is not None
        assert event is not None
        url, headers, body = webhook.url, service.custom_headers(ctx.keyring, webhook), dict(event.body)
        secret = service.signing_secret(ctx.keyring, webhook)
        mode = session.scalars(select(Account.mode).where(Account.id == webhook.account_id)).one()
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
    ctx.metrics.count_delivery(outcome.outcome, mode)
    with transaction(ctx.session_factory) as session:
        record = session.get(WebhookDelivery, delivery_id, with_for_update=True)
        if record is None or (why is Send.SCHEDULED and record.state != DeliveryState.PENDING):
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
        _settle(ctx, session, record, outcome, why)


def _settle(
    ctx: Container, session: Session, record: WebhookDelivery, outcome: delivery.AttemptOutcome, why: Send
) -> None:
    if outcome.ok:
        record.state, record.completed_at = DeliveryState.SUCCEEDED, utcnow()
        record.next_attempt_at, record.failure_reason = None, None
        return
    if why is Send.RETRY:
        # The delivery keeps its state and its schedule. A pending one's next job was for the
        # attempt this one took: schedule the one after it for the same time.
        if record.state == DeliveryState.PENDING and record.next_attempt_at is not None:
            remaining = max(0.0, (record.next_attempt_at - utcnow()).total_seconds())
            service.schedule_attempt(session, record, record.attempts + 1, delay_seconds=remaining)
        return
    if outcome.final_reason is not None:
        fail(record, outcome.final_reason)
        return
    if why is Send.PING:
        fail(record, "not_retried")
        return
    wait = next_wait(ctx.settings.webhooks.retry_schedule_seconds, record.attempts)
    if wait is None:
        fail(record, "exhausted")
        return
    record.next_attempt_at = utcnow() + timedelta(seconds=wait)
    service.schedule_attempt(session, record, record.attempts + 1, delay_seconds=wait)
