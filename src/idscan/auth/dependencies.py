"""Authenticate a request: bearer JWT -> principal, with a short-lived credential cache."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

import anyio.to_thread
from fastapi import Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import State
from starlette.types import Scope

from idscan.auth import service, tokens
from idscan.db import SessionFactory
from idscan.lib.aead import Keyring


@dataclass(frozen=True, slots=True)
class Principal:
    account_id: str  # the account of the key's world: live and test are separate accounts
    kid: str
    mode: str = service.LIVE

    @property
    def test(self) -> bool:
        return self.mode == service.TEST


class Authenticator:
    """Verifies bearer tokens. Decrypted secrets are cached for `cache_seconds` per node, so that
    a request costs one HMAC and no database read; revocation on this node clears the entry."""

    def __init__(
        self,
        session_factory: SessionFactory,
        keyring: Keyring,
        policy: tokens.TokenPolicy,
        *,
        cache_seconds: float,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._session_factory = session_factory
        self._keyring = keyring
        self._policy = policy
        self._cache_seconds = cache_seconds
        self._max_entries = max_entries
        self._clock = clock
        self._cache: OrderedDict[str, tuple[float, service.ResolvedCredential | None]] = OrderedDict()
        self._lock = threading.Lock()

    async def authenticate(self, authorization: str | None) -> Principal:
        token = tokens.parse_authorization(authorization)
        kid = tokens.unverified_kid(token)
        credential = self._cached(kid)
        if credential is _MISS:
            credential = await anyio.to_thread.run_sync(self._load, kid)
        assert not isinstance(credential, _Miss)
        tokens.verify(
            token,
            credential.secret if credential else None,
            now=self._clock(),
            policy=self._policy,
        )
        assert credential is not None  # verify() raises for an unknown kid
        return Principal(account_id=credential.account_id, kid=kid, mode=credential.mode)

    def forget(self, kid: str) -> None:
        with self._lock:
            self._cache.pop(kid, None)

    def _cached(self, kid: str) -> service.ResolvedCredential | _Miss | None:
        now = time.monotonic()
        with self._lock:
            entry = self._cache.get(kid)
            if entry is None or entry[0] < now:
                return _MISS
            self._cache.move_to_end(kid)
            return entry[1]

    def _load(self, kid: str) -> service.ResolvedCredential | None:
        with self._session_factory() as session:
            credential = service.resolve(session, self._keyring, kid)
        if self._cache_seconds > 0:
            with self._lock:
                self._cache[kid] = (time.monotonic() + self._cache_seconds, credential)
                self._cache.move_to_end(kid)
                while len(self._cache) > self._max_entries:
                    self._cache.popitem(last=False)
        return credential


class _Miss:
    pass


_MISS = _Miss()


# Declares the scheme in the OpenAPI document; the Authenticator reads the header itself.
_BEARER = HTTPBearer(auto_error=False, bearerFormat="JWT", description="HS256 JWT of an API credential.")


async def require_principal(
    request: Request, _: Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER)]
) -> Principal:
    """FastAPI dependency: the authenticated caller, rate limited per credential."""
    return await authenticate(request.app.state, request.scope, request.headers.get("authorization"))


async def authenticate(state: State, scope: Scope, authorization: str | None) -> Principal:
    """The caller of an API request (also for the hot routes, which skip FastAPI's dependencies)."""
    authenticator: Authenticator = state.authenticator
    principal = await authenticator.authenticate(authorization)
    scope["idscan.mode"] = principal.mode  # read by the request metrics (their mode label)
    if state.rate_limiter is not None:
        await state.rate_limiter.hit("credential", principal.kid)
    return principal
