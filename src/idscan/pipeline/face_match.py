"""Compare the document portrait with the liveness selfie, once both exist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from idscan.container import Container
from idscan.db import transaction
from idscan.models import LivenessSession, Transaction
from idscan.pipeline.outcome import PROCESSING_FAILED, record_task_outcome
from idscan.results import service as results
from idscan.testmode import scripted as testmode_scripted
from idscan.testmode.outcomes import Outcome
from idscan.transactions.states import FACE_MISMATCH, TaskState, TaskType, TransactionState
from idscan.vision.images import decode_image
from idscan.vision.matching import MatchParams, compare_faces


@dataclass(frozen=True)
class MatchInput:
    transaction_id: str
    portrait_key: str
    selfie_key: str
    scripted: Outcome | None = None  # test mode: the comparison to record instead of the model's


@dataclass(frozen=True)
class MatchOutcome:
    score: float
    passed: bool
    problem: str | None


def load(ctx: Container, transaction_id: str) -> MatchInput | None:
    with ctx.session_factory() as session:
        trx = session.get(Transaction, transaction_id)
        if trx is None or trx.state != TransactionState.PENDING:
            return None
        task = trx.task(TaskType.FACE_MATCH)
        if task is None or task.state != TaskState.PENDING:
            return None
        portrait = _file_key(results.accepted_document_files(session, trx.id), "portrait")
        selfie = _file_key(results.selfie_files(session, trx.id), "selfie")
        if portrait is None or selfie is None:
            return None
        script = None
        if trx.test:
            script = session.scalars(
                select(LivenessSession.scripted)
                .where(LivenessSession.transaction_id == trx.id, LivenessSession.passed.is_(True))
                .order_by(LivenessSession.processed_at.desc())
                .limit(1)
            ).first()
        return MatchInput(trx.id, portrait, selfie, Outcome(script) if script else None)


def _file_key(files: list[dict[str, Any]], kind: str) -> str | None:
    return next((str(f["key"]) for f in files if f["type"] == kind), None)


def scripted(inp: MatchInput) -> MatchOutcome:
    assert inp.scripted is not None
    script = testmode_scripted.match(inp.scripted)
    return MatchOutcome(script.score, script.passed, None)


def analyse(ctx: Container, inp: MatchInput) -> MatchOutcome:
    portrait = decode_image(ctx.blobs.get(inp.portrait_key))
    selfie = decode_image(ctx.blobs.get(inp.selfie_key))
    comparison = compare_faces(
        portrait, selfie, ctx.engines.vision, MatchParams(threshold=ctx.settings.vision.match_threshold)
    )
    if comparison.result is None:
        return MatchOutcome(score=0.0, passed=False, problem=comparison.problem)
    return MatchOutcome(round(comparison.result.score, 4), comparison.result.passed, None)


def record(ctx: Container, inp: MatchInput, outcome: MatchOutcome) -> None:
    with transaction(ctx.session_factory) as session:
        trx = session.get(Transaction, inp.transaction_id, with_for_update=True)
        if trx is None or trx.state != TransactionState.PENDING:
            return
        task = trx.task(TaskType.FACE_MATCH)
        if task is None or task.state != TaskState.PENDING:
            return
        task.attempts += 1
        task.score, task.passed = outcome.score, outcome.passed
        # A mismatch is definitive: another selfie of the wrong person would not help.
        if outcome.passed:
            record_task_outcome(ctx, session, trx, task, TaskState.COMPLETED)
        else:
            reason = outcome.problem or FACE_MISMATCH
            record_task_outcome(ctx, session, trx, task, TaskState.FAILED, reason)


def fail(ctx: Container, transaction_id: str) -> None:
    """The comparison could not be made at all (it crashed or broke the engine every time): the
    task fails, which tells the integrator."""
    record(ctx, MatchInput(transaction_id, "", ""), MatchOutcome(0.0, False, PROCESSING_FAILED))


def run(ctx: Container, transaction_id: str) -> None:
    inp = load(ctx, transaction_id)
    if inp is None:
        return
    record(ctx, inp, scripted(inp) if inp.scripted is not None else analyse(ctx, inp))
