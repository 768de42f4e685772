"""Optional OIDC sign-in, against a small local provider: code flow with PKCE, state and nonce;
only existing, enabled users by their verified email; admins only when allowed."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey

from idscan.app import create_app
from idscan.bootstrap import build_container
from idscan.config import Settings
from idscan.console import oidc
from tests.conftest import make_settings
from tests.console.conftest import ConsoleUser, audit_actions
from tests.support.http_server import QuietHandler, serve_handler

CLIENT_ID, CLIENT_SECRET = "idscan-console", "provider-secret-0123456789"


@dataclass
class Provider:
    issuer: str = ""
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}))
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def grant(self, authorize_url: str, email: str, **claims: Any) -> str:
        """What the provider's login page does: remember the request, hand back a code."""
        query = {k: v[0] for k, v in parse_qs(urlparse(authorize_url).query).items()}
        assert query["client_id"] == CLIENT_ID
        assert query["code_challenge_method"] == "S256"
        assert "openid" in query["scope"]
        code = f"code-{len(self.codes)}"
        self.codes[code] = {
            "email": email,
            "nonce": query["nonce"],
            "challenge": query["code_challenge"],
            **claims,
        }
        return code


@pytest.fixture
def provider() -> Iterator[Provider]:
    idp = Provider()

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            if self.path == "/.well-known/openid-configuration":
                body = {
                    "issuer": idp.issuer, "authorization_endpoint": f"{idp.issuer}/authorize",
                    "token_endpoint": f"{idp.issuer}/token", "jwks_uri": f"{idp.issuer}/jwks",
                }  # fmt: skip
            else:
                body = {"keys": [idp.key.as_dict(private=False)]}
            self.reply(200, json.dumps(body).encode(), "application/json")

        def do_POST(self) -> None:
            form = {
                k: v[0]
                for k, v in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()).items()
            }
            grant = idp.codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            digest = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            )
            if grant is None or digest != grant["challenge"]:
                self.reply(400, b'{"error": "invalid_grant"}', "application/json")
                return
            now = int(time.time())
            claims = {"iss": idp.issuer, "aud": CLIENT_ID, "sub": "u1", "iat": now, "exp": now + 300}
            claims |= {k: v for k, v in grant.items() if k != "challenge"}
            id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, idp.key)
            body = {"access_token": "at", "token_type": "Bearer", "id_token": id_token, "expires_in": 300}
            self.reply(200, json.dumps(body).encode(), "application/json")

    with serve_handler(Handler) as port:
        idp.issuer = f"http://127.0.0.1:{port}"
        oidc._discovery.cache_clear()
        yield idp


@pytest.fixture
def oidc_client(settings: Settings, provider: Provider) -> Iterator[TestClient]:
    console = {
        "oidc_issuer": provider.issuer,
        "oidc_client_id": CLIENT_ID,
        "oidc_client_secret": CLIENT_SECRET,
    }
    configured = make_settings(settings.data_dir, settings.database_url, console=console)
    built = build_container(configured)
    with TestClient(create_app(configured, container=built, run_jobs=False)) as client:
        yield client
    built.close()


def sign_in(client: TestClient, provider: Provider, email: str, **claims: Any) -> Any:
    start = client.get("/console/oidc/start?next=/console/overview", follow_redirects=False)
    assert start.status_code == 303
    code = provider.grant(start.headers["location"], email, **claims)
    state = parse_qs(urlparse(start.headers["location"]).query)["state"][0]
    return client.get(f"/console/oidc/callback?code={code}&state={state}", follow_redirects=False)


def test_an_existing_user_signs_in_through_the_provider(
    oidc_client: TestClient, provider: Provider, make_user: Callable[..., ConsoleUser]
) -> None:
    make_user("reviewer@example.org", "reviewer")
    assert "/console/oidc/start" in oidc_client.get("/console/login").text
    answer = sign_in(oidc_client, provider, "reviewer@example.org", email_verified=True)
    assert answer.status_code == 200
    assert 'content="0;url=/console/overview"' in answer.text
    assert oidc_client.get("/console/overview", follow_redirects=False).status_code == 200
    assert "login" in audit_actions(oidc_client.app.state.container)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("email", "claims"),
    [
        ("nobody@example.org", {}),  # no such console user
        ("admin@example.org", {}),  # admins sign in with password and TOTP
        ("reviewer@example.org", {"email_verified": False}),
        ("reviewer@example.org", {"nonce": "another"}),
    ],
)
def test_who_may_not_sign_in_through_the_provider(
    oidc_client: TestClient,
    provider: Provider,
    make_user: Callable[..., ConsoleUser],
    email: str,
    claims: dict[str, Any],
) -> None:
    make_user("admin@example.org", "admin")
    make_user("reviewer@example.org", "reviewer")
    answer = sign_in(oidc_client, provider, email, **claims)
    assert answer.status_code == 401
    assert oidc_client.get("/console/overview", follow_redirects=False).status_code == 303
    assert "login_failed" in audit_actions(oidc_client.app.state.container)  # type: ignore[attr-defined]


def test_a_callback_without_its_start_is_refused(oidc_client: TestClient, provider: Provider) -> None:
    assert oidc_client.get("/console/oidc/callback?code=x&state=y").status_code == 401


def test_without_a_provider_there_is_no_oidc(client: TestClient) -> None:
    assert "/console/oidc/start" not in client.get("/console/login").text
    assert client.get("/console/oidc/start", follow_redirects=False).headers["location"] == "/console/login"
