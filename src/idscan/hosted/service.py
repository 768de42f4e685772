"""End-user use cases behind a capability token. Functions take the session first, never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from idscan import jobs
from idscan.documents.codes import PAIRING_CODES
from idscan.errors import ConflictError, GoneError, NotFoundError, Problem, ValidationError
from idscan.lib.aead import DecryptionError, Keyring, token_keyring
from idscan.lib.clock import utcnow
from idscan.lib.ids import capability_token, is_token_shaped, new_uuid, token_digest
from idscan.models import DocumentScan, Handoff, Transaction
from idscan.pipeline.kinds import DOCUMENT_JOB
from idscan.storage.blobstore import BlobStore
from idscan.transactions.policy import policy_of
from idscan.transactions.states import TaskState, TaskType, TransactionState


def resolve(session: Session, token: str) -> Transaction:
    """The transaction a capability token opens, in whatever state it is (found by its digest)."""
    if not is_token_shaped(token):
        raise NotFoundError("Unknown link.")
    query = select(Transaction).where(Transaction.capability_hash == token_digest(token))
    trx = session.scalars(query).one_or_none()
    if trx is None:
        raise NotFoundError("Unknown link.")
    return trx


def require_pending(trx: Transaction) -> None:
    if trx.state != TransactionState.PENDING or trx.expires_at <= utcnow():
        raise GoneError("This verification is no longer open.")


@dataclass(frozen=True, slots=True)
class Submitted:
    attempt_id: str
    linked: bool


def submit_document(
    session: Session, blobs: BlobStore, trx: Transaction, data: bytes, source: str
) -> Submitted:
    """Keep the upload and queue its processing in the same transaction as the attempt row."""
    require_pending(trx)
    if source not in policy_of(trx).capture_sources:
        raise ValidationError([Problem("source", f"Capture source {source!r} is not allowed here.")])
    task = trx.task(TaskType.DOCUMENT_SCAN)
    if task is None or task.state != TaskState.PENDING:
        raise ConflictError("The document step is already done.")
    if not data:
        raise ValidationError([Problem("file", "The file is empty.")])
    last = session.scalars(
        select(DocumentScan)
        .where(DocumentScan.transaction_id == trx.id)
        .order_by(DocumentScan.created_at.desc())
        .limit(1)
    ).first()
    if last is not None and last.processed_at is None:
        raise ConflictError("The previous photo is still being checked.")
    linked = last is not None and last.code in PAIRING_CODES
    attempt_id = new_uuid()
    key = f"transactions/{trx.id}/attempts/{attempt_id}/upload"
    # Stored before the row commits: a failed commit leaves an orphan under the transaction's
    # prefix, which erasure removes with the rest.
    blobs.put(key, data)
    session.add(
        DocumentScan(
            id=attempt_id,
            transaction_id=trx.id,
            created_at=utcnow(),
            source=source,
            linked=linked,
            files=[{"category": "upload", "type": "raw_document_image", "key": key}],
        )
    )
    jobs.enqueue(session, DOCUMENT_JOB, {"attempt_id": attempt_id}, job_id=f"document:{attempt_id}")
    return Submitted(attempt_id=attempt_id, linked=linked)


HANDOFF_TTL = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class NewHandoff:
    token: str
    expires_at: datetime


def _handoff_keyring(handoff_token: str) -> Keyring:
    return token_keyring(handoff_token, "hand-off")


def _handoff_aad(token_hash: str) -> bytes:
    return f"handoff:{token_hash}".encode()


def create_handoff(session: Session, trx: Transaction, capability: str) -> NewHandoff:
    """A fresh single-use link for a phone; it works once, for 15 minutes. `capability` is the
    transaction's own token (from the page's URL): redeeming sends the phone there, so it is kept
    sealed under a key derived from the hand-off token, which only the phone's link holds."""
    require_pending(trx)
    now = utcnow()
    token = capability_token()
    token_hash = token_digest(token)
    sealed = _handoff_keyring(token).seal(capability.encode(), aad=_handoff_aad(token_hash))
    session.add(
        Handoff(
            token_hash=token_hash,
            transaction_id=trx.id,
            capability_sealed=sealed,
            created_at=now,
            expires_at=now + HANDOFF_TTL,
        )
    )
    return NewHandoff(token=token, expires_at=now + HANDOFF_TTL)


def redeem_handoff(session: Session, token: str) -> str:
    """Use a hand-off link: the first use opens the transaction and answers its capability token
    (where the phone goes next); any later use is refused."""
    if not is_token_shaped(token):
        raise NotFoundError("Unknown link.")
    token_hash = token_digest(token)
    handoff = session.get(Handoff, token_hash, with_for_update=True)
    if handoff is None:
        raise NotFoundError("Unknown link.")
    if handoff.used_at is not None or handoff.expires_at <= utcnow():
        raise GoneError("This link was already used or has expired.")
    handoff.used_at = utcnow()
    trx = session.get(Transaction, handoff.transaction_id)
    assert trx is not None
    require_pending(trx)
    try:
        capability = _handoff_keyring(token).open(handoff.capability_sealed, aad=_handoff_aad(token_hash))
    except DecryptionError as exc:  # a row that was tampered with: the link leads nowhere
        raise NotFoundError("Unknown link.") from exc
    return capability.decode()


def completion_url(base: str | None, trx: Transaction) -> str | None:
    """`returnUrl`/`scanReturnUrl` with `trxid` and `resultid` added, keeping its own query."""
    if base is None or trx.state != TransactionState.COMPLETED:
        return None
    parts = urlsplit(base)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [("trxid", trx.id), ("resultid", trx.result_id or "")]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))
