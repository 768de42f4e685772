"""Transaction use cases. Functions take the session first and never commit."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement

from idscan import jobs, pagination
from idscan.errors import GoneError, NotFoundError
from idscan.lib.aead import Keyring
from idscan.lib.clock import iso, utcnow
from idscan.lib.ids import capability_token, new_uuid, token_digest
from idscan.models import DocumentNumberDigest, DocumentScan, Download, Result, Task, Transaction
from idscan.results import service as results
from idscan.transactions import schemas
from idscan.transactions.policy import DocumentScanPolicy
from idscan.transactions.states import TaskState, TaskType, TransactionState, move_transaction
from idscan.webhooks import service as webhooks

ERASE_JOB = jobs.Kind("transactions.erase_files", jobs.Queue.MAINTENANCE)
SWEEP_JOB = jobs.Kind("transactions.sweep", jobs.Queue.MAINTENANCE)
TRANSACTION_EVENT = "transaction.state.updated"
TASK_EVENT = "task.state.updated"

# One SELECT with its parameters -> its rows (attribute access by column): db.HotPath.fetch.
Fetch = Callable[[ClauseElement, Mapping[str, Any]], Awaitable[Sequence[Any]]]
_T = cast(Table, Transaction.__table__)
_K = cast(Table, Task.__table__)


# Built once, so each create reuses the compiled statements.
_INSERT_TRANSACTION = insert(_T)
_INSERT_TASK = insert(_K)


@functools.cache
def _insert_both(task_count: int) -> Any:
    """INSERT the transaction in a WITH and its tasks in the statement, with typed bound parameters
    (a task's are suffixed with its position), built once per task count."""

    def bound(table: Table, name: str, key: str) -> Any:
        return bindparam(key, type_=table.c[name].type)

    transaction_columns = [c.name for c in _T.c if c.name in _CREATE_COLUMNS]
    parent = (
        insert(_T)
        .values({name: bound(_T, name, name) for name in transaction_columns})
        .cte("new_transaction")
    )
    rows = [{name: bound(_K, name, f"{name}_{i}") for name in _TASK_COLUMNS} for i in range(task_count)]
    return insert(_K).values(rows).add_cte(parent)


_CREATE_COLUMNS = frozenset(
    (
        *("id", "account_id", "state", "task_types", "settings", "locale", "mobile_only", "test"),
        *("return_url", "scan_return_url", "allowed_origins", "capability_hash", "capability_sealed"),
        *("created_at", "expires_at"),
    )
)
_TASK_COLUMNS = ("transaction_id", "type", "position", "state", "attempts", "attempts_invoiced", "updated_at")


def hosted_url(public_base_url: str, locale: str, token: str) -> str:
    return f"{public_base_url}/{locale.lower()}/identifications/{token}"


def _capability_aad(transaction_id: str) -> bytes:
    return f"capability:{transaction_id}".encode()


@dataclass(frozen=True, slots=True)
class NewTransaction:
    """A transaction about to be created: its rows, and the answer to POST /transactions."""

    row: dict[str, Any]
    tasks: list[dict[str, Any]]
    created: schemas.TransactionCreated

    def inserts(self) -> list[tuple[Any, Any]]:
        """The two inserts, for a unit of work."""
        return [(_INSERT_TRANSACTION, self.row), (_INSERT_TASK, self.tasks)]

    def one_insert(self) -> tuple[Any, dict[str, Any]]:
        """Both inserts as one statement (PostgreSQL's data-modifying WITH), atomic on its own: one
        round trip and no transaction block. Foreign keys are checked at the statement's end."""
        params = dict(self.row)
        for i, task in enumerate(self.tasks):
            params.update({f"{key}_{i}": value for key, value in task.items()})
        return _insert_both(len(self.tasks)), params


def new_transaction(
    keyring: Keyring,
    account_id: str,
    data: schemas.TransactionCreate,
    public_base_url: str,
    *,
    test: bool = False,
) -> NewTransaction:
    """POST /transactions before it is stored: the rows (every column given, as the hot path's
    driver-level insert needs) and the answer."""
    now = utcnow().replace(microsecond=0)
    transaction_id = new_uuid()
    # Looked up by its digest; kept sealed too, so the owner can read the url while it is pending.
    token = capability_token()
    row: dict[str, Any] = {
        "id": transaction_id,
        "account_id": account_id,
        "state": TransactionState.PENDING.value,
        "task_types": list(data.tasks),
        "settings": data.settings.model_dump(mode="json", by_alias=True),
        "locale": data.locale,
        "mobile_only": data.mobile_only,
        "test": test,
        "return_url": data.return_url,
        "scan_return_url": data.scan_return_url,
        "allowed_origins": data.allowed_origins,
        "capability_hash": token_digest(token),
        "capability_sealed": keyring.seal(token.encode(), aad=_capability_aad(transaction_id)),
        "created_at": now,
        "expires_at": now + timedelta(seconds=data.expires_in),
    }
    tasks = [
        {
            "transaction_id": transaction_id,
            "type": task,
            "position": i,
            "state": TaskState.PENDING.value,
            "attempts": 0,
            "attempts_invoiced": 0,
            "updated_at": now,
        }
        for i, task in enumerate(data.tasks)
    ]
    created = schemas.TransactionCreated(
        id=transaction_id,
        state=row["state"],
        tasks=row["task_types"],
        settings=schemas.SettingsOut.model_validate(row["settings"]),
        url=hosted_url(public_base_url, data.locale, token),
        locale=data.locale,
        mobile_only=data.mobile_only,
        expires=iso(row["expires_at"]) or "",
        created=iso(now) or "",
        return_url=data.return_url,
        scan_return_url=data.scan_return_url,
        allowed_origins=data.allowed_origins,
        test=test,
    )
    return NewTransaction(row, tasks, created)


def create(
    session: Session | Connection,
    keyring: Keyring,
    account_id: str,
    data: schemas.TransactionCreate,
    public_base_url: str,
    *,
    test: bool = False,
) -> schemas.TransactionCreated:
    """POST /transactions on a session (the hot route inserts `new_transaction`'s rows itself)."""
    new = new_transaction(keyring, account_id, data, public_base_url, test=test)
    session.execute(_INSERT_TRANSACTION, new.row)
    session.execute(_INSERT_TASK, new.tasks)
    return new.created


def get(session: Session, account_id: str, transaction_id: str) -> Transaction:
    """The account's transaction; another account's answers exactly like a missing one."""
    transaction = session.get(Transaction, transaction_id)
    if transaction is None or transaction.account_id != account_id:
        raise NotFoundError("Transaction not found.")
    return transaction


def list_page(
    session: Session,
    account_id: str,
    *,
    state: TransactionState | None,
    created_after: datetime | None,
    created_before: datetime | None,
    cursor: str | None,
    limit: int,
) -> schemas.TransactionPage:
    query = select(Transaction).where(Transaction.account_id == account_id)
    if state is not None:
        query = query.where(Transaction.state == state)
    if created_after is not None:
        query = query.where(Transaction.created_at >= created_after)
    if created_before is not None:
        query = query.where(Transaction.created_at < created_before)
    query = pagination.newest_first(query, Transaction.created_at, Transaction.id, cursor=cursor, limit=limit)
    rows = list(session.scalars(query))
    page = rows[:limit]
    return schemas.TransactionPage(
        items=[
            schemas.TransactionSummary(
                id=t.id,
                state=t.state,
                tasks=t.task_types,
                locale=t.locale,
                created=iso(t.created_at) or "",
                expires=iso(t.expires_at) or "",
                completed=iso(t.completed_at),
                result_id=t.result_id,
                test=t.test,
            )
            for t in page
        ],
        next_cursor=pagination.next_cursor(page[-1].created_at, page[-1].id, more=len(rows) > limit)
        if page
        else None,
    )


def change_state(session: Session, transaction: Transaction, target: TransactionState) -> None:
    """Move the transaction and emit its event in the same database transaction."""
    transaction.state = move_transaction(TransactionState(transaction.state), target)
    transaction.capability_sealed = None  # the link is closed: its url is never answered again
    webhooks.emit(
        session,
        transaction.account_id,
        TRANSACTION_EVENT,
        {
            "transaction": {
                "id": transaction.id,
                "state": transaction.state,
                "resultId": transaction.result_id,
            }
        },
    )


def erase(session: Session, account_id: str, transaction_id: str) -> Transaction:
    """DELETE: a pending transaction is cancelled; personal data goes now (files by a job that is
    enqueued here, so a crash cannot leave them behind). The stub stays for the audit trail."""
    transaction = get(session, account_id, transaction_id)
    if transaction.state == TransactionState.PENDING:
        change_state(session, transaction, TransactionState.CANCELLED)
    erase_personal_data(session, transaction)
    return transaction


def erase_personal_data(session: Session, transaction: Transaction) -> None:
    """Results, readings and download handles go in this unit of work; files by the erase job."""
    if transaction.erased_at is not None:
        return
    transaction.erased_at = utcnow()
    transaction.capability_sealed = None
    session.execute(delete(Result).where(Result.transaction_id == transaction.id))
    session.execute(delete(Download).where(Download.transaction_id == transaction.id))
    session.execute(delete(DocumentNumberDigest).where(DocumentNumberDigest.transaction_id == transaction.id))
    session.execute(
        update(DocumentScan).where(DocumentScan.transaction_id == transaction.id).values(reading_sealed=None)
    )
    jobs.enqueue(session, ERASE_JOB, {"transaction_id": transaction.id}, job_id=f"erase:{transaction.id}")


def expire_due(session: Session, now: datetime, *, batch: int = 200) -> list[str]:
    """Move pending transactions past their expiry to `expired`, emit, and schedule erasure."""
    query = (
        select(Transaction)
        .where(Transaction.state == TransactionState.PENDING, Transaction.expires_at <= now)
        .order_by(Transaction.expires_at)
        .limit(batch)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    expired = []
    for transaction in session.scalars(query):
        change_state(session, transaction, TransactionState.EXPIRED)
        erase_personal_data(session, transaction)
        expired.append(transaction.id)
    return expired


def erase_past_retention(session: Session, before: datetime, *, batch: int = 200) -> list[str]:
    """Erase the personal data of finished transactions older than the retention period."""
    query = (
        select(Transaction)
        .where(
            Transaction.state == TransactionState.COMPLETED,
            Transaction.erased_at.is_(None),
            Transaction.completed_at < before,
        )
        .limit(batch)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    erased = []
    for transaction in session.scalars(query):
        erase_personal_data(session, transaction)
        erased.append(transaction.id)
    return erased


TEST_DATA_HOURS = 24


def erase_test_data(session: Session, before: datetime, *, batch: int = 200) -> list[str]:
    """Test transactions hold specimen data only and are not kept: a day after creation they are
    erased whatever their state (a pending one expires first, which tells the integrator)."""
    query = (
        select(Transaction)
        .where(Transaction.test.is_(True), Transaction.created_at < before, Transaction.erased_at.is_(None))
        .order_by(Transaction.created_at)
        .limit(batch)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    erased = []
    for transaction in session.scalars(query):
        if transaction.state == TransactionState.PENDING:
            change_state(session, transaction, TransactionState.EXPIRED)
        erase_personal_data(session, transaction)
        erased.append(transaction.id)
    return erased


def blob_prefix(transaction_id: str) -> str:
    return f"transactions/{transaction_id}/"


# The hottest read of the API, prepared once: bound parameters keep the statements (and their
# compiled SQL) cached instead of rebuilt per request.
_DETAIL = (
    select(
        _T.c.account_id, _T.c.state, _T.c.settings, _T.c.created_at, _T.c.expires_at, _T.c.completed_at,
        _T.c.result_id, _T.c.erased_at, _T.c.locale, _T.c.capability_sealed, _T.c.test,
        _K.c.type, _K.c.state.label("task_state"), _K.c.attempts, _K.c.attempts_invoiced, _K.c.reason,
    )
    .join_from(_T, _K, _K.c.transaction_id == _T.c.id)
    .where(_T.c.id == bindparam("transaction_id"))
    .order_by(_K.c.position)
)  # fmt: skip
_S = cast(Table, DocumentScan.__table__)
_SCANS = (
    select(_S.c.created_at, _S.c.code, _S.c.score, _S.c.source, _S.c.linked, _S.c.files)
    .where(_S.c.transaction_id == bindparam("transaction_id"), _S.c.code.is_not(None))
    .order_by(_S.c.created_at)
)


async def read_detail(
    fetch: Fetch, keyring: Keyring, account_id: str, transaction_id: str, public_base_url: str
) -> schemas.TransactionOut:
    """GET /transactions/{id} in one query on plain rows (two while pending): the hottest read of
    the API skips the ORM. `fetch` runs one SELECT (db.HotPath.fetch). One row per task; every
    transaction has at least one."""
    rows = await fetch(_DETAIL, {"transaction_id": transaction_id})
    if not rows or rows[0].account_id != account_id:
        raise NotFoundError("Transaction not found.")
    row = rows[0]
    if row.erased_at is not None and row.state != TransactionState.EXPIRED:
        # Erased (DELETE, or past retention): gone, like its result; the list keeps the stub for the
        # audit trail. An expired one still answers, as its state is the news.
        raise GoneError("The transaction's personal data was erased; the list keeps its stub.")
    pending = row.state == TransactionState.PENDING
    level = DocumentScanPolicy.from_settings(row.settings).level
    # Attempts are listed only while pending; once finished, the result carries the final files.
    scans = await _document_scans(fetch, keyring, transaction_id) if pending else []
    url = None
    if pending and row.capability_sealed is not None:
        token = keyring.open(row.capability_sealed, aad=_capability_aad(transaction_id)).decode()
        url = hosted_url(public_base_url, row.locale, token)
    return schemas.TransactionOut(
        id=transaction_id,
        state=row.state,
        url=url,
        created=iso(row.created_at) or "",
        expires=iso(row.expires_at) or "",
        completed=iso(row.completed_at),
        result_id=row.result_id,
        test=row.test,
        tasks=[
            schemas.TaskOut(
                type=task.type,
                state=task.task_state,
                level=level if task.type == TaskType.DOCUMENT_SCAN else None,
                attempts=task.attempts,
                attempts_invoiced=task.attempts_invoiced,
                reason=task.reason,
                document_scans=scans if task.type == TaskType.DOCUMENT_SCAN and pending else None,
            )
            for task in rows
        ],
    )


async def _document_scans(
    fetch: Fetch, keyring: Keyring, transaction_id: str
) -> list[schemas.DocumentScanAttempt]:
    return [
        schemas.DocumentScanAttempt(
            created=iso(scan.created_at) or "",
            code=scan.code or "",
            score=scan.score,
            source=scan.source,
            linked=scan.linked,
            # Only derived, redacted files are served; the raw upload never is.
            files=[
                schemas.AttemptFile(
                    category=f["category"], type=f["type"], url=results.file_url(keyring, f) or ""
                )
                for f in scan.files
                if results.is_served(f)
            ],
        )
        for scan in await fetch(_SCANS, {"transaction_id": transaction_id})
    ]
