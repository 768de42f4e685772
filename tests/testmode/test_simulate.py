"""Test mode end to end: test and live are separate worlds, and each scripted outcome goes through
the real pipeline to the result, attempt codes, files, report and webhooks a real capture yields."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select

from idscan.container import Container
from idscan.db import transaction
from idscan.lib.clock import utcnow
from idscan.models import DocumentScan, Event, LivenessSession, Transaction
from idscan.transactions import tasks as transaction_tasks
from idscan.transactions.states import TransactionState
from tests.conftest import Caller
from tests.support.factories import API, create_transaction
from tests.support.receiver import running_receiver
from tests.support.runtime import eventually, running_jobs
from tests.testmode.test_specimen import need_fonts

FACES = ["document_scan", "face_liveness", "face_match"]


def simulate(client: TestClient, caller: Caller, trx_id: str, outcome: str) -> Any:
    return client.post(
        f"{API}/test/transactions/{trx_id}/simulate", json={"outcome": outcome}, headers=caller.headers()
    )


def detail(client: TestClient, caller: Caller, trx_id: str) -> dict[str, Any]:
    response = client.get(f"{API}/transactions/{trx_id}", headers=caller.headers())
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def task_state(client: TestClient, caller: Caller, trx_id: str, task: str) -> str:
    return next(t["state"] for t in detail(client, caller, trx_id)["tasks"] if t["type"] == task)


def test_test_and_live_are_separate_worlds(client: TestClient, caller: Caller, test_caller: Caller) -> None:
    live = create_transaction(client, caller)
    test = create_transaction(client, test_caller)
    assert live["test"] is False
    assert test["test"] is True
    assert test_caller.account_id != caller.account_id
    # Neither key sees the other world's transactions, results or lists.
    assert client.get(f"{API}/transactions/{live['id']}", headers=test_caller.headers()).status_code == 404
    assert client.get(f"{API}/transactions/{test['id']}", headers=caller.headers()).status_code == 404
    assert [t["id"] for t in client.get(f"{API}/transactions", headers=caller.headers()).json()["items"]] == [
        live["id"]
    ]
    listed = client.get(f"{API}/transactions", headers=test_caller.headers()).json()["items"]
    assert [(t["id"], t["test"]) for t in listed] == [(test["id"], True)]
    # Webhooks too: each key manages its own world's.
    hook = client.post(
        f"{API}/webhooks", json={"url": "https://hooks.example/t"}, headers=test_caller.headers()
    )
    assert hook.status_code == 201
    assert client.get(f"{API}/webhooks", headers=caller.headers()).json()["items"] == []
    # Scripted outcomes exist only for test transactions: a live key and a live transaction get 404.
    assert simulate(client, caller, live["id"], "document_valid").status_code == 404
    assert simulate(client, caller, test["id"], "document_valid").status_code == 404


def test_simulate_refuses_what_its_schema_does_not_allow(client: TestClient, test_caller: Caller) -> None:
    trx = create_transaction(client, test_caller)
    for body in ({"outcome": "document_forged"}, {"outcome": "document_valid", "extra": 1}, {}):
        response = client.post(
            f"{API}/test/transactions/{trx['id']}/simulate", json=body, headers=test_caller.headers()
        )
        assert response.status_code == 422, body
        assert response.headers["content-type"] == "application/problem+json"
    # A face outcome before the document step is done: the same 409 as the page's liveness step.
    assert simulate(client, test_caller, trx["id"], "liveness_passed").status_code == 409


@pytest.mark.parametrize(
    ("outcome", "code"),
    [
        ("document_expired", "document_expired"),
        ("document_mrz_invalid", "mrz_invalid"),
        ("document_under_age", "age_below_minimum"),
        ("document_unreadable", "image_too_blurry"),
    ],
)
def test_refused_documents_get_the_real_attempt_codes(
    client: TestClient, container: Container, test_caller: Caller, outcome: str, code: str
) -> None:
    need_fonts()
    trx = create_transaction(client, test_caller, settings={"documentScan": {"minimumAge": 18}})
    with running_jobs(container):
        assert simulate(client, test_caller, trx["id"], outcome).status_code == 202

        def coded() -> bool:
            task = detail(client, test_caller, trx["id"])["tasks"][0]
            return bool(task["documentScans"]) and task["documentScans"][0]["code"] != ""

        eventually(coded, timeout=60)
    task = detail(client, test_caller, trx["id"])["tasks"][0]
    assert [a["code"] for a in task["documentScans"]] == [code]
    assert task["state"] == "pending"  # one refused attempt, as for a real photo
    assert task["attempts"] == 1


def test_a_passing_verification_end_to_end(
    client: TestClient, container: Container, test_caller: Caller
) -> None:
    need_fonts()
    with running_receiver() as receiver:
        hook = client.post(f"{API}/webhooks", json={"url": receiver.url}, headers=test_caller.headers())
        assert hook.status_code == 201
        trx = create_transaction(
            client, test_caller, tasks=FACES, settings={"documentScan": {"minimumAge": 18}}
        )
        with running_jobs(container):
            assert simulate(client, test_caller, trx["id"], "document_valid").status_code == 202
            eventually(lambda: task_state(client, test_caller, trx["id"], "document_scan") == "completed", 60)
            answer = simulate(client, test_caller, trx["id"], "liveness_passed")
            assert answer.status_code == 202
            assert answer.json()["livenessSessionId"]
            eventually(lambda: detail(client, test_caller, trx["id"])["state"] == "completed", 60)
            receiver.wait_for(4)  # a task event per task, then the transaction's
        done = detail(client, test_caller, trx["id"])
        events = [json.loads(r.body) for r in receiver.requests]
    assert done["test"] is True
    assert {t["type"]: t["state"] for t in done["tasks"]} == dict.fromkeys(FACES, "completed")
    result = client.get(
        f"{API}/transactions/{trx['id']}/results/{done['resultId']}", headers=test_caller.headers()
    )
    assert result.status_code == 200
    tasks = {t["type"]: t for t in result.json()["tasks"]}
    fields = {f["field"] for f in tasks["document_scan"]["result"]}
    assert {"document_number", "surname", "date_of_expiry"} <= fields
    assert tasks["face_match"]["score"] > 0.5
    files = [f["type"] for task in tasks.values() for f in task.get("files") or []]
    assert {"portrait", "selfie"} <= set(files)
    portrait = next(f for task in tasks.values() for f in task.get("files") or [] if f["type"] == "portrait")
    assert client.get(portrait["url"], headers=test_caller.headers()).content[:2] == b"\xff\xd8"
    assert {e["type"] for e in events} == {"transaction.state.updated", "task.state.updated"}
    report = client.get(
        f"{API}/transactions/{trx['id']}/results/{done['resultId']}/report?type=simple",
        headers=test_caller.headers(),
    )
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(report.content)).pages)
    assert "TEST" in text
    assert "SPECIMEN" in text


@pytest.mark.parametrize(
    ("outcome", "failed"),
    [
        ("liveness_failed", {"face_liveness": "passive_spoof_suspected", "face_match": "dependency_failed"}),
        ("face_mismatch", {"face_match": "face_mismatch"}),
        (
            "document_unreadable",
            {
                "document_scan": "image_too_blurry",  # the last attempt's code
                "face_liveness": "dependency_failed",
                "face_match": "dependency_failed",
            },
        ),
    ],
)
def test_a_task_failed_for_good_fails_what_depends_on_it_and_completes(
    client: TestClient, container: Container, test_caller: Caller, outcome: str, failed: dict[str, str]
) -> None:
    """A failed liveness check leaves nothing to compare, a failed document nothing to follow: the
    transaction completes at once (and tells the integrator) instead of waiting for its expiry. Each
    failed task says why, in the transaction, the result and its webhook event."""
    need_fonts()
    trx = create_transaction(client, test_caller, tasks=FACES)
    with running_jobs(container):
        if outcome != "document_unreadable":
            simulate(client, test_caller, trx["id"], "document_valid")
            eventually(lambda: task_state(client, test_caller, trx["id"], "document_scan") == "completed", 60)
        # A definitive failure comes after the allowed attempts, as for real captures (a mismatch
        # is definitive at once).
        tries = 1 if outcome == "face_mismatch" else container.settings.transactions.max_attempts
        for _ in range(tries):
            assert simulate(client, test_caller, trx["id"], outcome).status_code == 202
            eventually(lambda: _all_processed(container, trx["id"]), 60)
        eventually(lambda: detail(client, test_caller, trx["id"])["state"] == "completed", 60)
    done = detail(client, test_caller, trx["id"])
    states = {t["type"]: t["state"] for t in done["tasks"]}
    assert {task for task, state in states.items() if state == "failed"} == set(failed)
    assert set(states.values()) <= {"completed", "failed"}
    assert {t["type"]: t["reason"] for t in done["tasks"]} == {t: failed.get(t) for t in states}
    result = client.get(
        f"/id-scan/v1/transactions/{trx['id']}/results/{done['resultId']}", headers=test_caller.headers()
    ).json()
    reasons = {t["type"]: t["reason"] for t in result["tasks"] if t["state"] == "failed"}
    assert reasons == failed
    assert all("reason" not in t for t in result["tasks"] if t["state"] == "completed")
    with container.session_factory() as session:
        bodies = session.scalars(select(Event.body).where(Event.account_id == test_caller.account_id)).all()
    told = {
        b["task"]["type"]: b["task"].get("reason")
        for b in bodies
        if b.get("task", {}).get("state") == "failed"
    }
    assert told == failed


def _all_processed(container: Container, trx_id: str) -> bool:
    """No document attempt and no liveness session of the transaction waits for the pipeline."""
    with container.session_factory() as session:
        waiting = [
            *session.scalars(
                select(LivenessSession.id).where(
                    LivenessSession.transaction_id == trx_id, LivenessSession.processed_at.is_(None)
                )
            ),
            *session.scalars(
                select(DocumentScan.id).where(
                    DocumentScan.transaction_id == trx_id, DocumentScan.processed_at.is_(None)
                )
            ),
        ]
        return not waiting


def test_the_sweep_erases_test_transactions_after_a_day(
    client: TestClient, container: Container, caller: Caller, test_caller: Caller
) -> None:
    old_test = create_transaction(client, test_caller)["id"]
    new_test = create_transaction(client, test_caller)["id"]
    old_live = create_transaction(client, caller)["id"]
    with transaction(container.session_factory) as session:
        for trx_id in (old_test, old_live):
            trx = session.get(Transaction, trx_id)
            assert trx is not None
            trx.created_at = utcnow() - timedelta(hours=25)
    container.blobs.put(f"transactions/{old_test}/front.jpg", b"img")
    transaction_tasks.run_sweep(container)
    with container.session_factory() as session:
        rows = {t: session.get(Transaction, t) for t in (old_test, new_test, old_live)}
        assert rows[old_test].erased_at is not None  # type: ignore[union-attr]
        assert rows[old_test].state == TransactionState.EXPIRED  # type: ignore[union-attr]
        assert rows[new_test].erased_at is None  # type: ignore[union-attr]
        assert rows[old_live].erased_at is None  # type: ignore[union-attr]  # live keeps its retention
    assert client.get(f"{API}/transactions/{new_test}", headers=test_caller.headers()).status_code == 200


def test_request_metrics_carry_the_mode(client: TestClient, caller: Caller, test_caller: Caller) -> None:
    create_transaction(client, caller)
    create_transaction(client, test_caller)
    text = client.get("/metrics").text
    line = 'idscan_http_requests_total{method="POST",mode="%s",route="/id-scan/v1/transactions",status="201"}'
    assert line % "live" in text
    assert line % "test" in text
