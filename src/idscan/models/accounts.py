"""Accounts (tenants) and their API credentials."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from idscan.models.base import Base, UTCDateTime


class Account(Base):
    """One world of a tenant. A name has a live account and, once a test credential exists, a test
    one: everything scoped to an account (transactions, webhooks, events, branding) is then scoped
    to a mode, so a test key never sees live objects and the reverse."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("name", "mode"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    mode: Mapped[str] = mapped_column(String(4), default="live", server_default="live")  # live | test
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Credential(Base):
    __tablename__ = "credentials"

    kid: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    # Sealed with the master keyring (aad = kid): HS256 needs the secret itself, so no hash.
    secret_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Branding(Base):
    """How an account's hosted pages and simple reports look; a missing row or a null is the default."""

    __tablename__ = "brandings"

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    display_name: Mapped[str | None] = mapped_column(String(80), default=None)
    primary_color: Mapped[str | None] = mapped_column(String(7), default=None)
    text_color: Mapped[str | None] = mapped_column(String(7), default=None)
    support_url: Mapped[str | None] = mapped_column(String(2048), default=None)
    # Stored as cleaned by `branding.logo` (written anew), never as uploaded.
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    logo_type: Mapped[str | None] = mapped_column(String(20), default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
