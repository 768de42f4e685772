"""Deliveries to a real HTTP receiver on 127.0.0.1, with the durable job runtime running."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook as Verifier

from idscan import jobs
from idscan.bootstrap import build_container
from idscan.config import Settings
from idscan.container import Container
from idscan.db import transaction
from idscan.models import WebhookAttempt, WebhookDelivery
from idscan.webhooks import schemas, service
from tests.conftest import Caller, make_settings
from tests.support.receiver import Received, running_receiver
from tests.support.runtime import eventually, running_jobs


@pytest.fixture
def fast_container(settings: Settings) -> Iterator[Container]:
    fast = make_settings(
        settings.data_dir,
        settings.database_url,
        webhooks={"retry_schedule_seconds": [0.3, 0.3, 0.3]},
        jobs={"poll_interval_seconds": 0.1},
    )
    built = build_container(fast)
    yield built
    built.close()


def subscribe(container: Container, account_id: str, url: str, headers: dict[str, str] | None = None) -> str:
    with transaction(container.session_factory) as session:
        webhook = service.create(
            session,
            container.keyring,
            account_id,
            schemas.WebhookCreate(url=url, headers=headers),
            allow_private=True,
        )
        return service.signing_secret(container.keyring, webhook)


def emit(container: Container, account_id: str) -> str:
    with transaction(container.session_factory) as session:
        event = service.emit(
            session,
            account_id,
            "transaction.state.updated",
            {"transaction": {"id": "t-1", "state": "completed", "resultId": "r-1"}},
        )
        return event.id


def verify(secret: str, received: Received) -> dict[str, Any]:
    payload: dict[str, Any] = Verifier(secret).verify(received.body, received.headers)
    return payload


def deliveries(container: Container) -> list[WebhookDelivery]:
    with container.session_factory() as session:
        return list(session.scalars(select(WebhookDelivery)))


def test_signed_delivery_with_custom_headers(fast_container: Container, caller: Caller) -> None:
    with running_receiver() as receiver, running_jobs(fast_container):
        secret = subscribe(fast_container, caller.account_id, receiver.url, {"X-Api-Key": "k-123"})
        event_id = emit(fast_container, caller.account_id)
        (received,) = receiver.wait_for(1)
    body = verify(secret, received)
    assert body["id"] == event_id
    assert body["type"] == "transaction.state.updated"
    assert body["transaction"] == {"id": "t-1", "state": "completed", "resultId": "r-1"}
    assert body["created"].endswith("+00:00")
    assert received.headers["webhook-id"] == event_id
    assert received.headers["x-api-key"] == "k-123"
    assert received.headers["content-type"] == "application/json"
    with pytest.raises(Exception, match="signature"):
        Verifier(service.new_signing_secret()).verify(received.body, received.headers)


def test_three_failures_then_success_is_retried_then_stops(fast_container: Container, caller: Caller) -> None:
    with running_receiver([500, 503, 404, 200]) as receiver, running_jobs(fast_container):
        secret = subscribe(fast_container, caller.account_id, receiver.url)
        event_id = emit(fast_container, caller.account_id)
        received = receiver.wait_for(4)
        eventually(lambda: deliveries(fast_container)[0].state == "succeeded")
        time.sleep(1.0)  # a fifth request would have arrived by now
        assert len(receiver.requests) == 4
    assert {verify(secret, r)["id"] for r in received} == {event_id}
    (record,) = deliveries(fast_container)
    assert record.attempts == 4
    with fast_container.session_factory() as session:
        statuses = [
            a.response_status
            for a in session.scalars(
                select(WebhookAttempt)
                .where(WebhookAttempt.delivery_id == record.id)
                .order_by(WebhookAttempt.number)
            )
        ]
    assert statuses == [500, 503, 404, 200]


def test_schedule_exhausted_marks_failed(fast_container: Container, caller: Caller) -> None:
    with running_receiver([500] * 10) as receiver, running_jobs(fast_container):
        subscribe(fast_container, caller.account_id, receiver.url)
        emit(fast_container, caller.account_id)
        eventually(lambda: deliveries(fast_container)[0].state == "failed")
        time.sleep(0.8)
        # One first try plus one per entry of the retry schedule.
        assert len(receiver.requests) == 4


def test_unreachable_target_is_recorded_and_retried(fast_container: Container, caller: Caller) -> None:
    with running_jobs(fast_container):
        subscribe(fast_container, caller.account_id, "http://127.0.0.1:9/nothing-listens")
        emit(fast_container, caller.account_id)
        eventually(lambda: deliveries(fast_container)[0].state == "failed")
    with fast_container.session_factory() as session:
        attempts = list(session.scalars(select(WebhookAttempt).order_by(WebhookAttempt.number)))
        assert deliveries(fast_container)[0].failure_reason == "exhausted"
    assert [a.number for a in attempts] == [1, 2, 3, 4]
    for attempt in attempts:
        assert attempt.outcome == "network_error"
        assert attempt.host == "127.0.0.1"
        # The class and the message, so an integrator can tell a refusal from a DNS failure.
        assert attempt.error is not None
        assert attempt.error.startswith("ConnectError: ")
        assert "refused" in attempt.error.lower()


def test_a_rolled_back_state_change_sends_nothing(fast_container: Container, caller: Caller) -> None:
    with running_receiver() as receiver, running_jobs(fast_container):
        subscribe(fast_container, caller.account_id, receiver.url)

        def failing_state_change() -> None:
            with transaction(fast_container.session_factory) as session:
                service.emit(session, caller.account_id, "task.state.updated", {"transaction": {}})
                raise RuntimeError("the state change failed")

        with pytest.raises(RuntimeError):
            failing_state_change()
        time.sleep(1.0)
        assert receiver.requests == []
    assert deliveries(fast_container) == []


def test_slow_receiver_times_out_and_is_retried(settings: Settings, caller: Caller) -> None:
    slow = make_settings(
        settings.data_dir,
        settings.database_url,
        webhooks={"retry_schedule_seconds": [0.2], "timeout_seconds": 0.5},
        jobs={"poll_interval_seconds": 0.1},
    )
    container = build_container(slow)
    try:
        with running_receiver([("hang", 2.0), 200]) as receiver, running_jobs(container):
            subscribe(container, caller.account_id, receiver.url)
            emit(container, caller.account_id)
            receiver.wait_for(2)
            eventually(lambda: deliveries(container)[0].state == "succeeded")
        with container.session_factory() as session:
            errors = list(session.scalars(select(WebhookAttempt.error).order_by(WebhookAttempt.number)))
        assert errors == ["ReadTimeout: timed out", None]
    finally:
        container.close()


@pytest.fixture
def strict_container(settings: Settings) -> Iterator[Container]:
    """Deliveries refuse private targets, as in production (the webhooks were registered earlier,
    when the operator still allowed them)."""
    strict = make_settings(
        settings.data_dir,
        settings.database_url,
        webhooks={"retry_schedule_seconds": [0.3, 0.3, 0.3], "allow_private_targets": False},
        jobs={"poll_interval_seconds": 0.1},
    )
    built = build_container(strict)
    yield built
    built.close()


@pytest.mark.parametrize(
    ("url", "reason", "message"),
    [
        ("https://127.0.0.1:9/hook", "refused", "private address"),
        ("http://127.0.0.1:9/hook", "invalid_url", "https"),
    ],
)
def test_a_target_that_can_never_succeed_fails_at_once_with_its_reason(
    strict_container: Container, caller: Caller, url: str, reason: str, message: str
) -> None:
    with running_jobs(strict_container):
        subscribe(strict_container, caller.account_id, url)
        emit(strict_container, caller.account_id)
        eventually(lambda: deliveries(strict_container)[0].state == "failed")
        time.sleep(1.0)  # a retry would have been made by now
    (record,) = deliveries(strict_container)
    assert (record.failure_reason, record.attempts, record.next_attempt_at) == (reason, 1, None)
    with strict_container.session_factory() as session:
        (attempt,) = session.scalars(select(WebhookAttempt))
    assert attempt.outcome == "refused"
    assert attempt.host == "127.0.0.1"
    assert attempt.error is not None
    assert message in attempt.error


def test_410_gone_stops_the_delivery_at_once(fast_container: Container, caller: Caller) -> None:
    with running_receiver([410, 200]) as receiver, running_jobs(fast_container):
        subscribe(fast_container, caller.account_id, receiver.url)
        emit(fast_container, caller.account_id)
        eventually(lambda: deliveries(fast_container)[0].state == "failed")
        time.sleep(1.0)
        assert len(receiver.requests) == 1
    (record,) = deliveries(fast_container)
    assert (record.failure_reason, record.attempts) == ("gone", 1)


def test_a_waiting_retry_is_a_delayed_job_not_a_sleeping_one(
    fast_container: Container, caller: Caller
) -> None:
    slow = make_settings(
        fast_container.settings.data_dir,
        fast_container.settings.database_url,
        webhooks={"retry_schedule_seconds": [3600]},
        jobs={"poll_interval_seconds": 0.1},
    )
    container = build_container(slow)
    try:
        with running_receiver([500]) as receiver, running_jobs(container):
            subscribe(container, caller.account_id, receiver.url)
            emit(container, caller.account_id)
            receiver.wait_for(1)
            eventually(lambda: deliveries(container)[0].attempts == 1)

            def statuses() -> list[str]:
                return sorted(s for stats in jobs.queue_stats(container.session_factory) for s in stats.depth)

            eventually(lambda: statuses() == ["DELAYED"])
        (record,) = deliveries(container)
        assert record.state == "pending"
        assert record.next_attempt_at is not None
    finally:
        container.close()
