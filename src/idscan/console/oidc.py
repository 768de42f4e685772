"""Optional OpenID Connect sign-in for the console: the authorization-code flow with PKCE, `state`
and `nonce` (Authlib), the ID token checked against the provider's keys (joserfc). It only signs
in console users who exist already, by the provider's verified email; admins only when allowed."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from idscan.errors import AuthenticationError

TIMEOUT = 10.0
SCOPE = "openid email"


@dataclass(frozen=True, slots=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str


@dataclass(frozen=True, slots=True)
class Started:
    url: str
    state: str
    nonce: str
    verifier: str


@cache
def _discovery(issuer: str) -> dict[str, Any]:
    answer = httpx.get(f"{issuer.rstrip('/')}/.well-known/openid-configuration", timeout=TIMEOUT)
    answer.raise_for_status()
    found: dict[str, Any] = answer.json()
    if found.get("issuer") != issuer:
        raise AuthenticationError("The identity provider names another issuer.")
    return found


def _client(p: Provider) -> OAuth2Client:
    return OAuth2Client(
        p.client_id, p.client_secret, scope=SCOPE, redirect_uri=p.redirect_uri,
        code_challenge_method="S256", timeout=TIMEOUT,
    )  # fmt: skip


def start(p: Provider) -> Started:
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    with _client(p) as client:
        url, _ = client.create_authorization_url(
            _discovery(p.issuer)["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
        )
    return Started(str(url), state, nonce, verifier)


def finish(p: Provider, code: str, verifier: str, nonce: str) -> str:
    """The verified email of whoever signed in at the provider, or AuthenticationError."""
    meta = _discovery(p.issuer)
    try:
        with _client(p) as client:
            token = client.fetch_token(meta["token_endpoint"], code=code, code_verifier=verifier)
        keys = KeySet.import_key_set(httpx.get(meta["jwks_uri"], timeout=TIMEOUT).json())
        decoded = jwt.decode(str(token["id_token"]), keys, algorithms=["RS256", "ES256", "PS256", "EdDSA"])
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": p.issuer},
            aud={"essential": True, "value": p.client_id},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
            email={"essential": True},
        ).validate(decoded.claims)
    except (httpx.HTTPError, JoseError, KeyError, ValueError) as exc:
        raise AuthenticationError("The identity provider's answer could not be verified.") from exc
    claims = decoded.claims
    if claims.get("email_verified") is False:
        raise AuthenticationError("The identity provider has not verified this email address.")
    return str(claims["email"])
