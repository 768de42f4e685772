"""Authentication over HTTP: every failure is a 401 problem with WWW-Authenticate."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from idscan.auth import service
from idscan.auth.tokens import issue
from idscan.container import Container
from idscan.db import transaction
from tests.conftest import Caller

URL = "/id-scan/v1/transactions"


def assert_unauthorized(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "unauthorized"
    assert body["status"] == 401


def test_valid_token_is_accepted(client: TestClient, caller: Caller) -> None:
    assert client.get(URL, headers=caller.headers()).status_code == 200


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer", "Basic dXNlcjpwYXNz", "Bearer not.a.token", "Bearer garbage"],
)
def test_malformed_authorization_is_401(client: TestClient, authorization: str) -> None:
    assert_unauthorized(client.get(URL, headers={"Authorization": authorization}))


def test_missing_header_is_401(client: TestClient) -> None:
    assert_unauthorized(client.get(URL))


def test_unknown_kid_is_401(client: TestClient, caller: Caller) -> None:
    token = issue("00000000-0000-4000-8000-000000000000", caller.secret)
    assert_unauthorized(client.get(URL, headers={"Authorization": f"Bearer {token}"}))


def test_wrong_secret_is_401(client: TestClient, caller: Caller) -> None:
    token = issue(caller.kid, "wrong-secret-wrong-secret-wrong-secret-xx")
    assert_unauthorized(client.get(URL, headers={"Authorization": f"Bearer {token}"}))


def test_revoked_credential_is_401_at_once(client: TestClient, container: Container, caller: Caller) -> None:
    assert client.get(URL, headers=caller.headers()).status_code == 200
    with transaction(container.session_factory) as session:
        service.revoke_credential(session, caller.kid)
    client.app.state.authenticator.forget(caller.kid)  # type: ignore[attr-defined]
    assert_unauthorized(client.get(URL, headers=caller.headers()))


def test_rotation_two_credentials_one_account(
    client: TestClient, container: Container, make_caller: Callable[..., Caller]
) -> None:
    first, second = make_caller("acme"), make_caller("acme")
    assert first.account_id == second.account_id
    created = client.post(URL, json={"tasks": ["document_scan"]}, headers=first.headers()).json()
    assert client.get(f"{URL}/{created['id']}", headers=second.headers()).status_code == 200


def test_secret_is_not_stored_in_clear(container: Container, caller: Caller) -> None:
    from idscan.models import Credential

    with container.session_factory() as session:
        stored = session.get(Credential, caller.kid)
        assert stored is not None
        assert caller.secret.encode() not in stored.secret_sealed
