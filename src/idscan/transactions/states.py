"""The transaction and task state machines (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class TransactionState(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class TaskState(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"


class TaskType(StrEnum):
    DOCUMENT_SCAN = "document_scan"
    FACE_LIVENESS = "face_liveness"
    FACE_MATCH = "face_match"


# Why a task failed (ours: `tasks[].reason`), beside the codes that name it directly (the last
# document attempt's code, the last liveness reason, a portrait too poor to compare).
DEPENDENCY_FAILED = "dependency_failed"  # a task this one needs failed first
FACE_MISMATCH = "face_mismatch"  # compared, and not the same person
LIVENESS_FAILED = "liveness_failed"  # a failed check that named no reason


# The only task sets the contract allows, each in its canonical order.
ALLOWED_TASK_SETS: tuple[tuple[TaskType, ...], ...] = (
    (TaskType.DOCUMENT_SCAN,),
    (TaskType.DOCUMENT_SCAN, TaskType.FACE_LIVENESS),
    (TaskType.DOCUMENT_SCAN, TaskType.FACE_LIVENESS, TaskType.FACE_MATCH),
)

_TRANSACTION_MOVES: dict[TransactionState, frozenset[TransactionState]] = {
    TransactionState.PENDING: frozenset(
        {TransactionState.COMPLETED, TransactionState.EXPIRED, TransactionState.CANCELLED}
    ),
    TransactionState.COMPLETED: frozenset(),
    TransactionState.EXPIRED: frozenset(),
    TransactionState.CANCELLED: frozenset(),
}

_TASK_MOVES: dict[TaskState, frozenset[TaskState]] = {
    TaskState.PENDING: frozenset({TaskState.COMPLETED, TaskState.FAILED}),
    TaskState.COMPLETED: frozenset(),
    TaskState.FAILED: frozenset(),
}


class IllegalTransitionError(Exception):
    pass


def canonical_tasks(requested: Iterable[str]) -> tuple[TaskType, ...] | None:
    """The canonical order of an allowed task set, or None when the set is not allowed."""
    items = list(requested)
    if len(set(items)) != len(items):
        return None
    wanted = set(items)
    for allowed in ALLOWED_TASK_SETS:
        if wanted == {t.value for t in allowed}:
            return allowed
    return None


def move_transaction(current: TransactionState, target: TransactionState) -> TransactionState:
    if target not in _TRANSACTION_MOVES[current]:
        raise IllegalTransitionError(f"transaction cannot go from {current} to {target}")
    return target


def move_task(current: TaskState, target: TaskState) -> TaskState:
    if target not in _TASK_MOVES[current]:
        raise IllegalTransitionError(f"task cannot go from {current} to {target}")
    return target


def transaction_outcome(task_states: Iterable[TaskState]) -> TransactionState:
    """A transaction completes once every task has completed or failed."""
    return (
        TransactionState.COMPLETED
        if all(s is not TaskState.PENDING for s in task_states)
        else TransactionState.PENDING
    )
