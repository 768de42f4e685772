"""Audit reports of a completed transaction: the simple one, stored when it completes, and the
extended one, sealed on request while the transaction is within its validity period."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from idscan import jobs
from idscan.container import Container
from idscan.errors import GoneError
from idscan.lib.clock import utcnow
from idscan.models import Account, DocumentScan, LivenessSession, Transaction
from idscan.report import render, seal
from idscan.report.model import Attempt, ImageKind, ReportImage, ReportKind, ReportSource, build_report
from idscan.results import service as results
from idscan.storage.blobstore import BlobNotFoundError

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
        Attempt("document_scan", s.created_at, s.code, s.score, s.source, s.linked) for s in scans if s.code
    ]
    for live in session.scalars(
        select(LivenessSession)
        .where(LivenessSession.transaction_id == transaction_id, LivenessSession.processed_at.is_not(None))
        .order_by(LivenessSession.created_at)
    ):
        code = "passed" if live.passed else (live.reasons[0] if live.reasons else "failed")
        attempts.append(
            Attempt("face_liveness", live.submitted_at or live.created_at, code, live.score, "camera")
        )
    return attempts


_IMAGE_KINDS = {
    "document_front": ImageKind.DOCUMENT_FRONT,
    "document_back": ImageKind.DOCUMENT_BACK,
    "portrait": ImageKind.PORTRAIT,
    "selfie": ImageKind.SELFIE,
}


def _images(ctx: Container, session: Session, transaction_id: str) -> list[ReportImage]:
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
            images.append(ReportImage(kind, ctx.blobs.get(str(item["key"]))))
        except BlobNotFoundError:
            continue
    return images


def _source(ctx: Container, session: Session, trx: Transaction, *, with_images: bool) -> ReportSource:
    assert trx.result_id is not None
    account = session.get(Account, trx.account_id)
    result = results.read(session, ctx.keyring, trx.account_id, trx.id, trx.result_id)
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
        images=_images(ctx, session, trx.id) if with_images else (),
    )


def make_simple(ctx: Container, transaction_id: str) -> bytes | None:
    """Render and store the simple report (idempotent: the same key is written again)."""
    with ctx.session_factory() as session:
        trx = session.get(Transaction, transaction_id)
        if trx is None or trx.result_id is None or trx.erased_at is not None:
            return None
        source = _source(ctx, session, trx, with_images=False)
    pdf = render.render_pdf(build_report(source, ReportKind.SIMPLE, generated=utcnow()))
    ctx.blobs.put(simple_key(transaction_id), pdf)
    return pdf


def fetch(ctx: Container, account_id: str, transaction_id: str, result_id: str, kind: ReportKind) -> bytes:
    """The report for the integrator; raises NotFound/409/410 exactly like the result itself."""
    with ctx.session_factory() as session:
        results.read(session, ctx.keyring, account_id, transaction_id, result_id)  # tenancy and states
        trx = session.get(Transaction, transaction_id)
        assert trx is not None
        if kind is ReportKind.SIMPLE:
            try:
                return ctx.blobs.get(simple_key(transaction_id))
            except BlobNotFoundError:
                pass  # not made yet (its job is queued): make it now
        elif trx.expires_at <= utcnow():
            raise GoneError("The extended report is available only until the transaction expires.")
        else:
            source = _source(ctx, session, trx, with_images=True)
    if kind is ReportKind.SIMPLE:
        pdf = make_simple(ctx, transaction_id)
        if pdf is None:
            raise GoneError("The report is no longer available.")
        return pdf
    unsealed = render.render_pdf(build_report(source, ReportKind.EXTENDED, generated=utcnow()))
    return seal.seal(unsealed, ctx.seal, tsa=ctx.timestamps, reason="idscan audit report").data
