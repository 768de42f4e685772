"""SQLAlchemy tables, one module per aggregate. Import this package to register them all."""

from idscan.models.accounts import Account, Branding, Credential
from idscan.models.attempts import DocumentScan, Download, Handoff, LivenessSession, Result
from idscan.models.base import Base
from idscan.models.jobs import WorkerHeartbeat
from idscan.models.transactions import Task, Transaction
from idscan.models.webhooks import Event, Webhook, WebhookAttempt, WebhookDelivery

__all__ = [
    "Account",
    "Base",
    "Branding",
    "DocumentScan",
    "Download",
    "Credential",
    "Event",
    "Handoff",
    "LivenessSession",
    "Result",
    "Task",
    "Transaction",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
    "WorkerHeartbeat",
]
