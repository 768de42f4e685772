"""The expiry sweep and file erasure, called directly and through the runtime."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from idscan.container import Container
from idscan.db import transaction
from idscan.lib.clock import utcnow
from idscan.models import Event, Transaction
from idscan.transactions import schemas, service, tasks
from idscan.transactions.states import TransactionState
from tests.conftest import Caller
from tests.support.runtime import eventually, running_jobs


def make_transaction(container: Container, caller: Caller, *, overdue: bool) -> str:
    with transaction(container.session_factory) as session:
        data = schemas.TransactionCreate(tasks=["document_scan"])
        created = service.create(session, container.keyring, caller.account_id, data, "http://testserver")
        if overdue:
            stored = session.get(Transaction, created.id)
            assert stored is not None
            stored.expires_at = utcnow() - timedelta(seconds=1)
        return created.id


def test_sweep_expires_overdue_transactions_erases_files_and_emits(
    container: Container, caller: Caller
) -> None:
    overdue = make_transaction(container, caller, overdue=True)
    fresh = make_transaction(container, caller, overdue=False)
    container.blobs.put(f"transactions/{overdue}/front.jpg", b"img")
    container.blobs.put(f"transactions/{fresh}/front.jpg", b"img")

    assert tasks.run_sweep(container) == 1
    assert tasks.run_sweep(container) == 0  # idempotent
    with container.session_factory() as session:
        states = dict(session.execute(select(Transaction.id, Transaction.state)).all())
        events = [e.body for e in session.scalars(select(Event))]
    assert states == {overdue: "expired", fresh: "pending"}
    assert [e["transaction"] for e in events] == [{"id": overdue, "state": "expired", "resultId": None}]
    assert events[0]["type"] == "transaction.state.updated"

    assert tasks.run_erase_files(container, overdue) == 1
    assert not container.blobs.exists(f"transactions/{overdue}/front.jpg")
    assert container.blobs.exists(f"transactions/{fresh}/front.jpg")


def test_the_runtime_sweeps_on_its_own(container: Container, caller: Caller) -> None:
    container.settings = container.settings.model_copy(
        update={"jobs": container.settings.jobs.model_copy(update={"sweep_interval_seconds": 1})}
    )
    overdue = make_transaction(container, caller, overdue=True)
    container.blobs.put(f"transactions/{overdue}/front.jpg", b"img")
    with running_jobs(container):

        def swept() -> bool:
            with container.session_factory() as session:
                return session.get(Transaction, overdue).state == TransactionState.EXPIRED  # type: ignore[union-attr]

        eventually(swept, timeout=30)
        eventually(lambda: not container.blobs.exists(f"transactions/{overdue}/front.jpg"), timeout=30)
