"""Webhook use cases: CRUD, emitting events (the outbox), and the delivery log."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from idscan import jobs, pagination
from idscan.errors import NotFoundError, OutboundRequestRefusedError, Problem, ValidationError
from idscan.lib.aead import Keyring
from idscan.lib.clock import iso, utcnow
from idscan.lib.http import check_target_url
from idscan.lib.ids import new_uuid
from idscan.models import Event, Webhook, WebhookAttempt, WebhookDelivery
from idscan.webhooks import schemas
from idscan.webhooks.states import DeliveryState

DELIVER_JOB = jobs.Kind("webhooks.deliver", jobs.Queue.DELIVERIES)
PING_EVENT = "webhook.ping"  # ours: the integrator's test of an endpoint
RESCHEDULE_JOB = jobs.Kind("webhooks.reschedule_overdue", jobs.Queue.MAINTENANCE)


def new_signing_secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


def _aad(webhook_id: str) -> bytes:
    return f"webhook:{webhook_id}".encode()


def signing_secret(keyring: Keyring, webhook: Webhook) -> str:
    return keyring.open(webhook.secret_sealed, aad=_aad(webhook.id)).decode()


def _headers_aad(webhook_id: str) -> bytes:
    return f"webhook-headers:{webhook_id}".encode()


def seal_headers(keyring: Keyring, webhook_id: str, headers: dict[str, str]) -> bytes | None:
    """Integrators put their own API keys in custom headers: kept sealed, like the signing secret."""
    if not headers:
        return None
    return keyring.seal(json.dumps(headers, separators=(",", ":")).encode(), aad=_headers_aad(webhook_id))


def custom_headers(keyring: Keyring, webhook: Webhook) -> dict[str, str]:
    """The integrator's own headers, as sent with every delivery."""
    if webhook.headers_sealed is None:
        return {}
    opened: dict[str, str] = json.loads(keyring.open(webhook.headers_sealed, aad=_headers_aad(webhook.id)))
    return opened


def _check_url(url: str, allow_private: bool) -> None:
    try:
        check_target_url(url, allow_private=allow_private)
    except OutboundRequestRefusedError as exc:
        raise ValidationError([Problem("url", exc.detail)]) from exc


def create(
    session: Session, keyring: Keyring, account_id: str, data: schemas.WebhookCreate, *, allow_private: bool
) -> Webhook:
    _check_url(data.url, allow_private)
    now = utcnow()
    webhook_id = new_uuid()
    webhook = Webhook(
        id=webhook_id,
        account_id=account_id,
        url=data.url,
        events=list(data.events or schemas.EVENT_TYPES),
        headers_sealed=seal_headers(keyring, webhook_id, dict(data.headers or {})),
        secret_sealed=keyring.seal(new_signing_secret().encode(), aad=_aad(webhook_id)),
        created_at=now,
        updated_at=now,
    )
    session.add(webhook)
    session.flush()
    return webhook


def get(session: Session, account_id: str, webhook_id: str) -> Webhook:
    webhook = session.get(Webhook, webhook_id)
    if webhook is None or webhook.account_id != account_id:
        raise NotFoundError("Webhook not found.")
    return webhook


def list_for_account(session: Session, account_id: str) -> list[Webhook]:
    query = select(Webhook).where(Webhook.account_id == account_id).order_by(Webhook.created_at, Webhook.id)
    return list(session.scalars(query))


def update(
    session: Session,
    keyring: Keyring,
    account_id: str,
    webhook_id: str,
    data: schemas.WebhookUpdate,
    *,
    allow_private: bool,
) -> Webhook:
    webhook = get(session, account_id, webhook_id)
    if data.url is not None:
        _check_url(data.url, allow_private)
        webhook.url = data.url
    if data.events is not None:
        webhook.events = list(data.events)
    if data.headers is not None:
        webhook.headers_sealed = seal_headers(keyring, webhook.id, dict(data.headers))
    webhook.updated_at = utcnow()
    return webhook


def rotate_secret(session: Session, keyring: Keyring, account_id: str, webhook_id: str) -> str:
    """A new signing secret for the webhook (the old one stops signing at once); returns it."""
    webhook = get(session, account_id, webhook_id)
    secret = new_signing_secret()
    webhook.secret_sealed = keyring.seal(secret.encode(), aad=_aad(webhook.id))
    webhook.updated_at = utcnow()
    return secret


def delete(session: Session, account_id: str, webhook_id: str) -> None:
    session.delete(get(session, account_id, webhook_id))


def emit(session: Session, account_id: str, event_type: str, data: dict[str, Any]) -> Event:
    """Record an event and one delivery per subscribed webhook, each with its delivery job, all in
    the caller's transaction: the event exists exactly when the state change commits."""
    now = utcnow()
    event_id = new_uuid()
    body = {"id": event_id, "type": event_type, **data, "created": iso(now)}
    subject = data.get("transaction")
    event = Event(
        id=event_id,
        account_id=account_id,
        type=event_type,
        body=body,
        created_at=now,
        transaction_id=subject.get("id") if isinstance(subject, dict) else None,
    )
    session.add(event)
    for webhook in list_for_account(session, account_id):
        if event_type not in webhook.events:
            continue
        delivery = WebhookDelivery(
            id=new_uuid(),
            webhook_id=webhook.id,
            event_id=event_id,
            state=DeliveryState.PENDING,
            attempts=0,
            created_at=now,
            next_attempt_at=now,
        )
        session.add(delivery)
        schedule_attempt(session, delivery, 1)
    session.flush()
    return event


def schedule_attempt(
    session: Session, delivery: WebhookDelivery, number: int, *, delay_seconds: float | None = None
) -> None:
    """Enqueue attempt `number` of a delivery. The job ID names the attempt, so scheduling it twice
    is harmless; the webhook is the partition, so one dead endpoint cannot fill the queue."""
    job_id = f"delivery:{delivery.id}" if number == 1 else f"delivery:{delivery.id}:{number}"
    jobs.enqueue(
        session,
        DELIVER_JOB,
        {"delivery_id": delivery.id, "attempt": number},
        job_id=job_id,
        delay_seconds=delay_seconds,
        partition=delivery.webhook_id,
    )


def reschedule_overdue(session: Session, now: datetime, grace: timedelta, limit: int = 500) -> int:
    """Enqueue (again) the due attempt of deliveries that waited past their time by `grace`: a
    safety net for a job lost outside our transactions. Idempotent through the attempt's job ID."""
    overdue = session.scalars(
        select(WebhookDelivery)
        .where(
            WebhookDelivery.state == DeliveryState.PENDING,
            WebhookDelivery.next_attempt_at < now - grace,
        )
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(limit)
    ).all()
    for delivery in overdue:
        schedule_attempt(session, delivery, delivery.attempts + 1)
    return len(overdue)


def list_deliveries(
    session: Session, account_id: str, webhook_id: str, *, cursor: str | None, limit: int
) -> schemas.DeliveryPage:
    get(session, account_id, webhook_id)
    query = (
        select(WebhookDelivery, Event.type)
        .join(Event, Event.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.webhook_id == webhook_id)
    )
    query = pagination.newest_first(
        query, WebhookDelivery.created_at, WebhookDelivery.id, cursor=cursor, limit=limit
    )
    rows = list(session.execute(query))
    page = rows[:limit]
    items = _deliveries_out(session, [(d, str(event_type)) for d, event_type in page])
    last = page[-1][0] if page else None
    next_cursor = pagination.next_cursor(last.created_at, last.id, more=len(rows) > limit) if last else None
    return schemas.DeliveryPage(items=items, next_cursor=next_cursor)


def get_delivery(session: Session, account_id: str, webhook_id: str, delivery_id: str) -> WebhookDelivery:
    get(session, account_id, webhook_id)
    record = session.get(WebhookDelivery, delivery_id)
    if record is None or record.webhook_id != webhook_id:
        raise NotFoundError("Delivery not found.")
    return record


def delivery_out(session: Session, record: WebhookDelivery) -> schemas.DeliveryOut:
    event = session.get(Event, record.event_id)
    assert event is not None
    (out,) = _deliveries_out(session, [(record, event.type)])
    return out


def create_ping(session: Session, account_id: str, webhook_id: str) -> WebhookDelivery:
    """A `webhook.ping` event for one webhook, whatever it subscribes to, with its delivery: the
    integrator's test of an endpoint. It is sent at once by the caller and never retried."""
    webhook = get(session, account_id, webhook_id)
    now = utcnow()
    event_id = new_uuid()
    body = {"id": event_id, "type": PING_EVENT, "webhook": {"id": webhook.id}, "created": iso(now)}
    session.add(Event(id=event_id, account_id=account_id, type=PING_EVENT, body=body, created_at=now))
    record = WebhookDelivery(
        id=new_uuid(),
        webhook_id=webhook.id,
        event_id=event_id,
        state=DeliveryState.PENDING,
        attempts=0,
        created_at=now,
        next_attempt_at=None,
    )
    session.add(record)
    session.flush()
    return record


def _deliveries_out(
    session: Session, page: Sequence[tuple[WebhookDelivery, str]]
) -> list[schemas.DeliveryOut]:
    attempts: dict[str, list[WebhookAttempt]] = {}
    if page:
        ids = [d.id for d, _ in page]
        for attempt in session.scalars(
            select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(ids)).order_by(WebhookAttempt.number)
        ):
            attempts.setdefault(attempt.delivery_id, []).append(attempt)
    return [
        schemas.DeliveryOut(
            id=d.id,
            event_id=d.event_id,
            event_type=event_type,
            state=DeliveryState(d.state).value,
            attempts=[
                schemas.DeliveryAttemptOut(
                    number=a.number,
                    started=iso(a.started_at) or "",
                    duration_ms=a.duration_ms,
                    response_status=a.response_status,
                    outcome=a.outcome,
                    host=a.host,
                    error=a.error,
                )
                for a in attempts.get(d.id, [])
            ],
            created=iso(d.created_at) or "",
            next_attempt=iso(d.next_attempt_at) if d.state == DeliveryState.PENDING else None,
            completed=iso(d.completed_at),
            failure_reason=d.failure_reason,
        )
        for d, event_type in page
    ]


def to_out(keyring: Keyring, webhook: Webhook) -> schemas.WebhookOut:
    return schemas.WebhookOut(
        id=webhook.id,
        url=webhook.url,
        events=webhook.events,
        headers=custom_headers(keyring, webhook),
        secret=signing_secret(keyring, webhook),
        created_at=iso(webhook.created_at) or "",
        updated_at=iso(webhook.updated_at) or "",
    )
