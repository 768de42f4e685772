"""Health, readiness, metrics, rate limits and logs."""

from __future__ import annotations

import logging
import re
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from idscan import jobs
from idscan.app import create_app
from idscan.bootstrap import build_container
from idscan.config import Settings
from idscan.container import Container
from idscan.db import transaction
from idscan.jobs import health
from idscan.lib.clock import utcnow
from idscan.models import WorkerHeartbeat
from idscan.pipeline.kinds import DOCUMENT_JOB
from tests.conftest import Caller, make_settings


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def beat(container: Container, executor_id: str = "w-1", age_seconds: float = 0) -> None:
    """A job worker's heartbeat, as the runtime writes it."""
    when = utcnow() - timedelta(seconds=age_seconds)
    with transaction(container.session_factory) as session:
        session.merge(WorkerHeartbeat(executor_id=executor_id, started_at=when, beat_at=when))


def test_readyz_reports_each_dependency(client: TestClient, container: Container) -> None:
    beat(container)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "storage": "ok", "models": "ok", "jobs": "ok"},
    }


def test_readyz_fails_when_no_worker_polls(client: TestClient, container: Container) -> None:
    response = client.get("/readyz")
    assert (response.status_code, response.json()["checks"]["jobs"]) == (503, "no worker has ever polled")
    beat(container, age_seconds=120)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["jobs"] == "no worker has polled for 120 s"
    beat(container, "w-2")  # any live worker will do
    assert client.get("/readyz").status_code == 200


def test_readyz_fails_when_a_runnable_job_waits_too_long(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    strict = make_settings(settings.data_dir, settings.database_url, jobs={"max_wait_seconds": 30.0})
    container = build_container(strict)
    try:
        beat(container)
        with transaction(container.session_factory) as session:
            jobs.enqueue(session, DOCUMENT_JOB, {"attempt_id": "nothing"})
        with TestClient(create_app(strict, container=container, run_jobs=False)) as client:
            assert client.get("/readyz").status_code == 200
            later = time.time() + 45
            monkeypatch.setattr(health.time, "time", lambda: later)
            response = client.get("/readyz")
    finally:
        container.close()
    assert response.status_code == 503
    assert re.fullmatch(
        r"a job in queue 'idscan' has waited 4\d s \(limit 30 s\)", response.json()["checks"]["jobs"]
    )


def test_readyz_is_ready_with_the_embedded_worker(settings: Settings, container: Container) -> None:
    with TestClient(create_app(settings, container=container, run_jobs=True)) as client:
        response = client.get("/readyz")
    assert response.status_code == 200, response.json()


def test_readyz_fails_when_storage_is_gone(client: TestClient, container: Container) -> None:
    import shutil

    shutil.rmtree(container.settings.blob_path)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "unreachable"


def test_metrics_count_requests_by_route_template(client: TestClient, caller: Caller) -> None:
    created = client.post(
        "/id-scan/v1/transactions", json={"tasks": ["document_scan"]}, headers=caller.headers()
    )
    client.get(f"/id-scan/v1/transactions/{created.json()['id']}", headers=caller.headers())
    client.get("/healthz")  # no API key: mode "none"
    text = client.get("/metrics").text
    assert (
        'idscan_http_requests_total{method="POST",mode="live",route="/id-scan/v1/transactions",'
        'status="201"} 1.0' in text
    )
    assert 'route="/id-scan/v1/transactions/{transaction_id}",status="200"' in text
    assert 'idscan_http_requests_total{method="GET",mode="none",route="/healthz",status="200"}' in text
    assert created.json()["id"] not in text
    assert "idscan_http_request_duration_seconds_bucket" in text
    assert 'idscan_job_queue_depth{queue="idscan",status="ENQUEUED"}' in text
    assert 'idscan_job_queue_depth{queue="idscan.deliveries",status="DELAYED"}' in text
    assert 'idscan_job_oldest_wait_seconds{queue="idscan.maintenance"} 0.0' in text
    assert "idscan_webhook_delivery_attempts_total" in text


def test_rate_limit_per_credential(settings: Settings, container: Container, caller: Caller) -> None:
    limited = settings.model_copy(
        update={
            "rate_limit": settings.rate_limit.model_copy(
                update={"enabled": True, "per_credential": "3/minute"}
            )
        }
    )
    with TestClient(create_app(limited, container=container, run_jobs=False)) as client:
        statuses = [
            client.get("/id-scan/v1/transactions", headers=caller.headers()).status_code for _ in range(4)
        ]
        assert statuses == [200, 200, 200, 429]
        response = client.get("/id-scan/v1/transactions", headers=caller.headers())
        assert response.json()["code"] == "rate_limited"
        assert 0 < int(response.headers["retry-after"]) <= 60


def test_logs_hold_no_secrets_tokens_or_bodies(
    client: TestClient, caller: Caller, caplog: pytest.LogCaptureFixture
) -> None:
    from idscan.ops.logging import JsonFormatter

    headers = caller.headers()
    token = headers["Authorization"].split()[1]
    with caplog.at_level(logging.DEBUG):
        created = client.post(
            "/id-scan/v1/transactions",
            json={"tasks": ["document_scan"], "returnUrl": "https://shop.example/private-path"},
            headers=headers,
        ).json()
        client.get(f"/id-scan/v1/transactions/{created['id']}", headers=headers)
        client.get("/id-scan/v1/transactions", headers={"Authorization": "Bearer bad.token.here"})
    formatter = JsonFormatter()
    rendered = "\n".join(formatter.format(r) for r in caplog.records)
    assert "request" in rendered  # the access log is there
    for secret in (token, caller.secret, "private-path", created["url"].rsplit("/", 1)[1], "bad.token.here"):
        assert secret not in rendered


def test_readyz_fails_when_a_model_file_is_missing(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from idscan.lib import model_files
    from idscan.ops import routes

    def missing(model: model_files.ModelFile) -> None:
        raise model_files.ModelIntegrityError(f"{model.name} missing")

    routes.models_verified.cache_clear()
    monkeypatch.setattr(model_files, "verified_path", missing)
    response = client.get("/readyz")
    routes.models_verified.cache_clear()
    assert response.status_code == 503
    assert response.json()["checks"]["models"] == "missing or altered"


def test_the_access_log_names_an_unmatched_path_with_tokens_masked(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    token = "A" * 50
    with caplog.at_level(logging.INFO):
        client.get(f"/en-us/identification/{token}/x?secret=1")
        client.get("/wp-login.php")
    paths = [r.__dict__.get("path") for r in caplog.records if r.getMessage() == "request"]
    assert paths == ["/en-us/identification/…/x", "/wp-login.php"]
    assert not [r for r in caplog.records if r.name.startswith("idscan") and token in r.getMessage()]
