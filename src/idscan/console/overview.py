"""The overview's figures over a window of days: verifications per day, completion rate, median
time to complete, the attempt codes that fail most, liveness and face-match pass rates."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from idscan.documents.codes import PAIRING_CODES, AttemptCode
from idscan.lib.clock import utcnow
from idscan.models import DocumentScan, LivenessSession, Task, Transaction
from idscan.transactions.states import TaskState, TaskType, TransactionState

NOT_FAILURES = {AttemptCode.ACCEPTED.value, *(c.value for c in PAIRING_CODES)}


@dataclass(frozen=True, slots=True)
class Overview:
    days: int
    per_day: list[tuple[date, int]]
    total: int
    completed: int
    median_seconds: float | None
    failing_codes: list[tuple[str, int]]
    liveness_rate: float | None
    match_rate: float | None

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.total if self.total else None


def _rate(passed: int, decided: int) -> float | None:
    return passed / decided if decided else None


def compute(
    session: Session, *, days: int = 30, mode: str | None = None, now: datetime | None = None
) -> Overview:
    now = now or utcnow()
    since = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    in_window = [Transaction.created_at >= since]
    if mode in ("live", "test"):
        in_window.append(Transaction.test.is_(mode == "test"))
    trx = list(
        session.execute(
            select(Transaction.id, Transaction.created_at, Transaction.completed_at, Transaction.state).where(
                *in_window
            )
        )
    )
    counts = Counter(row.created_at.date() for row in trx)
    first = since.date()
    per_day = [(first + timedelta(days=i), counts.get(first + timedelta(days=i), 0)) for i in range(days)]
    done = [row for row in trx if row.state == TransactionState.COMPLETED and row.completed_at is not None]
    durations = [(row.completed_at - row.created_at).total_seconds() for row in done]
    codes = Counter(
        dict(
            session.execute(
                select(DocumentScan.code, func.count())
                .join(Transaction, Transaction.id == DocumentScan.transaction_id)
                .where(*in_window, DocumentScan.code.is_not(None), DocumentScan.code.not_in(NOT_FAILURES))
                .group_by(DocumentScan.code)
            ).all()
        )
    )
    live = list(
        session.execute(
            select(LivenessSession.passed)
            .join(Transaction, Transaction.id == LivenessSession.transaction_id)
            .where(*in_window, LivenessSession.passed.is_not(None))
        ).scalars()
    )
    matches = list(
        session.execute(
            select(Task.state)
            .join(Transaction, Transaction.id == Task.transaction_id)
            .where(
                *in_window,
                Task.type == TaskType.FACE_MATCH,
                Task.state.in_([TaskState.COMPLETED, TaskState.FAILED]),
            )
        ).scalars()
    )
    return Overview(
        days=days,
        per_day=per_day,
        total=len(trx),
        completed=len(done),
        median_seconds=statistics.median(durations) if durations else None,
        failing_codes=[(str(code), n) for code, n in codes.most_common(8)],
        liveness_rate=_rate(sum(1 for p in live if p), len(live)),
        match_rate=_rate(sum(1 for s in matches if s == TaskState.COMPLETED), len(matches)),
    )
