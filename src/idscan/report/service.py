"""Audit reports of a completed transaction: the simple one, stored when it completes, and the
extended one, sealed on request while the transaction is within its validity period."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from idscan import jobs
from idscan.branding import service as branding
from idscan.container import Sealer
from idscan.errors import GoneError
from idscan.lib.aead import Keyring
from idscan.lib.clock import utcnow
from idscan.models import Account, DocumentScan, LivenessSession, Transaction
from idscan.report import render
from idscan.report.model import Attempt, ImageKind, ReportImage, ReportKind, ReportSource, build_report
from idscan.results import service as results
from idscan.storage.blobstore import BlobNotFoundError, BlobStore
from idscan.transactions.states import TaskType

SIMPLE_JOB = jobs.Kind("report.simple", jobs.Queue.PIPELINE)
MEDIA_TYPE = "application/pdf"


def simple_key(transaction_id: str) -> str:
    return f"transactions/{transaction_id}/reports/simple.pdf"


def _attempts(session: Session, transaction_id: str) -> list[Attempt]:
    scans = session.scalars(
        select(DocumentScan)
        .where(DocumentScan.transaction_id == transaction_id)
        .order_by(DocumentScan.created_at)
    )
    attempts = [
        Attempt(TaskType.DOCUMENT_SCAN, s.created_at, s.code, s.score, s.source, s.linked)
        for s in scans
        if s.code
    ]
    for live in session.scalars(
        select(LivenessSession)
        .where(LivenessSession.transaction_id == transaction_id, LivenessSession.processed_at.is_not(None))
        .order_by(LivenessSession.created_at)
    ):
        code = "passed" if live.passed else (live.reasons[0] if live.reasons else "failed")
        attempts.append(
            Attempt(TaskType.FACE_LIVENESS, live.submitted_at or live.created_at, code, live.score, "camera")
        )
    return attempts


_IMAGE_KINDS = {
    "document_front": ImageKind.DOCUMENT_FRONT,
    "document_back": ImageKind.DOCUMENT_BACK,
    "portrait": ImageKind.PORTRAIT,
    "selfie": ImageKind.SELFIE,
}


def _images(session: Session, blobs: BlobStore, transaction_id: str) -> list[ReportImage]:
    """The files as served: redacted document sides, the portrait, the selfie."""
    files = [
        *results.accepted_document_files(session, transaction_id),
        *results.selfie_files(session, transaction_id),
    ]
    images = []
    for item in files:
        kind = _IMAGE_KINDS.get(str(item["type"]))
        if kind is None:
            continue
        try:
            images.append(ReportImage(kind, blobs.get(str(item["key"]))))
        except BlobNotFoundError:
            continue
    return images


def _source(
    session: Session, keyring: Keyring, trx: Transaction, images: Sequence[ReportImage] = ()
) -> ReportSource:
    assert trx.result_id is not None
    account = session.get(Account, trx.account_id)
    result = results.read(session, keyring, trx.account_id, trx.id, trx.result_id)
    return ReportSource(
        account_name=account.name if account else trx.account_id,
        transaction_id=trx.id,
        result_id=trx.result_id,
        locale=trx.locale,
        created=trx.created_at,
        completed=trx.completed_at,
        expires=trx.expires_at,
        tasks=list(trx.task_types),
        settings=trx.settings,
        result=result,
        attempts=_attempts(session, trx.id),
        images=images,
        test=trx.test,
        look=branding.look_of(session, trx.account_id),
    )


def simple_source(session: Session, keyring: Keyring, transaction_id: str) -> ReportSource | None:
    """What the simple report is made from; None once there is nothing to report (erased)."""
    trx = session.get(Transaction, transaction_id)
    if trx is None or trx.result_id is None or trx.erased_at is not None:
        return None
    return _source(session, keyring, trx)


def store_simple(blobs: BlobStore, source: ReportSource) -> bytes:
    """Render and store the simple report (idempotent: the same key is written again). No session:
    rendering takes a while and needs nothing from the database."""
    pdf = render.render_pdf(build_report(source, ReportKind.SIMPLE, generated=utcnow()))
    blobs.put(simple_key(source.transaction_id), pdf)
    return pdf


@dataclass(frozen=True, slots=True)
class Prepared:
    """A report request after the database has answered: the stored simple report, or what to make."""

    kind: ReportKind
    stored: bytes | None = None
    source: ReportSource | None = None


def prepare(
    session: Session,
    keyring: Keyring,
    blobs: BlobStore,
    account_id: str,
    transaction_id: str,
    result_id: str,
    kind: ReportKind,
) -> Prepared:
    """Check the request exactly like the result itself (404/409/410) and gather what the report
    needs, so that rendering and sealing (`produce`) run after the session is closed."""
    results.read(session, keyring, account_id, transaction_id, result_id)  # tenancy and states
    trx = session.get(Transaction, transaction_id)
    assert trx is not None
    if kind is ReportKind.SIMPLE:
        try:
            return Prepared(kind, stored=blobs.get(simple_key(transaction_id)))
        except BlobNotFoundError:
            pass  # not made yet (its job is queued): make it now
        source = simple_source(session, keyring, transaction_id)
        if source is None:
            raise GoneError("The report is no longer available.")
        return Prepared(kind, source=source)
    if trx.expires_at <= utcnow():
        raise GoneError("The extended report is available only until the transaction expires.")
    return Prepared(kind, source=_source(session, keyring, trx, _images(session, blobs, trx.id)))


def produce(prepared: Prepared, blobs: BlobStore, sealer: Sealer) -> bytes:
    """The PDF: the stored simple report, a simple one made now (and stored), or a sealed extended one."""
    if prepared.stored is not None:
        return prepared.stored
    assert prepared.source is not None
    if prepared.kind is ReportKind.SIMPLE:
        return store_simple(blobs, prepared.source)
    unsealed = render.render_pdf(build_report(prepared.source, ReportKind.EXTENDED, generated=utcnow()))
    return sealer.seal(unsealed, reason="idscan audit report")
