"""The transactions API against the contract: creation, validation, reading, listing, erasure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from idscan.container import Container
from idscan.db import transaction
from idscan.models import Transaction
from tests.conftest import Caller
from tests.support.factories import create_transaction
from tests.support.rawdb import assert_not_stored

URL = "/id-scan/v1/transactions"

FULL_REQUEST: dict[str, Any] = {
    "tasks": ["document_scan", "face_liveness", "face_match"],
    "settings": {
        "documentScan": {
            "allowedExpiration": 30,
            "redactFields": ["personal_number", "signature"],
            "captureSources": ["camera", "file"],
            "level": "advanced",
            "minimumAge": 16,
            "maximumAge": 80,
            "validateFields": ["personal_number"],
            "extractFields": ["document_number", "given_names", "surname", "document_image", "portrait"],
        }
    },
    "locale": "nl-NL",
    "mobileOnly": False,
    "expiresIn": 3600,
    "returnUrl": "https://shop.example/idv/done",
    "scanReturnUrl": "https://shop.example/idv/status",
    "allowedOrigins": ["https://shop.example"],
}


def create(client: TestClient, caller: Caller, body: dict[str, Any] | None = None) -> dict[str, Any]:
    return create_transaction(client, caller, **(body or {}))


def test_create_full_request_echoes_normalised_values(client: TestClient, caller: Caller) -> None:
    body = create(client, caller, FULL_REQUEST)
    assert body["state"] == "pending"
    assert body["tasks"] == FULL_REQUEST["tasks"]
    assert body["settings"] == FULL_REQUEST["settings"]
    assert body["locale"] == "nl-NL"
    assert body["mobileOnly"] is False
    assert body["returnUrl"] == FULL_REQUEST["returnUrl"]
    assert body["scanReturnUrl"] == FULL_REQUEST["scanReturnUrl"]
    assert body["allowedOrigins"] == ["https://shop.example"]
    created = datetime.fromisoformat(body["created"])
    expires = datetime.fromisoformat(body["expires"])
    assert body["created"].endswith("+00:00")
    assert (expires - created).total_seconds() == 3600


def test_create_minimal_fills_every_default(client: TestClient, caller: Caller) -> None:
    body = create(client, caller)
    assert body["settings"] == {
        "documentScan": {
            "allowedExpiration": 0,
            "redactFields": [],
            "captureSources": ["camera", "file"],
            "level": "basic",
            "minimumAge": None,
            "maximumAge": None,
            "validateFields": [],
            "extractFields": None,
        }
    }
    assert body["locale"] == "en-US"
    assert body["mobileOnly"] is False
    for key in ("returnUrl", "scanReturnUrl", "allowedOrigins"):
        assert key in body
        assert body[key] is None


def test_url_uses_a_capability_token_and_lower_case_locale(client: TestClient, caller: Caller) -> None:
    body = create(client, caller, {"tasks": ["document_scan"], "locale": "FR-fr"})
    assert body["locale"] == "fr-FR"
    prefix = "http://testserver/fr-fr/identifications/"
    assert body["url"].startswith(prefix)
    token = body["url"].removeprefix(prefix)
    assert len(token) == 50
    assert token.isalnum()
    assert body["id"] not in body["url"]
    other = create(client, caller)
    assert other["url"].rsplit("/", 1)[1] != token


@pytest.mark.parametrize(
    "tasks",
    [
        ["face_match", "document_scan", "face_liveness"],
        ["face_liveness", "document_scan"],
    ],
)
def test_tasks_in_any_order_come_back_canonical(client: TestClient, caller: Caller, tasks: list[str]) -> None:
    body = create(client, caller, {"tasks": tasks})
    order = ["document_scan", "face_liveness", "face_match"]
    assert body["tasks"] == [t for t in order if t in tasks]


INVALID: list[tuple[str, dict[str, Any], str]] = [
    ("no tasks", {}, "tasks"),
    ("empty tasks", {"tasks": []}, "tasks"),
    ("face only", {"tasks": ["face_liveness"]}, "tasks"),
    ("match without liveness", {"tasks": ["document_scan", "face_match"]}, "tasks"),
    ("duplicate task", {"tasks": ["document_scan", "document_scan"]}, "tasks"),
    ("unknown task", {"tasks": ["document_scan", "selfie"]}, "tasks"),
    ("tasks not a list", {"tasks": "document_scan"}, "tasks"),
    ("unknown field", {"tasks": ["document_scan"], "colour": "red"}, "colour"),
    (
        "unknown settings field",
        {"tasks": ["document_scan"], "settings": {"faceMatch": {}}},
        "settings.faceMatch",
    ),
    ("unknown locale", {"tasks": ["document_scan"], "locale": "de-DE"}, "locale"),
    ("mobileOnly not boolean", {"tasks": ["document_scan"], "mobileOnly": "yes"}, "mobileOnly"),
    ("expiresIn too short", {"tasks": ["document_scan"], "expiresIn": 3599}, "expiresIn"),
    ("expiresIn too long", {"tasks": ["document_scan"], "expiresIn": 86401}, "expiresIn"),
    ("expiresIn a string", {"tasks": ["document_scan"], "expiresIn": "3600"}, "expiresIn"),
    ("expiresIn a float", {"tasks": ["document_scan"], "expiresIn": 3600.5}, "expiresIn"),
    ("returnUrl http", {"tasks": ["document_scan"], "returnUrl": "http://shop.example/x"}, "returnUrl"),
    ("returnUrl relative", {"tasks": ["document_scan"], "returnUrl": "/done"}, "returnUrl"),
    ("returnUrl javascript", {"tasks": ["document_scan"], "returnUrl": "javascript:alert(1)"}, "returnUrl"),
    ("scanReturnUrl ftp", {"tasks": ["document_scan"], "scanReturnUrl": "ftp://x.example"}, "scanReturnUrl"),
    (
        "origin with path",
        {"tasks": ["document_scan"], "allowedOrigins": ["https://a.example/x"]},
        "allowedOrigins[0]",
    ),
    (
        "origin http",
        {"tasks": ["document_scan"], "allowedOrigins": ["http://a.example"]},
        "allowedOrigins[0]",
    ),
    ("origins empty", {"tasks": ["document_scan"], "allowedOrigins": []}, "allowedOrigins"),
    *[
        (f"origin {name}", {"tasks": ["document_scan"], "allowedOrigins": [origin]}, "allowedOrigins[0]")
        for name, origin in [
            ("with CSP injection", "https://a.example; script-src *"),
            ("with a space", "https://a.example https://evil.example"),
            ("with a quote", "https://a.example'"),
            ("wildcard", "https://*.a.example"),
            ("trailing slash", "https://a.example/"),
            ("upper case", "https://Shop.example"),
            ("port out of range", "https://a.example:65536"),
            ("credentials", "https://user@a.example"),
            ("scheme only", "https://"),
            ("javascript", "javascript:alert(1)"),
            ("non-ASCII host", "https://bücher.example"),
        ]
    ],
    (
        "returnUrl with a space",
        {"tasks": ["document_scan"], "returnUrl": "https://a.example/a b"},
        "returnUrl",
    ),
    (
        "returnUrl credentials",
        {"tasks": ["document_scan"], "returnUrl": "https://u:p@a.example/"},
        "returnUrl",
    ),
    ("locale empty", {"tasks": ["document_scan"], "locale": ""}, "locale"),
]

SCAN_INVALID: list[tuple[str, dict[str, Any], str]] = [
    ("allowedExpiration too low", {"allowedExpiration": -3651}, "allowedExpiration"),
    ("allowedExpiration too high", {"allowedExpiration": 3651}, "allowedExpiration"),
    ("allowedExpiration float", {"allowedExpiration": 1.5}, "allowedExpiration"),
    ("redact unknown", {"redactFields": ["eye_colour"]}, "redactFields[0]"),
    ("redact duplicate", {"redactFields": ["mrz", "mrz"]}, "redactFields"),
    ("capture empty", {"captureSources": []}, "captureSources"),
    ("capture unknown", {"captureSources": ["fax"]}, "captureSources[0]"),
    ("level unknown", {"level": "paranoid"}, "level"),
    ("minimumAge negative", {"minimumAge": -1}, "minimumAge"),
    ("maximumAge too high", {"maximumAge": 151}, "maximumAge"),
    ("min above max", {"minimumAge": 50, "maximumAge": 18}, ""),
    ("validate unknown", {"validateFields": ["surname"]}, "validateFields[0]"),
    ("extract unknown", {"extractFields": ["shoe_size"]}, "extractFields[0]"),
    ("unknown scan setting", {"blurTolerance": 3}, "blurTolerance"),
]


def _problem(response: Any) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["code"] == "validation_failed"
    assert body["title"] == "Unprocessable Entity"
    assert body["type"] == "about:blank"
    return body


@pytest.mark.parametrize(("case", "body", "path"), INVALID, ids=[c[0] for c in INVALID])
def test_invalid_requests_name_the_path(
    client: TestClient, caller: Caller, case: str, body: dict[str, Any], path: str
) -> None:
    problem = _problem(client.post(URL, json=body, headers=caller.headers()))
    assert [e["path"] for e in problem["errors"]] == [path]


@pytest.mark.parametrize(("case", "scan", "path"), SCAN_INVALID, ids=[c[0] for c in SCAN_INVALID])
def test_invalid_document_scan_settings(
    client: TestClient, caller: Caller, case: str, scan: dict[str, Any], path: str
) -> None:
    body = {"tasks": ["document_scan"], "settings": {"documentScan": scan}}
    problem = _problem(client.post(URL, json=body, headers=caller.headers()))
    prefix = "settings.documentScan"
    assert [e["path"] for e in problem["errors"]] == [f"{prefix}.{path}" if path else prefix]


def test_every_problem_is_listed_at_once(client: TestClient, caller: Caller) -> None:
    body = {
        "tasks": ["face_match"],
        "locale": "xx",
        "expiresIn": 1,
        "settings": {"documentScan": {"level": "x", "minimumAge": 200}},
        "extra": True,
    }
    problem = _problem(client.post(URL, json=body, headers=caller.headers()))
    assert {e["path"] for e in problem["errors"]} == {
        "tasks",
        "locale",
        "expiresIn",
        "settings.documentScan.level",
        "settings.documentScan.minimumAge",
        "extra",
    }
    assert problem["detail"] == "6 problems in the request."


def test_localhost_http_urls_are_allowed(client: TestClient, caller: Caller) -> None:
    body = create(
        client,
        caller,
        {
            "tasks": ["document_scan"],
            "returnUrl": "http://localhost:3000/done",
            "allowedOrigins": ["http://localhost:3000"],
        },
    )
    assert body["returnUrl"] == "http://localhost:3000/done"


def test_invalid_json_is_400(client: TestClient, caller: Caller) -> None:
    response = client.post(
        URL, content=b'{"tasks": [', headers={**caller.headers(), "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_json"


def test_body_that_is_not_json_is_415(client: TestClient, caller: Caller) -> None:
    response = client.post(
        URL, content=b"tasks=document_scan", headers={**caller.headers(), "Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_oversized_body_is_413(client: TestClient, caller: Caller) -> None:
    huge = {"tasks": ["document_scan"], "returnUrl": "https://x.example/" + "a" * 70_000}
    response = client.post(URL, json=huge, headers=caller.headers())
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_get_shows_tasks_as_objects(client: TestClient, caller: Caller) -> None:
    created = create(
        client,
        caller,
        {"tasks": ["face_liveness", "document_scan"], "settings": {"documentScan": {"level": "advanced"}}},
    )
    body = client.get(f"{URL}/{created['id']}", headers=caller.headers()).json()
    assert body == {
        "id": created["id"],
        "state": "pending",
        "url": created["url"],
        "created": created["created"],
        "expires": created["expires"],
        "completed": None,
        "resultId": None,
        "test": False,  # ours: true for a test key's transaction
        "tasks": [
            {
                "type": "document_scan",
                "state": "pending",
                "level": "advanced",
                "attempts": 0,
                "attemptsInvoiced": 0,
                "reason": None,  # ours: why a failed task failed
                "documentScans": [],
            },
            {
                "type": "face_liveness",
                "state": "pending",
                "level": None,
                "attempts": 0,
                "attemptsInvoiced": 0,
                "reason": None,
                "documentScans": None,
            },
        ],
    }


def test_other_accounts_get_404_like_a_missing_id(
    client: TestClient, caller: Caller, make_caller: Callable[..., Caller]
) -> None:
    created = create(client, caller)
    intruder = make_caller("globex")
    theirs = client.get(f"{URL}/{created['id']}", headers=intruder.headers())
    missing = client.get(f"{URL}/00000000-0000-4000-8000-000000000000", headers=intruder.headers())
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert client.delete(f"{URL}/{created['id']}", headers=intruder.headers()).status_code == 404
    assert client.get(URL, headers=intruder.headers()).json()["items"] == []


def test_list_paginates_with_a_cursor(client: TestClient, caller: Caller) -> None:
    ids = [create(client, caller)["id"] for _ in range(5)]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = client.get(URL, params=params, headers=caller.headers()).json()
        seen += [item["id"] for item in page["items"]]
        pages += 1
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert pages == 3
    assert sorted(seen) == sorted(ids)
    assert len(set(seen)) == 5


def test_list_filters_by_state_and_created_range(client: TestClient, caller: Caller) -> None:
    keep = create(client, caller)
    gone = create(client, caller)
    assert client.delete(f"{URL}/{gone['id']}", headers=caller.headers()).status_code == 204
    pending = client.get(URL, params={"state": "pending"}, headers=caller.headers()).json()
    assert [i["id"] for i in pending["items"]] == [keep["id"]]
    cancelled = client.get(URL, params={"state": "cancelled"}, headers=caller.headers()).json()
    assert [i["id"] for i in cancelled["items"]] == [gone["id"]]
    later = client.get(URL, params={"createdAfter": "2999-01-01T00:00:00Z"}, headers=caller.headers()).json()
    assert later["items"] == []
    earlier = client.get(
        URL, params={"createdBefore": "2999-01-01T00:00:00Z"}, headers=caller.headers()
    ).json()
    assert len(earlier["items"]) == 2


@pytest.mark.parametrize(
    ("params", "path"),
    [
        ({"state": "sleeping"}, "state"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"cursor": "!!!"}, "cursor"),
        ({"createdAfter": "yesterday"}, "createdAfter"),
    ],
)
def test_list_rejects_bad_parameters(
    client: TestClient, caller: Caller, params: dict[str, Any], path: str
) -> None:
    problem = _problem(client.get(URL, params=params, headers=caller.headers()))
    assert [e["path"] for e in problem["errors"]] == [path]


def test_delete_cancels_erases_files_and_keeps_a_stub(
    client: TestClient, container: Container, caller: Caller
) -> None:
    created = create(client, caller)
    key = f"transactions/{created['id']}/attempts/1/front.jpg"
    container.blobs.put(key, b"image bytes")
    assert client.delete(f"{URL}/{created['id']}", headers=caller.headers()).status_code == 204
    assert not container.blobs.exists(key)
    # Gone, like its result; the list keeps the stub for the audit trail.
    gone = client.get(f"{URL}/{created['id']}", headers=caller.headers())
    assert gone.status_code == 410
    assert gone.json()["code"] == "gone"
    stub = client.get(URL, params={"state": "cancelled"}, headers=caller.headers()).json()["items"][0]
    assert stub["id"] == created["id"]
    # Deleting again is harmless and still answers 204.
    assert client.delete(f"{URL}/{created['id']}", headers=caller.headers()).status_code == 204


def test_the_sweep_keeps_an_expired_state_visible_and_retention_makes_a_transaction_gone(
    client: TestClient, container: Container, caller: Caller
) -> None:
    from datetime import timedelta

    from idscan.db import transaction
    from idscan.lib.clock import utcnow
    from idscan.models import Transaction
    from idscan.transactions import tasks

    expiring, finished = create(client, caller), create(client, caller)
    long_ago = utcnow() - timedelta(days=container.settings.transactions.retention_days + 1)
    with transaction(container.session_factory) as session:
        session.get(Transaction, expiring["id"]).expires_at = utcnow() - timedelta(seconds=1)  # type: ignore[union-attr]
        done = session.get(Transaction, finished["id"])
        assert done is not None
        done.state, done.completed_at = "completed", long_ago
    tasks.run_sweep(container)
    expired = client.get(f"{URL}/{expiring['id']}", headers=caller.headers())
    assert (expired.status_code, expired.json()["state"]) == (200, "expired")
    assert client.get(f"{URL}/{finished['id']}", headers=caller.headers()).status_code == 410
    listed = client.get(URL, params={"state": "completed"}, headers=caller.headers()).json()["items"]
    assert [item["id"] for item in listed] == [finished["id"]]


def test_unknown_route_is_a_problem(client: TestClient) -> None:
    response = client.get("/id-scan/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_an_invalid_task_set_names_the_valid_ones(client: TestClient, caller: Caller) -> None:
    response = client.post(URL, json={"tasks": ["face_liveness"]}, headers=caller.headers())
    assert response.status_code == 422
    (problem,) = response.json()["errors"]
    assert problem["path"] == "tasks"
    for valid in (
        "[document_scan]",
        "[document_scan, face_liveness]",
        "[document_scan, face_liveness, face_match]",
    ):
        assert valid in problem["message"]


def test_the_page_url_is_answered_while_pending_and_never_after(
    client: TestClient, caller: Caller, container: Container
) -> None:
    created = create(client, caller)
    detail = client.get(f"{URL}/{created['id']}", headers=caller.headers()).json()
    assert detail["url"] == created["url"]
    token = created["url"].rsplit("/", 1)[1]
    assert_not_stored(container.settings.database_url, token)  # kept sealed, never in clear
    client.delete(f"{URL}/{created['id']}", headers=caller.headers())
    with container.session_factory() as session:
        stored = session.get(Transaction, created["id"])
        assert stored is not None
        assert stored.capability_sealed is None  # the link is closed: nothing to answer
    other = create(client, caller)
    with transaction(container.session_factory) as session:
        row = session.get(Transaction, other["id"])
        assert row is not None
        row.capability_sealed = None  # made before the field existed
    assert client.get(f"{URL}/{other['id']}", headers=caller.headers()).json()["url"] is None
