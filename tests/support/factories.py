"""Small factories the tests share: a transaction through the API (a TestClient, or a base URL of a
real server) or through the service, and a document attempt on it."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi.testclient import TestClient

from idscan.config import VisionSettings
from idscan.container import Container
from idscan.db import transaction
from idscan.engines import Engines, shared_engines
from idscan.hosted import service as hosted
from idscan.models import Transaction
from idscan.transactions import schemas
from idscan.transactions import service as transactions
from tests.conftest import Caller

API = "/id-scan/v1"


def engines() -> Engines:
    """The process-wide model registry the tests share (models load once per test process)."""
    # the service's own OCR layout, so an app built in a test shares these models
    return shared_engines(2, ocr_pipelines=VisionSettings().ocr_pipelines)


def create_transaction(client: TestClient | str, caller: Caller, **body: Any) -> dict[str, Any]:
    """POST /transactions (`document_scan` alone unless `tasks` is given); the test fails unless 201."""
    request = {"tasks": ["document_scan"], **body}
    if isinstance(client, str):
        response = httpx.post(f"{client}{API}/transactions", json=request, headers=caller.headers())
    else:
        response = client.post(f"{API}/transactions", json=request, headers=caller.headers())
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def new_transaction(container: Container, caller: Caller, **body: Any) -> str:
    """A transaction made by the service directly (no HTTP); returns its ID."""
    data = schemas.TransactionCreate.model_validate({"tasks": ["document_scan"], **body})
    with transaction(container.session_factory) as session:
        return transactions.create(
            session, container.keyring, caller.account_id, data, "http://testserver"
        ).id


def new_attempt(container: Container, caller: Caller, data: bytes, **body: Any) -> tuple[str, str]:
    """A new transaction with one document upload on it: (transaction ID, attempt ID)."""
    trx_id = new_transaction(container, caller, **body)
    with transaction(container.session_factory) as session:
        trx = session.get(Transaction, trx_id)
        assert trx is not None
        return trx_id, hosted.submit_document(session, container.blobs, trx, data, "file").attempt_id
