"""The hot routes answer exactly as the FastAPI routes they stand in for.

Each request goes to two apps on the same database: the real one (HotRoutes in front) and one with
that layer taken out, so that FastAPI answers everything. Their answers must be the same, whatever
the request: good, malformed, unauthenticated, too large, another account's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from idscan.app import create_app
from idscan.config import Settings
from idscan.container import Container
from idscan.transactions.hot_routes import HotRoutes
from tests.conftest import Caller

URL = "/id-scan/v1/transactions"
BODY = {"tasks": ["document_scan", "face_liveness", "face_match"], "locale": "fr-FR"}


def _without_hot_routes(app: FastAPI) -> FastAPI:
    app.user_middleware = [m for m in app.user_middleware if m.cls is not HotRoutes]
    return app


@pytest.fixture
def plain(settings: Settings, container: Container) -> Iterator[TestClient]:
    app = _without_hot_routes(create_app(settings, container=container, run_jobs=False))
    with TestClient(app) as test_client:
        yield test_client


def _answer(response: Any) -> tuple[int, str, dict[str, str], Any]:
    headers = {
        k: v for k, v in response.headers.items() if k in ("content-type", "www-authenticate", "allow")
    }
    body = response.json() if response.content else None
    if isinstance(body, dict):
        # What differs by design between two creates: the new transaction's identity and times.
        for key in ("id", "url", "created", "expires"):
            body.pop(key, None)
    return response.status_code, response.headers.get("content-type", ""), headers, body


def test_the_layer_is_in_front_of_the_app(client: TestClient) -> None:
    assert any(m.cls is HotRoutes for m in client.app.user_middleware)  # type: ignore[attr-defined]


REQUESTS: dict[str, Callable[[Caller], dict[str, Any]]] = {
    "good": lambda c: {"json": BODY, "headers": c.headers()},
    "every setting": lambda c: {
        "json": {
            **BODY,
            "settings": {"documentScan": {"minimumAge": 18, "redactFields": ["personal_number"]}},
            "mobileOnly": True,
            "returnUrl": "https://shop.example/done",
        },
        "headers": c.headers(),
    },
    "not JSON": lambda c: {
        "content": b"{tasks:",
        "headers": {**c.headers(), "Content-Type": "application/json"},
    },
    "a JSON array": lambda c: {"json": [BODY], "headers": c.headers()},
    "an empty body": lambda c: {"headers": {**c.headers(), "Content-Type": "application/json"}},
    "an unknown task": lambda c: {"json": {"tasks": ["palm_scan"]}, "headers": c.headers()},
    "an unknown field": lambda c: {"json": {**BODY, "colour": "red"}, "headers": c.headers()},
    "NaN": lambda c: {
        "content": b'{"tasks": ["document_scan"], "expiresIn": NaN}',
        "headers": {**c.headers(), "Content-Type": "application/json"},
    },
    "no token": lambda c: {"json": BODY},
    "no token, bad body": lambda c: {"json": {"tasks": 3}},
    "a forged token": lambda c: {
        "json": BODY,
        "headers": {"Authorization": c.headers()["Authorization"][:-4] + "AAAA"},
    },
    "a chunked body over the limit": lambda c: {
        "content": iter([b'{"tasks": ["document_scan"], "x": "', b"y" * 70_000, b'"}']),
        "headers": {**c.headers(), "Content-Type": "application/json"},
    },
    "a declared body over the limit": lambda c: {
        "json": {**BODY, "x": "y" * 70_000},
        "headers": c.headers(),
    },
}


EXPECTED = {
    "good": 201,
    "every setting": 201,
    "not JSON": 400,
    "a JSON array": 422,
    "an empty body": 422,
    "an unknown task": 422,
    "an unknown field": 422,
    "NaN": 422,
    "no token": 401,
    "no token, bad body": 401,
    "a forged token": 401,
    "a chunked body over the limit": 413,
    "a declared body over the limit": 413,
}


@pytest.mark.parametrize("name", REQUESTS)
def test_a_create_is_answered_as_fastapi_answers_it(
    name: str, client: TestClient, plain: TestClient, caller: Caller
) -> None:
    fast = client.post(URL, **REQUESTS[name](caller))
    slow = plain.post(URL, **REQUESTS[name](caller))
    assert _answer(fast) == _answer(slow)
    assert fast.status_code == EXPECTED[name]


def test_a_read_is_answered_as_fastapi_answers_it(
    client: TestClient, plain: TestClient, caller: Caller, make_caller: Callable[..., Caller]
) -> None:
    created = client.post(URL, json=BODY, headers=caller.headers()).json()
    other = make_caller("globex")
    erased = client.post(URL, json=BODY, headers=caller.headers()).json()
    assert client.delete(f"{URL}/{erased['id']}", headers=caller.headers()).status_code == 204
    cases = [
        (f"{URL}/{created['id']}", caller.headers()),  # pending: with its url
        (f"{URL}/{created['id']}", other.headers()),  # another account's: not found
        (f"{URL}/{created['id']}", {}),  # no token
        (f"{URL}/{erased['id']}", caller.headers()),  # erased: gone
        (f"{URL}/no-such-id", caller.headers()),
    ]
    for path, headers in cases:
        fast, slow = client.get(path, headers=headers), plain.get(path, headers=headers)
        assert (fast.status_code, fast.headers["content-type"], fast.content) == (
            slow.status_code,
            slow.headers["content-type"],
            slow.content,
        ), path
    assert client.get(cases[0][0], headers=caller.headers()).json()["url"] == created["url"]


def test_other_methods_and_paths_reach_fastapi(client: TestClient, caller: Caller) -> None:
    created = client.post(URL, json=BODY, headers=caller.headers()).json()
    assert client.put(URL, json=BODY, headers=caller.headers()).status_code == 405
    assert client.get(f"{URL}/{created['id']}/more", headers=caller.headers()).status_code == 404
    listed = client.get(URL, headers=caller.headers())
    assert [t["id"] for t in listed.json()["items"]] == [created["id"]]
