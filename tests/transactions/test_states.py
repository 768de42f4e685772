import pytest

from idscan.transactions import states
from idscan.transactions.states import TaskState, TransactionState


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        (["document_scan"], ("document_scan",)),
        (["face_liveness", "document_scan"], ("document_scan", "face_liveness")),
        (["face_match", "face_liveness", "document_scan"], ("document_scan", "face_liveness", "face_match")),
        (["face_match", "document_scan"], None),
        (["face_liveness"], None),
        ([], None),
        (["document_scan", "document_scan"], None),
    ],
)
def test_canonical_tasks(requested: list[str], expected: tuple[str, ...] | None) -> None:
    result = states.canonical_tasks(requested)
    assert (tuple(t.value for t in result) if result else None) == expected


def test_terminal_states_are_final() -> None:
    for terminal in (TransactionState.COMPLETED, TransactionState.EXPIRED, TransactionState.CANCELLED):
        for target in TransactionState:
            with pytest.raises(states.IllegalTransitionError):
                states.move_transaction(terminal, target)
    with pytest.raises(states.IllegalTransitionError):
        states.move_task(TaskState.FAILED, TaskState.COMPLETED)


def test_pending_moves() -> None:
    assert (
        states.move_transaction(TransactionState.PENDING, TransactionState.CANCELLED)
        is TransactionState.CANCELLED
    )
    assert states.move_task(TaskState.PENDING, TaskState.FAILED) is TaskState.FAILED
    with pytest.raises(states.IllegalTransitionError):
        states.move_transaction(TransactionState.PENDING, TransactionState.PENDING)


def test_outcome_waits_for_every_task() -> None:
    assert states.transaction_outcome([TaskState.COMPLETED, TaskState.PENDING]) is TransactionState.PENDING
    assert states.transaction_outcome([TaskState.COMPLETED, TaskState.FAILED]) is TransactionState.COMPLETED
