"""Console fixtures: users made through the services, a signed-in TestClient, and a completed
transaction with redacted files built directly (no pipeline), so most tests run in milliseconds."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient

from idscan.console import users
from idscan.container import Container
from idscan.db import transaction
from idscan.lib.clock import utcnow
from idscan.lib.ids import new_uuid
from idscan.models import DocumentScan, LivenessSession, Transaction
from idscan.results import document_numbers as numbers
from idscan.results import service as results
from idscan.transactions.states import TaskState, TransactionState
from tests.conftest import Caller
from tests.support.factories import new_transaction

PASSWORD = "correct horse battery staple"
JPEG = b"\xff\xd8\xff\xe0redacted-image\xff\xd9"
RAW = b"\xff\xd8\xff\xe0RAW-UNREDACTED\xff\xd9"
NUMBER = "SPEC12345"


@dataclass
class ConsoleUser:
    email: str
    role: str
    secret: str | None
    steps: list[int] = field(default_factory=list)

    def code(self) -> str:
        """A TOTP code not used before (each code is good once): the next step in the window."""
        assert self.secret is not None
        now = int(time.time() // 30)
        step = max([now - 1, *(s + 1 for s in self.steps)])
        assert step <= now + 1, "out of fresh codes in this 30-second window"
        self.steps.append(step)
        return pyotp.TOTP(self.secret).at(step * 30)


@pytest.fixture
def make_user(container: Container) -> Callable[..., ConsoleUser]:
    def make(
        email: str = "admin@example.org", role: str = "admin", *, totp: bool | None = None
    ) -> ConsoleUser:
        with_totp = role == "admin" if totp is None else totp
        user = ConsoleUser(email, role, pyotp.random_base32() if with_totp else None)
        with transaction(container.session_factory) as session:
            new = users.create(session, email, users.Role(role))
            code = user.code() if user.secret else ""
            users.complete_setup(
                session, container.keyring, new.setup_token, PASSWORD, user.secret or "", code
            )
        return user

    return make


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def login(client: TestClient, user: ConsoleUser) -> str:
    """Sign in through the form; returns the session's CSRF token."""
    form = client.get("/console/login")
    answer = client.post(
        "/console/login",
        data={
            "email": user.email,
            "password": PASSWORD,
            "code": user.code() if user.secret else "",
            "csrf": csrf_of(form.text),
            "next": "/console/transactions",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    page = client.get("/console/transactions")
    assert page.status_code == 200
    return csrf_of(page.text)


@pytest.fixture
def console(client: TestClient, make_user: Callable[..., ConsoleUser]) -> tuple[TestClient, str]:
    """A TestClient signed in as an admin, and its CSRF token."""
    return client, login(client, make_user())


def completed_transaction(
    container: Container, caller: Caller, *, settings: dict[str, Any] | None = None, number: str = NUMBER
) -> str:
    """A completed transaction with an accepted attempt: a raw upload (never served), a redacted
    front and a portrait (served), a selfie, a sealed result, and its document-number digest."""
    body: dict[str, Any] = {"tasks": ["document_scan", "face_liveness", "face_match"]}
    if settings:
        body["settings"] = settings
    trx_id = new_transaction(container, caller, **body)
    api = container.settings.effective_api_base_url
    with transaction(container.session_factory) as session:
        trx = session.get(Transaction, trx_id)
        assert trx is not None
        scan_id, live_id = new_uuid(), new_uuid()
        files = []
        for kind, data in (("raw_document_image", RAW), ("document_front", JPEG), ("portrait", JPEG)):
            key = f"transactions/{trx_id}/attempts/{scan_id}/{kind}.jpg"
            container.blobs.put(key, data)
            item: dict[str, Any] = {"category": "document", "type": kind, "key": key}
            if kind != "raw_document_image":
                url = results.new_download(session, trx, key, "image/jpeg", kind, api)
                item["url_sealed"] = results.seal_url(container.keyring, key, url)
            files.append(item)
        selfie_key = f"transactions/{trx_id}/liveness/{live_id}/selfie.jpg"
        container.blobs.put(selfie_key, JPEG)
        selfie_url = results.new_download(session, trx, selfie_key, "image/jpeg", "selfie", api)
        now = utcnow()
        session.add(
            DocumentScan(
                id=scan_id, transaction_id=trx_id, created_at=now, source="file", code="accepted", score=0.97,
                side="front", document_type="passport", files=files, processed_at=now,
            )
        )  # fmt: skip
        session.add(
            LivenessSession(
                id=live_id, transaction_id=trx_id, nonce=new_uuid(), plan={}, created_at=now, expires_at=now,
                submitted_at=now, processed_at=now, passed=True, score=0.8, reasons=[],
                files=[{"category": "image", "type": "selfie", "key": selfie_key,
                        "url_sealed": results.seal_url(container.keyring, selfie_key, selfie_url)}],
            )
        )  # fmt: skip
        for task in trx.tasks:
            task.state, task.attempts = TaskState.COMPLETED, 1
            if task.type != "document_scan":
                task.score, task.passed = 0.8, True
        fields = [{"field": "document_number", "values": [{"source": "mrz", "value": number}]}]
        results.store(
            session,
            container.keyring,
            trx,
            {"tasks": [{"type": "document_scan", "state": "completed", "result": fields}]},
        )
        trx.state, trx.completed_at = TransactionState.COMPLETED, now
        numbers.remember(session, container.keyring, trx_id, number)
    return trx_id


def audit_actions(container: Container) -> list[str]:
    from sqlalchemy import select

    from idscan.models import AuditEntry

    with container.session_factory() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.at, AuditEntry.id)))


def json_of(text: str) -> Any:
    return json.loads(text)
