"""Reports through the API: simple and sealed extended, states, tenancy, expiry."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from idscan.container import Container
from idscan.db import transaction
from idscan.lib.clock import utcnow
from idscan.models import Transaction
from idscan.pipeline import document
from idscan.report import seal
from tests.conftest import Caller
from tests.documents.synth import make_document, need_faces, need_fonts, photograph

API = "/id-scan/v1"


@pytest.fixture(scope="module")
def passport() -> tuple[Any, bytes]:
    need_fonts()
    need_faces()
    doc = make_document(31, kind="passport", country="NLD")
    return doc, photograph(doc.sides[0].image, "medium", random.Random(31), turns=2).data


def completed(
    client: TestClient, container: Container, caller: Caller, photo: bytes, **scan: Any
) -> dict[str, Any]:
    body = {
        "tasks": ["document_scan"],
        "locale": "nl-NL",
        "settings": {"documentScan": {"allowedExpiration": 3650, **scan}},
    }
    trx = client.post(f"{API}/transactions", json=body, headers=caller.headers()).json()
    path = trx["url"].removeprefix("http://testserver")
    attempt = client.post(
        f"{path}/documents",
        files={"file": ("p.jpg", photo, "image/jpeg")},
        headers={"Accept": "application/json"},
    ).json()
    document.run(container, attempt["attemptId"])
    detail: dict[str, Any] = client.get(f"{API}/transactions/{trx['id']}", headers=caller.headers()).json()
    assert detail["state"] == "completed"
    return detail


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def report_url(detail: dict[str, Any], kind: str) -> str:
    return f"{API}/transactions/{detail['id']}/results/{detail['resultId']}/report?type={kind}"


def test_simple_report_holds_the_fields_but_no_redacted_value(
    client: TestClient, container: Container, caller: Caller, passport: tuple[Any, bytes]
) -> None:
    doc, photo = passport
    detail = completed(client, container, caller, photo, redactFields=["document_number"])
    response = client.get(report_url(detail, "simple"), headers=caller.headers())
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = text_of(response.content)
    assert detail["id"] in text
    assert doc.identity.surname.upper().split()[-1] in text.upper()
    assert doc.identity.document_number not in text
    assert seal.verify(response.content).intact is False  # the simple report is not sealed


def test_extended_report_is_sealed_and_intact(
    client: TestClient, container: Container, caller: Caller, passport: tuple[Any, bytes]
) -> None:
    detail = completed(client, container, caller, passport[1])
    response = client.get(report_url(detail, "extended"), headers=caller.headers())
    assert response.status_code == 200
    status = seal.verify(response.content, [container.seal.certificate])
    assert status.intact
    assert status.valid
    assert status.trusted
    tampered = bytearray(response.content)
    tampered[len(tampered) // 3] ^= 0x01
    assert not seal.verify(bytes(tampered), [container.seal.certificate]).intact


def test_extended_report_after_expiry_is_410(
    client: TestClient, container: Container, caller: Caller, passport: tuple[Any, bytes]
) -> None:
    detail = completed(client, container, caller, passport[1])
    with transaction(container.session_factory) as session:
        stored = session.get(Transaction, detail["id"])
        assert stored is not None
        stored.expires_at = utcnow() - timedelta(seconds=1)
    assert client.get(report_url(detail, "extended"), headers=caller.headers()).status_code == 410
    assert client.get(report_url(detail, "simple"), headers=caller.headers()).status_code == 200


def test_reports_follow_the_result_rules(
    client: TestClient, caller: Caller, make_caller: Callable[..., Caller]
) -> None:
    trx = client.post(
        f"{API}/transactions", json={"tasks": ["document_scan"]}, headers=caller.headers()
    ).json()
    url = f"{API}/transactions/{trx['id']}/results/x/report"
    assert client.get(url, headers=caller.headers()).status_code == 409
    assert client.get(url, headers=make_caller("globex").headers()).status_code == 404
    assert client.get(f"{url}?type=fancy", headers=caller.headers()).status_code == 422


def test_the_simple_report_is_made_in_the_account_branding(
    client: TestClient, container: Container, caller: Caller, passport: tuple[Any, bytes]
) -> None:
    branding = {"displayName": "Acme Bank", "primaryColor": "#0b6e4f", "textColor": "#ffffff"}
    assert client.put(f"{API}/branding", json=branding, headers=caller.headers()).status_code == 200
    detail = completed(client, container, caller, passport[1])
    simple = client.get(report_url(detail, "simple"), headers=caller.headers())
    extended = client.get(report_url(detail, "extended"), headers=caller.headers())
    assert "Acme Bank" in text_of(simple.content)
    assert "Acme Bank" not in text_of(extended.content)
