"""One transaction as the console shows it: tasks, every attempt with its code and hint, the
redacted images (as console file links; only served, derived files, only those `extractFields`
keeps), scores against thresholds, the result as the integrator sees it (download URLs left out),
the webhook deliveries with their attempts, and the reviewers' notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from idscan.errors import GoneError, IdscanError, NotFoundError
from idscan.hosted import i18n as hosted_i18n
from idscan.lib.aead import Keyring
from idscan.models import (
    Account,
    DocumentScan,
    Event,
    LivenessSession,
    ReviewerNote,
    Transaction,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
)
from idscan.results import service as results
from idscan.transactions.policy import Extra, policy_of
from idscan.transactions.states import TaskType

FACE_THRESHOLD = 0.5  # a face task's score is scaled so that its threshold sits at 0.5


@dataclass(frozen=True, slots=True)
class FileLink:
    source: str  # the attempt or liveness session ID
    type: str
    label: str


@dataclass
class AttemptView:
    id: str
    created_at: datetime
    source: str
    code: str | None
    hint: str | None
    score: float | None
    side: str | None
    document_type: str | None
    files: list[FileLink] = field(default_factory=list)


@dataclass
class LivenessView:
    id: str
    created_at: datetime
    passed: bool | None
    score: float | None
    reasons: list[tuple[str, str]]
    files: list[FileLink] = field(default_factory=list)


@dataclass
class DeliveryView:
    id: str
    webhook_id: str
    url: str
    event_type: str
    state: str
    created_at: datetime
    failure_reason: str | None
    attempts: list[WebhookAttempt]


@dataclass
class TransactionView:
    trx: Transaction
    account: str
    mode: str
    tasks: list[dict[str, Any]]
    attempts: list[AttemptView]
    liveness: list[LivenessView]
    result: dict[str, Any] | None
    deliveries: list[DeliveryView]
    notes: list[ReviewerNote]

    @property
    def erased(self) -> bool:
        return self.trx.erased_at is not None

    @property
    def has_report(self) -> bool:
        return self.result is not None


def _shown(trx: Transaction, item: dict[str, Any]) -> bool:
    """Served (derived, redacted) files only, and only what `extractFields` keeps."""
    if not results.is_served(item):
        return False
    policy = policy_of(trx)
    if item["type"] == "portrait":
        return policy.extracts(Extra.PORTRAIT)
    if str(item["type"]).startswith("document_"):
        return policy.extracts(Extra.DOCUMENT_IMAGE)
    return True


def file_entry(session: Session, trx: Transaction, source: str, file_type: str) -> dict[str, Any]:
    """The `files` entry the console may serve for this transaction, or NotFound/Gone."""
    if trx.erased_at is not None:
        raise GoneError("The transaction's personal data was erased.")
    scan = session.get(DocumentScan, source)
    live = session.get(LivenessSession, source) if scan is None else None
    owner = scan or live
    if owner is None or owner.transaction_id != trx.id:
        raise NotFoundError("File not found.")
    for item in owner.files:
        if item["type"] == file_type and _shown(trx, item):
            return dict(item)
    raise NotFoundError("File not found.")


def _strip_urls(value: Any) -> Any:
    """The result without download URLs (each is a bearer handle of the integrator's)."""
    if isinstance(value, dict):
        return {k: _strip_urls(v) for k, v in value.items() if k != "url"}
    if isinstance(value, list):
        return [_strip_urls(v) for v in value]
    return value


def get(session: Session, transaction_id: str) -> Transaction:
    trx = session.get(Transaction, transaction_id)
    if trx is None:
        raise NotFoundError("Transaction not found.")
    return trx


def view(session: Session, keyring: Keyring, transaction_id: str, locale: str) -> TransactionView:
    trx = get(session, transaction_id)
    account = session.get(Account, trx.account_id)
    assert account is not None
    scans = list(
        session.scalars(
            select(DocumentScan)
            .where(DocumentScan.transaction_id == trx.id)
            .order_by(DocumentScan.created_at)
        )
    )
    lives = list(
        session.scalars(
            select(LivenessSession)
            .where(LivenessSession.transaction_id == trx.id, LivenessSession.submitted_at.is_not(None))
            .order_by(LivenessSession.created_at)
        )
    )
    erased = trx.erased_at is not None
    attempts = [
        AttemptView(
            id=s.id, created_at=s.created_at, source=s.source, code=s.code,
            hint=hosted_i18n.hint(s.code, locale) if s.code else None, score=s.score, side=s.side,
            document_type=s.document_type,
            files=[] if erased else [FileLink(s.id, f["type"], f["type"]) for f in s.files if _shown(trx, f)],
        )
        for s in scans
    ]  # fmt: skip
    liveness = [
        LivenessView(
            id=v.id, created_at=v.created_at, passed=v.passed, score=v.score,
            reasons=[(r, hosted_i18n.reason_hint(r, locale)) for r in v.reasons],
            files=[] if erased else [FileLink(v.id, f["type"], f["type"]) for f in v.files if _shown(trx, f)],
        )
        for v in lives
    ]  # fmt: skip
    tasks = [
        {
            "type": t.type, "state": t.state, "attempts": t.attempts, "score": t.score, "passed": t.passed,
            "reason": t.reason,
            "threshold": FACE_THRESHOLD if t.type in (TaskType.FACE_LIVENESS, TaskType.FACE_MATCH) else None,
        }
        for t in trx.tasks
    ]  # fmt: skip
    result = None
    if trx.result_id is not None and not erased:
        try:
            result = _strip_urls(results.read(session, keyring, trx.account_id, trx.id, trx.result_id))
        except IdscanError:
            result = None
    notes = list(
        session.scalars(
            select(ReviewerNote)
            .where(ReviewerNote.transaction_id == trx.id)
            .order_by(ReviewerNote.created_at)
        )
    )
    return TransactionView(
        trx=trx, account=account.name, mode=account.mode, tasks=tasks, attempts=attempts,
        liveness=liveness, result=result, deliveries=deliveries(session, trx), notes=notes,
    )  # fmt: skip


def deliveries(session: Session, trx: Transaction) -> list[DeliveryView]:
    """The deliveries of this transaction's events, newest first, with their attempts."""
    events = list(
        session.scalars(
            select(Event).where(Event.transaction_id == trx.id, Event.account_id == trx.account_id)
        )
    )
    if not events:
        return []
    types = {e.id: e.type for e in events}
    rows = list(
        session.execute(
            select(WebhookDelivery, Webhook.url)
            .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
            .where(WebhookDelivery.event_id.in_(list(types)))
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id)
        )
    )
    attempts: dict[str, list[WebhookAttempt]] = {}
    if rows:
        for a in session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id.in_([d.id for d, _ in rows]))
            .order_by(WebhookAttempt.number)
        ):
            attempts.setdefault(a.delivery_id, []).append(a)
    return [
        DeliveryView(
            id=d.id, webhook_id=d.webhook_id, url=url, event_type=types[d.event_id], state=d.state,
            created_at=d.created_at, failure_reason=d.failure_reason, attempts=attempts.get(d.id, []),
        )
        for d, url in rows
    ]  # fmt: skip


def delivery_of(session: Session, trx: Transaction, delivery_id: str) -> DeliveryView:
    for item in deliveries(session, trx):
        if item.id == delivery_id:
            return item
    raise NotFoundError("Delivery not found.")
