"""A liveness session, as ordered steps: load, judge (on the server, from the frames), record.

Safe to repeat: the selfie goes to a fixed key and `record` does nothing once recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from idscan.container import Container
from idscan.db import transaction
from idscan.lib.clock import utcnow
from idscan.models import LivenessSession, Transaction
from idscan.pipeline import images
from idscan.pipeline.frames import unpack_frames
from idscan.pipeline.outcome import PROCESSING_FAILED, record_task_outcome, want_face_match
from idscan.results import service as results
from idscan.testmode import scripted as testmode_scripted
from idscan.testmode import specimen
from idscan.testmode.outcomes import Outcome
from idscan.transactions.states import LIVENESS_FAILED, TaskState, TaskType, TransactionState
from idscan.vision.liveness import judge
from idscan.vision.liveness_frames import EncodedFrame, readable
from idscan.vision.liveness_plan import ChallengePlan


@dataclass(frozen=True)
class SessionInput:
    session_id: str
    transaction_id: str
    plan: ChallengePlan
    frames_key: str
    submitted_at: datetime
    scripted: Outcome | None = None  # test mode: the verdict to record instead of judging frames


@dataclass
class Verdict:
    passed: bool
    score: float
    reasons: list[str] = field(default_factory=list)
    selfie: bytes | None = None


def load(ctx: Container, session_id: str) -> SessionInput | None:
    with ctx.session_factory() as session:
        live = session.get(LivenessSession, session_id)
        if (
            live is None
            or live.processed_at is not None
            or live.frames_key is None
            or live.submitted_at is None
        ):
            return None
        return SessionInput(
            session_id=live.id,
            transaction_id=live.transaction_id,
            plan=ChallengePlan.from_json(json.dumps(live.plan)),
            frames_key=live.frames_key,
            submitted_at=live.submitted_at,
            scripted=Outcome(live.scripted) if live.scripted else None,
        )


def analyse(ctx: Container, inp: SessionInput) -> Verdict:
    # The frames stay encoded and are decoded one at a time in each pass of the judge; a broken or
    # refused frame is a gap in the capture, which the timing checks judge.
    uploaded = unpack_frames(ctx.blobs.get(inp.frames_key))
    frames = readable(EncodedFrame(item.timestamp_ms, item.data) for item in uploaded)
    if not frames:
        return Verdict(passed=False, score=0.0, reasons=["no_frames"])
    verdict = judge(inp.plan, frames, ctx.engines.vision, now=inp.submitted_at)
    selfie = None
    if verdict.best_frame_index is not None:
        bgr = frames[verdict.best_frame_index].image
        selfie = images.jpeg(np.ascontiguousarray(bgr[:, :, ::-1]))
    return Verdict(
        passed=verdict.passed,
        score=round(float(verdict.score), 4),
        reasons=[str(r.code) for r in verdict.reasons],
        selfie=selfie if verdict.passed else None,
    )


def scripted(inp: SessionInput) -> Verdict:
    """Test mode: the scripted verdict, with a drawn specimen selfie where a real one would be kept."""
    assert inp.scripted is not None
    script = testmode_scripted.liveness(inp.scripted)
    return Verdict(
        passed=script.passed,
        score=script.score,
        reasons=list(script.reasons),
        selfie=specimen.selfie(int(inp.session_id[:8], 16)) if script.passed else None,
    )


def record(ctx: Container, inp: SessionInput, verdict: Verdict) -> None:
    selfie_key = f"transactions/{inp.transaction_id}/liveness/{inp.session_id}/selfie.jpg"
    if verdict.selfie is not None:
        ctx.blobs.put(selfie_key, verdict.selfie)
    with transaction(ctx.session_factory) as session:
        live = session.get(LivenessSession, inp.session_id, with_for_update=True)
        trx = session.get(Transaction, inp.transaction_id, with_for_update=True)
        if live is None or live.processed_at is not None or trx is None:
            return
        live.processed_at = utcnow()
        live.passed, live.score, live.reasons = verdict.passed, verdict.score, verdict.reasons
        if verdict.selfie is not None:
            url = results.new_download(
                session, trx, selfie_key, images.JPEG, "selfie", ctx.settings.effective_api_base_url
            )
            sealed = results.seal_url(ctx.keyring, selfie_key, url)
            live.files = [{"category": "image", "type": "selfie", "key": selfie_key, "url_sealed": sealed}]
        if trx.state != TransactionState.PENDING:
            return
        task = trx.task(TaskType.FACE_LIVENESS)
        if task is None or task.state != TaskState.PENDING:
            return
        task.attempts += 1
        task.score, task.passed = verdict.score, verdict.passed
        if verdict.passed:
            record_task_outcome(ctx, session, trx, task, TaskState.COMPLETED)
            want_face_match(session, trx)
        elif task.attempts >= ctx.settings.transactions.max_attempts:
            reason = verdict.reasons[0] if verdict.reasons else LIVENESS_FAILED
            record_task_outcome(ctx, session, trx, task, TaskState.FAILED, reason)


def fail(ctx: Container, session_id: str) -> None:
    """The capture could not be judged at all (it crashed or broke the engine every time): record
    it as failed with `processing_failed` and fail the task, which tells the integrator."""
    with transaction(ctx.session_factory) as session:
        live = session.get(LivenessSession, session_id, with_for_update=True)
        if live is None or live.processed_at is not None:
            return
        trx = session.get(Transaction, live.transaction_id, with_for_update=True)
        live.processed_at = utcnow()
        live.passed, live.score, live.reasons = False, 0.0, [PROCESSING_FAILED]
        if trx is None or trx.state != TransactionState.PENDING:
            return
        task = trx.task(TaskType.FACE_LIVENESS)
        if task is None or task.state != TaskState.PENDING:
            return
        task.attempts += 1
        task.score, task.passed = 0.0, False
        record_task_outcome(ctx, session, trx, task, TaskState.FAILED, PROCESSING_FAILED)


def run(ctx: Container, session_id: str) -> None:
    inp = load(ctx, session_id)
    if inp is None:
        return
    record(ctx, inp, scripted(inp) if inp.scripted is not None else analyse(ctx, inp))
