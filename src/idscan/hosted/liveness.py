"""The liveness step behind a capability token: issue a plan, take the frames once."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from idscan import jobs
from idscan.errors import (
    ConflictError,
    GoneError,
    NotFoundError,
    Problem,
    UnsupportedImageError,
    ValidationError,
)
from idscan.hosted.service import require_pending
from idscan.lib.clock import utcnow
from idscan.lib.ids import new_uuid
from idscan.models import LivenessSession, Transaction
from idscan.pipeline.frames import UploadedFrame, pack_frames
from idscan.pipeline.kinds import LIVENESS_JOB
from idscan.storage.blobstore import BlobStore
from idscan.transactions.states import TaskState, TaskType
from idscan.vision.liveness_frames import check_frame
from idscan.vision.liveness_plan import ChallengePlan, new_challenge


def _task_state(trx: Transaction, task_type: TaskType) -> str | None:
    task = trx.task(task_type)
    return task.state if task is not None else None


def start(session: Session, trx: Transaction) -> ChallengePlan:
    """The open plan of this transaction, or a new one. Liveness follows the document."""
    require_pending(trx)
    if _task_state(trx, TaskType.FACE_LIVENESS) != TaskState.PENDING:
        raise ConflictError("The liveness step is not open.")
    if _task_state(trx, TaskType.DOCUMENT_SCAN) == TaskState.PENDING:
        raise ConflictError("Scan the document first.")
    now = utcnow()
    open_session = session.scalars(
        select(LivenessSession)
        .where(
            LivenessSession.transaction_id == trx.id,
            LivenessSession.submitted_at.is_(None),
            LivenessSession.expires_at > now,
        )
        .order_by(LivenessSession.created_at.desc())
        .limit(1)
    ).first()
    if open_session is not None:
        return ChallengePlan.from_json(json.dumps(open_session.plan))
    plan = new_challenge(None, now)
    session.add(
        LivenessSession(
            id=new_uuid(),
            transaction_id=trx.id,
            nonce=plan.nonce,
            plan=json.loads(plan.to_json()),
            created_at=now,
            expires_at=plan.expires_at,
        )
    )
    return plan


def submit(
    session: Session,
    blobs: BlobStore,
    trx: Transaction,
    nonce: str,
    frames: Sequence[UploadedFrame],
    max_frames: int,
) -> str:
    """Spend the nonce, keep the frames, and queue the verdict, all in one unit of work."""
    require_pending(trx)
    live = session.scalars(
        select(LivenessSession).where(LivenessSession.nonce == nonce).with_for_update()
    ).one_or_none()
    if live is None or live.transaction_id != trx.id:
        raise NotFoundError("Unknown liveness session.")
    if live.submitted_at is not None:
        raise GoneError("This liveness session was already used.")
    if live.expires_at <= utcnow():
        raise GoneError("This liveness session has expired; start again.")
    if not 1 <= len(frames) <= max_frames:
        raise ValidationError([Problem("frames", f"Send between 1 and {max_frames} frames.")])
    stamps = [f.timestamp_ms for f in frames]
    if stamps != sorted(stamps):
        raise ValidationError([Problem("timestamps", "Frame timestamps must not go backwards.")])
    for number, frame in enumerate(frames, start=1):
        try:  # from the header only: a format the page sends, at most 2 MP; refused before storing
            check_frame(frame.data)
        except UnsupportedImageError as exc:
            raise type(exc)(exc.reason, f"Frame {number}: {exc.detail}") from exc
    key = f"transactions/{trx.id}/liveness/{live.id}/frames.zip"
    blobs.put(key, pack_frames(frames))
    live.submitted_at = utcnow()
    live.frames_key = key
    jobs.enqueue(session, LIVENESS_JOB, {"session_id": live.id}, job_id=f"liveness:{live.id}")
    return live.id
