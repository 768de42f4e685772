"""Results and downloads answer only the owning account."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from idscan.container import Container
from idscan.db import transaction
from idscan.lib.ids import token_digest
from idscan.models import Transaction
from idscan.results import service as results
from tests.conftest import Caller
from tests.support.rawdb import assert_not_stored

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


def test_a_download_token_is_kept_only_as_a_digest(
    client: TestClient, caller: Caller, container: Container
) -> None:
    trx_id = client.post(
        f"{API}/transactions", json={"tasks": ["document_scan"]}, headers=caller.headers()
    ).json()["id"]
    key = f"transactions/{trx_id}/attempts/a/portrait.jpg"
    container.blobs.put(key, b"\xff\xd8 a portrait")
    with transaction(container.session_factory) as session:
        trx = session.get(Transaction, trx_id)
        assert trx is not None
        url = results.new_download(session, trx, key, "image/jpeg", "portrait", "http://testserver")
    token = url.rsplit("/", 1)[1]
    assert_not_stored(container.settings.database_url, token)
    image = client.get(url.removeprefix("http://testserver"), headers=caller.headers())
    assert image.content == b"\xff\xd8 a portrait"
    # The digest itself opens nothing.
    assert client.get(f"{API}/downloads/{token_digest(token)}", headers=caller.headers()).status_code == 404
