"""What the end user sent and what came of it: document attempts, results, downloads, hand-offs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from idscan.models.base import Base, UTCDateTime


class DocumentScan(Base):
    """One upload of one document side, and the engine's verdict on it."""

    __tablename__ = "document_scans"
    __table_args__ = (Index("ix_document_scans_transaction_created", "transaction_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    transaction_id: Mapped[str] = mapped_column(ForeignKey("transactions.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(10))  # camera | file
    # Null while the pipeline has not judged it yet.
    code: Mapped[str | None] = mapped_column(String(60), default=None)
    score: Mapped[float | None] = mapped_column(Float, default=None)
    linked: Mapped[bool] = mapped_column(Boolean, default=False)
    side: Mapped[str | None] = mapped_column(String(10), default=None)
    document_type: Mapped[str | None] = mapped_column(String(30), default=None)
    # [{"category", "type", "key"[, "url_sealed"]}]: blob keys of the upload and of what was derived
    # from it; a served file's download URL (it holds a bearer token) sealed with the master keyring.
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # The extracted reading (personal data), sealed with the master keyring.
    reading_sealed: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Result(Base):
    __tablename__ = "results"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    transaction_id: Mapped[str] = mapped_column(
        ForeignKey("transactions.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The result body of the contract (fields are personal data), sealed with the master keyring.
    body_sealed: Mapped[bytes] = mapped_column(LargeBinary)


class Download(Base):
    """A download token for one stored file, answered only to the owning account."""

    __tablename__ = "downloads"
    __table_args__ = (Index("ix_downloads_transaction", "transaction_id"),)

    # SHA-256 of the token in the download URL: the URL is a bearer handle, so only its digest is kept.
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    transaction_id: Mapped[str] = mapped_column(ForeignKey("transactions.id", ondelete="CASCADE"))
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    blob_key: Mapped[str] = mapped_column(String(1024))
    media_type: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Handoff(Base):
    """A single-use link that moves the end user from the desktop to a phone (QR code)."""

    __tablename__ = "handoffs"

    # SHA-256 of the hand-off token (a bearer secret).
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    transaction_id: Mapped[str] = mapped_column(ForeignKey("transactions.id", ondelete="CASCADE"), index=True)
    # The transaction's capability token, where redeeming sends the phone, sealed under a key derived
    # from the hand-off token: only the phone holding the link can open it, not the database.
    capability_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class LivenessSession(Base):
    """One liveness check: the plan issued to the page, the frames it sent back, the verdict."""

    __tablename__ = "liveness_sessions"
    __table_args__ = (Index("ix_liveness_sessions_transaction_created", "transaction_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    transaction_id: Mapped[str] = mapped_column(ForeignKey("transactions.id", ondelete="CASCADE"))
    # Single use: the nonce is spent when frames arrive, so a session cannot be replayed.
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    frames_key: Mapped[str | None] = mapped_column(String(1024), default=None)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    passed: Mapped[bool | None] = mapped_column(Boolean, default=None)
    score: Mapped[float | None] = mapped_column(Float, default=None)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Test mode only: the outcome asked for (testmode.Outcome); the pipeline then takes the scripted
    # verdict instead of judging frames, and records it by the same code as a real one.
    scripted: Mapped[str | None] = mapped_column(String(20), default=None)
    # [{"category", "type", "key", "url_sealed"}]: the selfie kept from the best frame (the URL sealed
    # as in DocumentScan.files).
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
