"""Who may read `/metrics`: on which listener it is served, and the bearer token it demands."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from fastapi import Request

from idscan.config import Settings
from idscan.errors import AuthenticationError, NotFoundError


@dataclass(frozen=True, slots=True)
class MetricsAccess:
    served: bool
    token_digest: (
        bytes | None
    )  # SHA-256 of the token, so the comparison takes the same time whatever its length

    @classmethod
    def main_listener(cls, settings: Settings) -> MetricsAccess:
        """Not at all when a separate listener serves them; else with the token, or without one only
        while the main listener binds a loopback address."""
        token = cls._digest(settings)
        served = settings.ops.metrics_bind is None and (token is not None or settings.listens_on_loopback)
        return cls(served=served, token_digest=token)

    @classmethod
    def ops_listener(cls, settings: Settings) -> MetricsAccess:
        return cls(served=True, token_digest=cls._digest(settings))

    @staticmethod
    def _digest(settings: Settings) -> bytes | None:
        token = settings.ops.metrics_token
        return None if token is None else hashlib.sha256(token.get_secret_value().encode()).digest()

    def check(self, authorization: str | None) -> None:
        if not self.served:
            raise NotFoundError("Metrics are not served on this listener.")
        if self.token_digest is None:
            return
        scheme, _, credentials = (authorization or "").partition(" ")
        given = hashlib.sha256(credentials.strip().encode()).digest()
        # Compare first, then look at the scheme: the time taken says nothing about the token.
        if not hmac.compare_digest(given, self.token_digest) or scheme.lower() != "bearer":
            raise AuthenticationError("Send the metrics token as a bearer token.")


async def require_metrics_access(request: Request) -> None:
    """FastAPI dependency of `/metrics`: the app's policy (`app.state.metrics_access`)."""
    access: MetricsAccess = request.app.state.metrics_access
    access.check(request.headers.get("authorization"))
