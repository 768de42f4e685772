"""SQLAlchemy tables, one module per aggregate. Import this package to register them all."""

from idscan.models.accounts import Account, Branding, Credential
from idscan.models.attempts import DocumentScan, Download, Handoff, LivenessSession, Result
from idscan.models.base import Base
from idscan.models.console import (
    AuditEntry,
    ConsoleSession,
    ConsoleUser,
    DocumentNumberDigest,
    ReviewerNote,
)
from idscan.models.jobs import WorkerHeartbeat
from idscan.models.transactions import Task, Transaction
from idscan.models.webhooks import Event, Webhook, WebhookAttempt, WebhookDelivery

__all__ = [
    "Account",
    "AuditEntry",
    "Base",
    "Branding",
    "ConsoleSession",
    "ConsoleUser",
    "DocumentNumberDigest",
    "DocumentScan",
    "Download",
    "Credential",
    "Event",
    "Handoff",
    "LivenessSession",
    "Result",
    "ReviewerNote",
    "Task",
    "Transaction",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
    "WorkerHeartbeat",
]
