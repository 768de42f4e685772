"""Admin pages: console users, API credentials and webhooks per account (secrets shown once), the
audit log and its CSV export; none of it for reviewers or viewers."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from idscan.auth import service as auth_service
from idscan.container import Container
from idscan.models import AuditEntry, Credential, Webhook
from tests.conftest import Caller
from tests.console.conftest import ConsoleUser, audit_actions, login

API = "/id-scan/v1"


def test_admin_pages_are_for_admins(
    client: TestClient, caller: Caller, make_user: Callable[..., ConsoleUser]
) -> None:
    csrf = login(client, make_user("r@example.org", "reviewer"))
    for path in ("/console/users", "/console/audit", "/console/audit.csv", "/console/accounts",
                 f"/console/accounts/{caller.account_id}"):  # fmt: skip
        assert client.get(path).status_code == 403, path
    answer = client.post(f"/console/accounts/{caller.account_id}/credentials", data={"csrf": csrf})
    assert answer.status_code == 403
    assert 'href="/console/users"' not in client.get("/console/transactions").text


def test_credentials_create_rotate_revoke(
    console: tuple[TestClient, str], container: Container, caller: Caller
) -> None:
    client, csrf = console
    page = client.get(f"/console/accounts/{caller.account_id}")
    assert caller.kid in page.text
    assert caller.secret not in page.text
    made = client.post(f"/console/accounts/{caller.account_id}/credentials", data={"csrf": csrf})
    secret = made.text.split('id="new-secret">')[1].split("<")[0]
    with container.session_factory() as session:
        kids = list(session.scalars(select(Credential.kid).where(Credential.account_id == caller.account_id)))
        new_kid = next(k for k in kids if k != caller.kid)
        assert auth_service.resolve(session, container.keyring, new_kid).secret.decode() == secret  # type: ignore[union-attr]
    assert secret not in client.get(f"/console/accounts/{caller.account_id}").text  # shown once
    rotated = client.post(
        f"/console/accounts/{caller.account_id}/credentials/{caller.kid}/rotate", data={"csrf": csrf}
    )
    assert rotated.status_code == 200
    assert 'id="new-secret"' in rotated.text
    assert (
        client.get(f"{API}/transactions", headers=caller.headers()).status_code == 401
    )  # the old key is revoked
    client.post(f"/console/accounts/{caller.account_id}/credentials/{new_kid}/revoke", data={"csrf": csrf})
    with container.session_factory() as session:
        assert session.get(Credential, new_kid).revoked_at is not None  # type: ignore[union-attr]
    assert {"create_credential", "rotate_credential", "revoke_credential"} <= set(audit_actions(container))


def test_webhooks_create_rotate_revoke(
    console: tuple[TestClient, str], container: Container, caller: Caller
) -> None:
    client, csrf = console
    made = client.post(
        f"/console/accounts/{caller.account_id}/webhooks",
        data={"csrf": csrf, "url": "https://hooks.example/in"},
    )
    assert made.status_code == 200
    first = made.text.split('id="new-secret">')[1].split("<")[0]
    assert first.startswith("whsec_")
    hook = client.get(f"{API}/webhooks", headers=caller.headers()).json()["items"][0]
    assert hook["secret"] == first
    rotated = client.post(
        f"/console/accounts/{caller.account_id}/webhooks/{hook['id']}/rotate", data={"csrf": csrf}
    )
    second = rotated.text.split('id="new-secret">')[1].split("<")[0]
    assert second != first
    assert client.get(f"{API}/webhooks/{hook['id']}", headers=caller.headers()).json()["secret"] == second
    bad = client.post(
        f"/console/accounts/{caller.account_id}/webhooks", data={"csrf": csrf, "url": "ftp://x"}
    )
    assert bad.status_code == 422
    client.post(f"/console/accounts/{caller.account_id}/webhooks/{hook['id']}/revoke", data={"csrf": csrf})
    with container.session_factory() as session:
        assert session.scalars(select(Webhook)).first() is None


def test_users_page_roles_and_setup_links(
    console: tuple[TestClient, str], container: Container, make_user: Callable[..., ConsoleUser]
) -> None:
    client, csrf = console
    viewer = make_user("v@example.org", "viewer")
    made = client.post("/console/users", data={"csrf": csrf, "email": "new@example.org", "role": "reviewer"})
    link = made.text.split('id="setup-link">')[1].split("<")[0]
    assert link.startswith("http://testserver/console/setup/")
    page = client.get("/console/users").text
    assert "new@example.org" in page
    assert link not in page
    with container.session_factory() as session:
        from idscan.console import users

        found = users.by_email(session, viewer.email)
        assert found is not None
        user_id = found.id
    client.post(f"/console/users/{user_id}/role", data={"csrf": csrf, "role": "reviewer"})
    client.post(f"/console/users/{user_id}/disable", data={"csrf": csrf})
    with container.session_factory() as session:
        found = users.by_email(session, viewer.email)
        assert found is not None
        assert (found.role, found.disabled_at is not None) == ("reviewer", True)


def test_the_audit_log_shows_and_exports_every_action(
    console: tuple[TestClient, str], container: Container
) -> None:
    client, csrf = console
    client.post("/console/users", data={"csrf": csrf, "email": "=cmd@example.org", "role": "viewer"})
    page = client.get("/console/audit").text
    assert "create_user" in page
    assert "login" in page
    assert "testclient" in page  # from where
    exported = client.get("/console/audit.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["action"] for r in rows][:2] == ["login", "create_user"]
    assert rows[1]["target"] == "'=cmd@example.org"  # no formula injection into spreadsheets
    assert "export_audit" in audit_actions(container)


def test_the_audit_log_is_append_only(container: Container, console: tuple[TestClient, str]) -> None:
    import pytest
    from sqlalchemy import update
    from sqlalchemy.exc import DatabaseError

    with container.session_factory() as session:
        statement = update(AuditEntry).values(actor="someone else")
        with pytest.raises(DatabaseError):
            session.execute(statement)
