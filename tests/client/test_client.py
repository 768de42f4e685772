"""idscan.client against a real server on 127.0.0.1: every call, typed answers, typed errors."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

import httpx
import pytest

from idscan.client import (
    AsyncIdScanClient,
    ConflictError,
    GoneError,
    IdScanClient,
    NotFoundError,
    RateLimitedError,
    UnauthorizedError,
    ValidationFailedError,
    WebhookSignatureError,
    verify_webhook,
)
from idscan.config import Settings
from idscan.container import Container
from idscan.pipeline import document
from idscan.transactions.schemas import TransactionCreate, TransactionCreated
from tests.conftest import Caller
from tests.documents.synth import make_document, need_faces, need_fonts, photograph
from tests.support.live import live_service
from tests.support.receiver import running_receiver


def served(settings: Settings, **overrides: Any) -> AbstractContextManager[tuple[str, Container]]:
    """The service on a real port (no job worker: the tests run the pipeline step themselves)."""
    return live_service(settings, run_jobs=False, **overrides)


@pytest.fixture
def live(settings: Settings) -> Iterator[tuple[str, Container]]:
    with served(settings) as pair:
        yield pair


@pytest.fixture
def base(live: tuple[str, Container]) -> str:
    return live[0]


def client_for(base: str, caller: Caller) -> IdScanClient:
    return IdScanClient(base, caller.kid, caller.secret)


def test_transactions_round_trip(base: str, caller: Caller) -> None:
    with client_for(base, caller) as idscan:
        created = idscan.create_transaction(TransactionCreate.model_validate({"tasks": ["document_scan"]}))
        assert isinstance(created, TransactionCreated)
        also = idscan.create_transaction({"tasks": ["document_scan", "face_liveness"], "locale": "fr-FR"})
        assert also.locale == "fr-FR"
        detail = idscan.get_transaction(created.id)
        assert (detail.state, detail.url) == ("pending", created.url)
        page = idscan.list_transactions(state="pending", limit=1)
        assert page.next_cursor is not None
        rest = idscan.list_transactions(state="pending", cursor=page.next_cursor)
        assert {item.id for item in [*page.items, *rest.items]} == {created.id, also.id}
        idscan.cancel_transaction(created.id)
        with pytest.raises(GoneError):
            idscan.get_transaction(created.id)
        with pytest.raises(ConflictError) as pending:
            idscan.get_result(also.id, "00000000-0000-4000-8000-000000000000")
        assert pending.value.code == "transaction_not_completed"


def test_errors_are_typed(base: str, caller: Caller) -> None:
    with client_for(base, caller) as idscan:
        with pytest.raises(ValidationFailedError) as invalid:
            idscan.create_transaction({"tasks": ["face_match"], "locale": "xx-XX"})
        assert {p.path for p in invalid.value.problems} == {"tasks", "locale"}
        with pytest.raises(NotFoundError):
            idscan.get_transaction("00000000-0000-4000-8000-000000000000")
    with IdScanClient(base, caller.kid, "not-the-secret") as wrong, pytest.raises(UnauthorizedError):
        wrong.list_transactions()


def test_rate_limits_say_when_to_come_back(settings: Settings, caller: Caller) -> None:
    limits = {"enabled": True, "per_credential": "2/minute"}
    with served(settings, rate_limit=limits) as (url, _), client_for(url, caller) as idscan:
        idscan.list_transactions()
        idscan.list_transactions()
        with pytest.raises(RateLimitedError) as limited_error:
            idscan.list_transactions()
    assert limited_error.value.retry_after is not None
    assert 0 < limited_error.value.retry_after <= 60


def test_webhooks_and_their_tools(base: str, caller: Caller) -> None:
    with running_receiver([200]) as receiver, client_for(base, caller) as idscan:
        hook = idscan.create_webhook({"url": receiver.url, "headers": {"X-Api-Key": "k"}})
        assert idscan.get_webhook(hook.id).headers == {"X-Api-Key": "k"}
        assert [w.id for w in idscan.list_webhooks().items] == [hook.id]
        changed = idscan.update_webhook(hook.id, {"events": ["task.state.updated"]})
        assert changed.events == ["task.state.updated"]
        ping = idscan.test_webhook(hook.id)
        assert (ping.state, ping.event_type) == ("succeeded", "webhook.ping")
        (received,) = receiver.requests
        event = verify_webhook(hook.secret, received.body, received.headers)
        assert event["id"] == ping.event_id
        with pytest.raises(WebhookSignatureError):
            verify_webhook(hook.secret, received.body + b" ", received.headers)
        assert [d.id for d in idscan.list_deliveries(hook.id).items] == [ping.id]
        again = idscan.retry_delivery(hook.id, ping.id)
        assert len(again.attempts) == 2
        idscan.delete_webhook(hook.id)
        with pytest.raises(NotFoundError):
            idscan.get_webhook(hook.id)


def test_results_files_and_reports_of_a_completed_verification(
    live: tuple[str, Container], caller: Caller
) -> None:
    base, container = live
    need_fonts()
    need_faces()
    doc = make_document(31, kind="passport", country="NLD")
    photo = photograph(doc.sides[0].image, "medium", random.Random(31), turns=2).data
    with client_for(base, caller) as idscan:
        created = idscan.create_transaction(
            {"tasks": ["document_scan"], "settings": {"documentScan": {"allowedExpiration": 3650}}}
        )
        upload = httpx.post(
            f"{created.url}/documents",
            files={"file": ("p.jpg", photo, "image/jpeg")},
            headers={"Accept": "application/json"},
        )
        document.run(container, upload.json()["attemptId"])  # what the worker does
        detail = idscan.get_transaction(created.id)
        assert detail.state == "completed"
        assert detail.result_id is not None
        result = idscan.get_result(created.id, detail.result_id)
        files = [f for task in result["tasks"] for f in task.get("files", []) if f["url"]]
        assert files
        image = idscan.download(files[0]["url"])
        assert image[:3] == b"\xff\xd8\xff"  # a JPEG
        assert idscan.get_report(created.id, detail.result_id).startswith(b"%PDF")
        assert idscan.get_report(created.id, detail.result_id, "extended").startswith(b"%PDF")


def test_the_async_client_makes_the_same_calls(base: str, caller: Caller) -> None:
    async def scenario() -> None:
        async with AsyncIdScanClient(base, caller.kid, caller.secret) as idscan:
            created = await idscan.create_transaction({"tasks": ["document_scan"]})
            detail = await idscan.get_transaction(created.id)
            assert detail.url == created.url
            page = await idscan.list_transactions()
            assert created.id in [item.id for item in page.items]
            await idscan.cancel_transaction(created.id)
            with pytest.raises(GoneError):
                await idscan.get_transaction(created.id)

    asyncio.run(scenario())


def test_simulate_drives_a_test_transaction_and_is_refused_for_live(
    live: tuple[str, Container], caller: Caller, test_caller: Caller
) -> None:
    base, container = live
    need_fonts()
    with client_for(base, test_caller) as idscan:
        created = idscan.create_transaction({"tasks": ["document_scan"]})
        assert created.test is True
        answer = idscan.simulate(created.id, "document_valid")
        assert (answer.outcome, answer.transaction_id) == ("document_valid", created.id)
        assert answer.attempt_id is not None
        document.run(container, answer.attempt_id)  # what the worker does
        detail = idscan.get_transaction(created.id)
        assert detail.state == "completed"
        with pytest.raises(ValidationFailedError):
            idscan.simulate(created.id, "document_forged")
    with client_for(base, caller) as live_key:
        with pytest.raises(NotFoundError):
            live_key.simulate(created.id, "document_valid")  # another world's transaction
        live_trx = live_key.create_transaction({"tasks": ["document_scan"]})
        with pytest.raises(NotFoundError):
            live_key.simulate(live_trx.id, "document_valid")  # scripted outcomes are test-only

    async def from_async() -> None:
        async with AsyncIdScanClient(base, test_caller.kid, test_caller.secret) as aidscan:
            other = await aidscan.create_transaction({"tasks": ["document_scan"]})
            sent = await aidscan.simulate(other.id, "document_expired")
            assert sent.attempt_id is not None

    asyncio.run(from_async())
