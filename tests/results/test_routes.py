"""Results and downloads answer only the owning account."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.conftest import Caller

API = "/id-scan/v1"


def test_unknown_download_token_is_404(client: TestClient, caller: Caller) -> None:
    response = client.get(f"{API}/downloads/{'A' * 50}", headers=caller.headers())
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_downloads_need_a_token(client: TestClient) -> None:
    assert client.get(f"{API}/downloads/{'A' * 50}").status_code == 401


def test_results_of_another_account_are_404(
    client: TestClient, caller: Caller, make_caller: Callable[..., Caller]
) -> None:
    trx = client.post(
        f"{API}/transactions", json={"tasks": ["document_scan"]}, headers=caller.headers()
    ).json()
    other = make_caller("globex")
    response = client.get(f"{API}/transactions/{trx['id']}/results/x", headers=other.headers())
    assert response.status_code == 404
    mine = client.get(f"{API}/transactions/{trx['id']}/results/x", headers=caller.headers())
    assert mine.status_code == 409
