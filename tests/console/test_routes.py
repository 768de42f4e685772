"""Signing in: password + TOTP, the session cookie's flags and expiry, CSRF on every form, the
sign-in rate limit, security headers, and the audit entries it all leaves."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient

from idscan.app import create_app
from idscan.bootstrap import build_container
from idscan.config import Settings
from idscan.console import users
from idscan.container import Container
from idscan.db import transaction
from idscan.lib.clock import utcnow
from idscan.models import ConsoleSession
from tests.conftest import make_settings
from tests.console.conftest import PASSWORD, ConsoleUser, audit_actions, csrf_of, login


def test_pages_need_a_session(client: TestClient) -> None:
    answer = client.get("/console/transactions", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/login?next=/console/transactions"
    assert client.get("/console/users", follow_redirects=False).status_code == 303


def test_sign_in_with_password_and_totp(
    client: TestClient, container: Container, make_user: Callable[..., ConsoleUser]
) -> None:
    admin = make_user()
    form = client.get("/console/login")
    assert form.status_code == 200
    data = {
        "email": admin.email,
        "password": PASSWORD,
        "csrf": csrf_of(form.text),
        "next": "/console/overview",
    }
    assert client.post("/console/login", data={**data, "code": ""}, follow_redirects=False).status_code == 401
    answer = client.post("/console/login", data={**data, "code": admin.code()}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/overview"
    cookie = next(v for k, v in answer.headers.multi_items() if k == "set-cookie" and "idscan_console=" in v)
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert "Path=/console" in cookie
    token_part = cookie.split(";")[0].split("=", 1)[1].strip('"')
    assert "." in token_part  # signed
    assert client.get("/console/overview").status_code == 200
    # A forged cookie (signature off) is no session.
    client.cookies.clear()
    client.cookies.set("idscan_console", token_part[:-2] + "xx")
    assert client.get("/console/overview", follow_redirects=False).status_code == 303
    assert audit_actions(container) == ["login_failed", "login"]


def test_an_open_redirect_is_not_possible(client: TestClient, make_user: Callable[..., ConsoleUser]) -> None:
    viewer = make_user("v@example.org", "viewer")
    form = client.get("/console/login")
    answer = client.post(
        "/console/login",
        data={
            "email": viewer.email,
            "password": PASSWORD,
            "csrf": csrf_of(form.text),
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/console/transactions"


def test_forms_without_the_csrf_token_fail(
    client: TestClient, container: Container, make_user: Callable[..., ConsoleUser]
) -> None:
    admin = make_user()
    client.get("/console/login")
    no_token = {"email": admin.email, "password": PASSWORD, "code": admin.code(), "csrf": "x" * 64}
    assert client.post("/console/login", data=no_token).status_code == 403
    csrf = login(client, admin)
    answer = client.post(
        "/console/users", data={"email": "new@example.org", "role": "viewer", "csrf": "wrong"}
    )
    assert answer.status_code == 403
    answer = client.post("/console/users", data={"email": "new@example.org", "role": "viewer"})
    assert answer.status_code == 403  # no token at all
    with container.session_factory() as session:
        assert users.by_email(session, "new@example.org") is None
    answer = client.post("/console/users", data={"email": "new@example.org", "role": "viewer", "csrf": csrf})
    assert answer.status_code == 200
    assert "/console/setup/" in answer.text


def test_every_page_sends_the_security_headers(console: tuple[TestClient, str]) -> None:
    client, _ = console
    for path in (
        "/console/login",
        "/console/transactions",
        "/console/overview",
        "/console/audit",
        "/console/nope",
    ):
        answer = client.get(path, follow_redirects=False)
        csp = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp, path
        assert "default-src 'self'" in csp
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert answer.headers["cache-control"] == "no-store"


def test_idle_and_absolute_expiry(
    client: TestClient, container: Container, make_user: Callable[..., ConsoleUser]
) -> None:
    login(client, make_user())
    with transaction(container.session_factory) as session:
        row = session.query(ConsoleSession).one()
        row.last_seen_at = utcnow() - timedelta(minutes=31)
    assert client.get("/console/overview", follow_redirects=False).status_code == 303
    login(client, make_user("r@example.org", "reviewer"))
    with transaction(container.session_factory) as session:
        row = session.query(ConsoleSession).one()
        row.created_at = utcnow() - timedelta(hours=13)
    assert client.get("/console/overview", follow_redirects=False).status_code == 303


def test_sign_out_ends_the_session(console: tuple[TestClient, str]) -> None:
    client, csrf = console
    assert client.post("/console/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    assert client.get("/console/overview", follow_redirects=False).status_code == 303


@pytest.fixture
def limited_client(settings: Settings) -> Iterator[tuple[TestClient, Container]]:
    limited = make_settings(settings.data_dir, settings.database_url, console={"login_limit": "3/minute"})
    built = build_container(limited)
    with TestClient(create_app(limited, container=built, run_jobs=False)) as client:
        yield client, built
    built.close()


def test_sign_in_is_rate_limited_and_logged(limited_client: tuple[TestClient, Container]) -> None:
    client, container = limited_client
    form = client.get("/console/login")
    data = {"email": "x@example.org", "password": "wrong password", "code": "", "csrf": csrf_of(form.text)}
    statuses = [client.post("/console/login", data=data).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    assert audit_actions(container).count("login_failed") == 5


def test_the_setup_page_enrols_and_then_the_link_is_spent(client: TestClient, container: Container) -> None:
    with transaction(container.session_factory) as session:
        token = users.create(session, "boss@example.org", users.Role.ADMIN).setup_token
    page = client.get(f"/console/setup/{token}")
    assert page.status_code == 200
    assert "<svg" in page.text  # the QR code, inline
    secret = page.text.split('name="secret" value="')[1].split('"')[0]
    data = {
        "password": PASSWORD, "password_again": PASSWORD, "secret": secret, "csrf": csrf_of(page.text),
        "code": pyotp.TOTP(secret).now(),  # still inside the drift window if a step ends meanwhile
    }  # fmt: skip
    assert client.post(f"/console/setup/{token}", data={**data, "code": "000000"}).status_code == 422
    assert client.post(f"/console/setup/{token}", data=data, follow_redirects=False).status_code == 303
    assert client.get(f"/console/setup/{token}").status_code == 404
    assert "setup" in audit_actions(container)


@pytest.mark.parametrize(
    ("lang", "word"), [("nl-NL", "Aanmelden"), ("fr-FR", "Connexion"), ("en-US", "Sign in")]
)
def test_the_console_speaks_three_languages(client: TestClient, lang: str, word: str) -> None:
    page = client.get(f"/console/login?lang={lang}")
    assert f'lang="{lang}"' in page.text
    assert word in page.text
    assert client.get("/console/login", headers={"Accept-Language": lang[:2]}).text.count(word) >= 1
