"""The console's transaction list: filters, search by transaction ID, result ID or document number
(through its keyed digest), newest first with keyset pagination."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from idscan import pagination
from idscan.lib.aead import Keyring
from idscan.models import Account, DocumentScan, Task, Transaction
from idscan.results import document_numbers as numbers

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
PAGE_SIZE = 25


@dataclass(frozen=True, slots=True)
class Filters:
    state: str | None = None
    account: str | None = None  # an account name: both its worlds unless `mode` says which
    mode: str | None = None  # live | test
    created_from: date | None = None
    created_to: date | None = None  # inclusive
    task: str | None = None
    code: str | None = None  # an attempt code any document attempt of the transaction got
    q: str | None = None  # transaction ID, result ID or document number

    def query_string(self) -> dict[str, str]:
        """The filters as the list's query parameters (for the next-page link)."""
        values = {
            "state": self.state, "account": self.account, "mode": self.mode,
            "from": self.created_from.isoformat() if self.created_from else None,
            "to": self.created_to.isoformat() if self.created_to else None,
            "task": self.task, "code": self.code, "q": self.q,
        }  # fmt: skip
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True, slots=True)
class Row:
    id: str
    account: str
    mode: str
    state: str
    tasks: list[str]
    created_at: datetime
    completed_at: datetime | None
    result_id: str | None
    erased: bool


@dataclass(frozen=True, slots=True)
class ListPage:
    rows: list[Row]
    next_cursor: str | None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def search(
    session: Session, keyring: Keyring, filters: Filters, *, cursor: str | None, limit: int = PAGE_SIZE
) -> ListPage:
    query = select(Transaction, Account.name, Account.mode).join(
        Account, Account.id == Transaction.account_id
    )
    if filters.state:
        query = query.where(Transaction.state == filters.state)
    if filters.account:
        query = query.where(Account.name == filters.account)
    if filters.mode in ("live", "test"):
        query = query.where(Account.mode == filters.mode)
    if filters.created_from:
        query = query.where(Transaction.created_at >= _day_start(filters.created_from))
    if filters.created_to:
        query = query.where(Transaction.created_at < _day_start(filters.created_to + timedelta(days=1)))
    if filters.task:
        query = query.where(exists().where(Task.transaction_id == Transaction.id, Task.type == filters.task))
    if filters.code:
        query = query.where(
            exists().where(DocumentScan.transaction_id == Transaction.id, DocumentScan.code == filters.code)
        )
    if filters.q:
        q = filters.q.strip()
        if UUID.match(q):
            query = query.where(or_(Transaction.id == q.lower(), Transaction.result_id == q.lower()))
        else:
            query = query.where(Transaction.id.in_(numbers.find(session, keyring, q) or [""]))
    query = pagination.newest_first(query, Transaction.created_at, Transaction.id, cursor=cursor, limit=limit)
    found = list(session.execute(query))
    page = found[:limit]
    rows = [
        Row(
            id=t.id, account=name, mode=mode, state=t.state, tasks=list(t.task_types),
            created_at=t.created_at, completed_at=t.completed_at, result_id=t.result_id,
            erased=t.erased_at is not None,
        )
        for t, name, mode in page
    ]  # fmt: skip
    last = page[-1][0] if page else None
    more = len(found) > limit
    return ListPage(rows, pagination.next_cursor(last.created_at, last.id, more=more) if last else None)


def account_names(session: Session) -> list[str]:
    return list(session.scalars(select(Account.name).distinct().order_by(Account.name)))
