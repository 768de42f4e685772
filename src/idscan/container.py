"""What the composition roots build once and hand to routes and job handlers.

The bottom of the house: it names what handlers need as protocols and plain infrastructure, and
imports no domain. `bootstrap.py` builds the concrete objects (metrics, the seal, the models).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from fastapi import Request
from sqlalchemy import Engine

from idscan.config import Settings
from idscan.db import HotPath, SessionFactory, close_engine
from idscan.lib.aead import Keyring
from idscan.lib.http import OutboundClient

if TYPE_CHECKING:
    from idscan.engines import Engines
    from idscan.storage.blobstore import BlobStore


class Metrics(Protocol):
    def observe_request(
        self, method: str, route: str, status: int, seconds: float, mode: str = "none"
    ) -> None:
        """One HTTP request answered (`route` is the path template, never the path)."""
        ...

    def count_delivery(self, outcome: str, mode: str = "live") -> None:
        """One webhook delivery attempt ended with `outcome`."""
        ...

    def render(self) -> bytes:
        """The Prometheus text format."""
        ...


class Sealer(Protocol):
    """The operator's electronic seal for extended reports (PAdES, with the timestamp authority
    when one is configured)."""

    @property
    def certificate(self) -> bytes:
        """The seal certificate (DER), for verifying what was sealed."""
        ...

    def seal(self, pdf: bytes, *, reason: str) -> bytes:
        """Blocking: call it from a worker thread."""
        ...

    def close(self) -> None: ...


@dataclass
class Container:
    settings: Settings
    engine: Engine
    session_factory: SessionFactory
    keyring: Keyring
    blobs: BlobStore
    outbound: OutboundClient
    metrics: Metrics
    engines: Engines  # every model, loaded lazily once per process
    seal: Sealer

    def close(self) -> None:
        self.outbound.close()
        self.seal.close()
        close_engine(self.engine)


async def get_container(request: Request) -> Container:
    """FastAPI dependency: the container the app was built with (async: a sync dependency would
    cost a thread-pool hop on every request)."""
    container: Container = request.app.state.container
    return container


async def get_hot_path(request: Request) -> HotPath:
    """FastAPI dependency: the hot-path runner of this event loop (db.HotPath), opened by the app's
    lifespan; before the lifespan ran (a bare app in a test), one that works from worker threads."""
    hot: HotPath | None = getattr(request.app.state, "hot_path", None)
    if hot is None:
        container: Container = request.app.state.container
        hot = HotPath(container.engine)
    return hot
