"""The error table's edges: a 405 names every method of the path."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Caller

API = "/id-scan/v1"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", f"{API}/transactions", "GET, POST"),
        ("OPTIONS", f"{API}/webhooks", "GET, POST"),
        ("POST", f"{API}/webhooks/00000000-0000-4000-8000-000000000000", "DELETE, GET, PATCH"),
        ("PATCH", f"{API}/transactions/00000000-0000-4000-8000-000000000000", "DELETE, GET"),
        ("DELETE", f"{API}/downloads/{'A' * 50}", "GET"),
    ],
)
def test_method_not_allowed_lists_every_method_of_the_path(
    client: TestClient, caller: Caller, method: str, path: str, allow: str
) -> None:
    response = client.request(method, path, headers=caller.headers())
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json()["code"] == "method_not_allowed"
