"""What the composition roots build once and hand to routes and job handlers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import Request
from sqlalchemy import Engine

from idscan.config import Settings
from idscan.db import SessionFactory
from idscan.lib.aead import Keyring
from idscan.lib.http import OutboundClient
from idscan.ops.metrics import Metrics

if TYPE_CHECKING:
    from idscan.report.seal import SealIdentity
    from idscan.report.tsa import TimestampClient
    from idscan.storage.blobstore import BlobStore
    from idscan.vision.sessions import VisionModels


@dataclass
class Container:
    settings: Settings
    engine: Engine
    session_factory: SessionFactory
    keyring: Keyring
    blobs: BlobStore
    outbound: OutboundClient
    metrics: Metrics
    vision: VisionModels
    seal: SealIdentity
    timestamps: TimestampClient | None

    def close(self) -> None:
        self.outbound.close()
        closer = getattr(self.timestamps, "close", None)
        if closer is not None:
            closer()
        self.engine.dispose()


def get_container(request: Request) -> Container:
    """FastAPI dependency: the container the app was built with."""
    container: Container = request.app.state.container
    return container
