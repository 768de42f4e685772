"""Task outcomes and transaction completion, with their events, in the caller's transaction."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from idscan import jobs
from idscan.container import Container
from idscan.documents.codes import AttemptCode
from idscan.lib.clock import utcnow
from idscan.models import DocumentScan, Task, Transaction
from idscan.pipeline.kinds import FACE_MATCH_JOB
from idscan.report.service import SIMPLE_JOB as SIMPLE_REPORT_JOB
from idscan.results import assemble
from idscan.results import service as results
from idscan.transactions import service as transactions
from idscan.transactions.policy import policy_of
from idscan.transactions.states import (
    DEPENDENCY_FAILED,
    TaskState,
    TaskType,
    TransactionState,
    move_task,
    transaction_outcome,
)
from idscan.webhooks import service as webhooks

# The liveness reason (like the attempt code) of work that failed for good inside the service:
# the input crashed or broke the engine every time it was tried.
PROCESSING_FAILED = AttemptCode.PROCESSING_FAILED.value


def reading_aad(attempt_id: str) -> bytes:
    return f"reading:{attempt_id}".encode()


# The tasks that cannot run once a task has failed for good: the selfie follows the document, and
# the comparison needs both.
_DEPENDENTS = {
    TaskType.DOCUMENT_SCAN: (TaskType.FACE_LIVENESS, TaskType.FACE_MATCH),
    TaskType.FACE_LIVENESS: (TaskType.FACE_MATCH,),
}


def record_task_outcome(
    ctx: Container,
    session: Session,
    trx: Transaction,
    task: Task,
    state: TaskState,
    reason: str | None = None,
) -> None:
    """Move the task and emit its event; a failure keeps its `reason`. A definitive failure also
    fails the tasks that can no longer run, so the transaction completes now instead of waiting for
    its expiry."""
    if state is TaskState.FAILED:
        task.reason = reason
    _move(session, trx, task, state)
    if state is TaskState.FAILED:
        for dependent in _DEPENDENTS.get(TaskType(task.type), ()):
            blocked = trx.task(dependent)
            if blocked is not None and blocked.state == TaskState.PENDING:
                blocked.reason = DEPENDENCY_FAILED
                _move(session, trx, blocked, TaskState.FAILED)
    if transaction_outcome(TaskState(t.state) for t in trx.tasks) is TransactionState.COMPLETED:
        complete(ctx, session, trx)


def _move(session: Session, trx: Transaction, task: Task, state: TaskState) -> None:
    task.state = move_task(TaskState(task.state), state)
    task.updated_at = utcnow()
    event_task = {"type": task.type, "state": task.state}
    if task.reason is not None:
        event_task["reason"] = task.reason  # ours: why it failed
    webhooks.emit(
        session,
        trx.account_id,
        transactions.TASK_EVENT,
        {
            "transaction": {"id": trx.id, "state": trx.state, "resultId": trx.result_id},
            "task": event_task,
        },
    )


def want_face_match(session: Session, trx: Transaction) -> None:
    """Queue the face comparison once the document and the liveness check have both passed."""
    states = {t.type: t.state for t in trx.tasks}
    if (
        states.get(TaskType.FACE_MATCH) == TaskState.PENDING
        and states.get(TaskType.DOCUMENT_SCAN) == TaskState.COMPLETED
        and states.get(TaskType.FACE_LIVENESS) == TaskState.COMPLETED
    ):
        jobs.enqueue(session, FACE_MATCH_JOB, {"transaction_id": trx.id}, job_id=f"match:{trx.id}")


def complete(ctx: Container, session: Session, trx: Transaction) -> None:
    """Assemble and seal the result, then complete the transaction (which emits its event)."""
    outcomes = [_task_result(ctx, session, trx, task) for task in trx.tasks]
    extract = policy_of(trx).extract_fields
    body = assemble.result_body(trx.id, TransactionState.COMPLETED.value, outcomes, extract)
    results.store(session, ctx.keyring, trx, body)
    trx.completed_at = utcnow()
    transactions.change_state(session, trx, TransactionState.COMPLETED)
    jobs.enqueue(session, SIMPLE_REPORT_JOB, {"transaction_id": trx.id}, job_id=f"report:{trx.id}")


def _task_result(ctx: Container, session: Session, trx: Transaction, task: Task) -> assemble.TaskOutcome:
    if task.type == TaskType.FACE_MATCH:
        return assemble.TaskOutcome(
            type=task.type,
            state=task.state,
            score=task.score,
            threshold=0.5,
            passed=bool(task.passed),
            reason=task.reason,
        )
    if task.type == TaskType.FACE_LIVENESS:
        return assemble.TaskOutcome(
            type=task.type,
            state=task.state,
            attempts=task.attempts,
            score=task.score,
            threshold=0.5,
            passed=bool(task.passed),
            reason=task.reason,
            files=[
                assemble.FileRef("image", "selfie", results.file_url(ctx.keyring, f))
                for f in results.selfie_files(session, trx.id)
            ],
        )
    if task.state != TaskState.COMPLETED:
        return assemble.TaskOutcome(
            type=task.type, state=task.state, attempts=task.attempts, reason=task.reason
        )
    accepted = session.scalars(
        select(DocumentScan)
        .where(DocumentScan.transaction_id == trx.id, DocumentScan.code == AttemptCode.ACCEPTED)
        .order_by(DocumentScan.created_at.desc())
        .limit(1)
    ).one()
    assert accepted.reading_sealed is not None
    reading: dict[str, Any] = json.loads(
        ctx.keyring.open(accepted.reading_sealed, aad=reading_aad(accepted.id))
    )
    files: list[assemble.FileRef] = []
    for item in accepted.files:
        url = results.file_url(ctx.keyring, item)
        if item["category"] == "document":
            name = f"{reading['name']} Side B" if item["type"] == "document_back" else reading["name"]
            files.append(assemble.FileRef("document", reading["documentType"], url, name, reading["score"]))
        elif item["type"] == "portrait":
            files.append(assemble.FileRef("image", "portrait", url))
    return assemble.TaskOutcome(
        type=task.type,
        state=task.state,
        attempts=task.attempts,
        score=reading["score"],
        fields=reading["fields"],
        files=files,
    )
