"""Undeliverable webhooks with pending retries never hold up the pipeline: a document's verdict
arrives in its normal time beside fifty of them, and again after the worker restarts."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from idscan.bootstrap import build_container
from idscan.config import Settings
from idscan.container import Container
from idscan.db import transaction
from idscan.models import DocumentScan, WebhookDelivery
from idscan.webhooks import service as webhooks
from tests.conftest import Caller, make_settings
from tests.support.factories import new_attempt
from tests.support.runtime import eventually, running_jobs
from tests.webhooks.test_delivery import subscribe

DEAD_WEBHOOKS = 50
# An unreadable upload gets its verdict without the OCR models: seconds at most on this machine.
VERDICT_SECONDS = 20


@pytest.fixture
def patient(settings: Settings) -> Iterator[Container]:
    """Retries an hour apart, as in production: with sleeping jobs, every one of them would hold a
    worker slot for that hour."""
    built = build_container(
        make_settings(
            settings.data_dir,
            settings.database_url,
            webhooks={"retry_schedule_seconds": [3600] * 7, "timeout_seconds": 2},
            jobs={"poll_interval_seconds": 0.1},
        )
    )
    yield built
    built.close()


def pending_with_retries(container: Container) -> int:
    with container.session_factory() as session:
        rows = session.scalars(select(WebhookDelivery)).all()
    return sum(1 for d in rows if d.state == "pending" and d.attempts >= 1 and d.next_attempt_at is not None)


def verdict_time(container: Container, caller: Caller) -> float:
    _, attempt_id = new_attempt(container, caller, b"this is not a photo")
    started = time.monotonic()

    def judged() -> bool:
        with container.session_factory() as session:
            scan = session.get(DocumentScan, attempt_id)
            return scan is not None and scan.code is not None

    eventually(judged, timeout=VERDICT_SECONDS)
    with container.session_factory() as session:
        assert session.get(DocumentScan, attempt_id).code == "unsupported_file"  # type: ignore[union-attr]
    return time.monotonic() - started


def test_dead_webhooks_with_pending_retries_do_not_hold_up_documents(
    patient: Container, caller: Caller
) -> None:
    for port in range(DEAD_WEBHOOKS):
        # The README's example endpoint is unreachable; here nothing listens on that port.
        subscribe(patient, caller.account_id, f"http://127.0.0.1:9/hooks/{port}")
    with transaction(patient.session_factory) as session:
        webhooks.emit(session, caller.account_id, "transaction.state.updated", {"transaction": {"id": "t"}})
    with running_jobs(patient, "isolation"):
        eventually(lambda: pending_with_retries(patient) == DEAD_WEBHOOKS, timeout=60)
        verdict_time(patient, caller)
    assert pending_with_retries(patient) == DEAD_WEBHOOKS
    # After a restart the fifty retries are still due later; the pipeline is still free.
    with running_jobs(patient, "isolation"):
        verdict_time(patient, caller)
    assert pending_with_retries(patient) == DEAD_WEBHOOKS
