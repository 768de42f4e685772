"""Verification transactions and their tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from idscan.models.base import Base, UTCDateTime


class Transaction(Base):
    __tablename__ = "transactions"
    __table_args__ = (
        Index("ix_transactions_account_created", "account_id", "created_at", "id"),
        Index("ix_transactions_state_expires", "state", "expires_at"),
        Index("ix_transactions_test_created", "test", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(20))
    task_types: Mapped[list[str]] = mapped_column(JSON)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    locale: Mapped[str] = mapped_column(String(10))
    mobile_only: Mapped[bool] = mapped_column(Boolean)
    # Created with a test key: specimen data only, scripted outcomes allowed, erased after 24 h.
    test: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    return_url: Mapped[str | None] = mapped_column(String(2048))
    scan_return_url: Mapped[str | None] = mapped_column(String(2048))
    allowed_origins: Mapped[list[str] | None] = mapped_column(JSON)
    # The hosted page's only credential (never the transaction ID), kept as its SHA-256 digest: the
    # link is a bearer secret, and the service never needs it again (see Handoff).
    capability_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The same token sealed with the master keyring (aad: the transaction ID), so that the owner can
    # read the page URL again while the transaction is pending; dropped when it ends.
    capability_sealed: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    result_id: Mapped[str | None] = mapped_column(String(36), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    tasks: Mapped[list[Task]] = relationship(
        back_populates="transaction",
        order_by="Task.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    def task(self, task_type: str) -> Task | None:
        """This transaction's task of that type (a type appears at most once), or None."""
        return next((t for t in self.tasks if t.type == task_type), None)


class Task(Base):
    __tablename__ = "tasks"

    transaction_id: Mapped[str] = mapped_column(
        ForeignKey("transactions.id", ondelete="CASCADE"), primary_key=True
    )
    type: Mapped[str] = mapped_column(String(30), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    attempts_invoiced: Mapped[int] = mapped_column(Integer, default=0)
    # The deciding score of a face task (0…1, 0.5 at its threshold) and whether it passed.
    score: Mapped[float | None] = mapped_column(Float, default=None)
    passed: Mapped[bool | None] = mapped_column(Boolean, default=None)
    # Why a failed task failed (idscan.transactions.states.failure reasons); None otherwise.
    reason: Mapped[str | None] = mapped_column(String(40), default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    transaction: Mapped[Transaction] = relationship(back_populates="tasks")
