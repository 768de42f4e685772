"""The operator console: its users, their sessions, the audit log, reviewer notes, and the keyed
index that finds a transaction by document number without keeping the number."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from idscan.models.base import Base, UTCDateTime


class ConsoleUser(Base):
    """A person who signs in to the console (never an API credential)."""

    __tablename__ = "console_users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(10))  # admin | reviewer | viewer
    # argon2id; null until the user has followed the setup link.
    password_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    # The TOTP secret sealed with the master keyring (aad: the user ID); null without a second factor.
    totp_sealed: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    # The last TOTP time step accepted: a code is good once.
    totp_last_step: Mapped[int | None] = mapped_column(Integer, default=None)
    # SHA-256 of the one-time setup link's token; null once used.
    setup_hash: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    setup_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class ConsoleSession(Base):
    """A signed-in browser. The cookie carries the token (signed); the database keeps its digest."""

    __tablename__ = "console_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("console_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditEntry(Base):
    """One console action: who, what, when, from where. Only ever inserted."""

    __tablename__ = "console_audit"
    __table_args__ = (Index("ix_console_audit_at", "at", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Kept as text, not a foreign key: the log outlives the user.
    user_id: Mapped[str | None] = mapped_column(String(36), default=None)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(200), default=None)
    ip: Mapped[str | None] = mapped_column(String(64), default=None)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ReviewerNote(Base):
    __tablename__ = "reviewer_notes"
    __table_args__ = (Index("ix_reviewer_notes_transaction_created", "transaction_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    transaction_id: Mapped[str] = mapped_column(ForeignKey("transactions.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(254))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DocumentNumberDigest(Base):
    """HMAC of an accepted document's normalised number under a key derived from master key
    `key_id`: the console finds the transaction by number; the number itself is never kept here."""

    __tablename__ = "document_number_digests"

    transaction_id: Mapped[str] = mapped_column(
        ForeignKey("transactions.id", ondelete="CASCADE"), primary_key=True
    )
    key_id: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64), index=True)
