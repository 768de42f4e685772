"""Liveness of the job workers (the job engine's own tables are its business, not ours)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from idscan.models.base import Base, UTCDateTime


class WorkerHeartbeat(Base):
    """The last time each job worker showed it was polling; readiness fails when all are silent."""

    __tablename__ = "worker_heartbeats"

    executor_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
