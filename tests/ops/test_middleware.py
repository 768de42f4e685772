from fastapi.testclient import TestClient

from tests.conftest import Caller


def test_chunked_body_over_the_limit_is_413(client: TestClient, caller: Caller) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"tasks": ["document_scan"], "returnUrl": "https://x.example/'
        for _ in range(100):
            yield b"a" * 1024
        yield b'"}'

    response = client.post(
        "/id-scan/v1/transactions",
        content=chunks(),
        headers={**caller.headers(), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_json_with_charset_is_accepted(client: TestClient, caller: Caller) -> None:
    response = client.post(
        "/id-scan/v1/transactions",
        content=b'{"tasks": ["document_scan"]}',
        headers={**caller.headers(), "Content-Type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 201
