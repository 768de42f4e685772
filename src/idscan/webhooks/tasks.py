"""Job wrapper for webhook deliveries; `run_delivery` is the logic tests call directly."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from idscan import jobs
from idscan.container import Container
from idscan.db import transaction
from idscan.lib.clock import utcnow
from idscan.lib.ids import new_uuid
from idscan.models import Event, Webhook, WebhookAttempt, WebhookDelivery
from idscan.webhooks import delivery, service
from idscan.webhooks.states import DeliveryState, next_wait


@jobs.handler(service.DELIVER_JOB)
def deliver(ctx: Container, payload: dict[str, Any]) -> jobs.Retry | None:
    return run_delivery(ctx, str(payload["delivery_id"]))


def run_delivery(ctx: Container, delivery_id: str) -> jobs.Retry | None:
    """Make one attempt; ask for a retry per the schedule, or finish."""
    with transaction(ctx.session_factory) as session:
        record = session.get(WebhookDelivery, delivery_id)
        if record is None or record.state != DeliveryState.PENDING:
            return None  # webhook deleted meanwhile, or already settled by an earlier run
        webhook = session.get(Webhook, record.webhook_id)
        event = session.get(Event, record.event_id)
        assert webhook is not None
        assert event is not None
        url, headers, body = webhook.url, dict(webhook.headers), dict(event.body)
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
    ctx.metrics.webhook_deliveries.labels(outcome.outcome).inc()
    with transaction(ctx.session_factory) as session:
        record = session.get(WebhookDelivery, delivery_id, with_for_update=True)
        if record is None:
            return None
        record.attempts += 1
        session.add(
            WebhookAttempt(
                id=new_uuid(),
                delivery_id=delivery_id,
                number=record.attempts,
                started_at=started,
                duration_ms=outcome.duration_ms,
                response_status=outcome.status,
                error=outcome.error,
            )
        )
        finished = utcnow()
        if outcome.ok:
            record.state, record.completed_at, record.next_attempt_at = (
                DeliveryState.SUCCEEDED,
                finished,
                None,
            )
            return None
        wait = next_wait(ctx.settings.webhooks.retry_schedule_seconds, record.attempts)
        if wait is None:
            record.state, record.completed_at, record.next_attempt_at = DeliveryState.FAILED, finished, None
            return None
        record.next_attempt_at = finished + timedelta(seconds=wait)
    return jobs.Retry(wait)
