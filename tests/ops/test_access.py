"""Who may read /metrics and the API docs on the main listener."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from idscan.app import create_app
from idscan.config import Settings
from idscan.container import Container
from tests.conftest import make_settings

TOKEN = "m" * 16 + "0123456789abcdef"  # the shortest accepted


@pytest.fixture
def app_with(settings: Settings, container: Container) -> Iterator[Any]:
    clients: list[TestClient] = []

    def make(**overrides: Any) -> TestClient:
        changed = make_settings(settings.data_dir, settings.database_url, **overrides)
        client = TestClient(create_app(changed, container=container, run_jobs=False))
        clients.append(client.__enter__())
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def test_the_embedded_default_serves_metrics_and_docs_on_loopback(app_with: Any) -> None:
    client = app_with()  # host 127.0.0.1, no token
    assert client.get("/metrics").status_code == 200
    assert client.get("/id-scan/v1/docs").status_code == 200


def test_on_a_public_address_metrics_and_docs_are_off_by_default(app_with: Any) -> None:
    client = app_with(host="0.0.0.0")
    metrics = client.get("/metrics")
    assert metrics.status_code == 404
    assert metrics.json()["code"] == "not_found"
    assert "idscan_http_requests_total" not in metrics.text
    assert client.get("/id-scan/v1/docs").status_code == 404
    assert client.get("/id-scan/v1/docs/oauth2-redirect").status_code == 404
    # Integrators generate their clients from the contract: it stays.
    assert client.get("/id-scan/v1/openapi.json").json()["info"]["title"] == "idscan"


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_with_a_token_metrics_demand_it_in_constant_time(app_with: Any, host: str) -> None:
    client = app_with(host=host, ops={"metrics_token": TOKEN})
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        refused = client.get("/metrics", headers=headers)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"].startswith("Bearer")
        assert "idscan_http_requests_total" not in refused.text
    allowed = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert allowed.status_code == 200
    assert "idscan_http_requests_total" in allowed.text


def test_with_a_separate_listener_the_main_one_serves_no_metrics(app_with: Any) -> None:
    client = app_with(ops={"metrics_bind": "127.0.0.1:9108", "metrics_token": TOKEN})
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404


def test_docs_follow_the_setting_whatever_the_address(app_with: Any) -> None:
    assert app_with(ops={"api_docs": False}).get("/id-scan/v1/docs").status_code == 404
    assert app_with(host="0.0.0.0", ops={"api_docs": True}).get("/id-scan/v1/docs").status_code == 200
