"""A worker killed with SIGKILL in the middle of a document attempt finishes it after restart,
with nothing lost or duplicated."""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path

from sqlalchemy import func, select, text

from idscan.config import Settings
from idscan.container import Container
from idscan.models import DocumentScan, Event, Result, Transaction
from tests.conftest import Caller
from tests.documents.synth import make_document, need_faces, need_fonts, photograph
from tests.support.factories import new_attempt
from tests.support.runtime import eventually
from tests.webhooks.test_crash_recovery import worker


def workflow_status(container: Container, workflow_id: str) -> str | None:
    schema = "" if container.settings.is_sqlite else "dbos."
    with container.engine.connect() as conn:
        return conn.execute(
            text(f"SELECT status FROM {schema}workflow_status WHERE workflow_uuid = :id"), {"id": workflow_id}
        ).scalar_one_or_none()


def test_sigkill_mid_attempt_resumes_once(
    settings: Settings, container: Container, caller: Caller, tmp_path: Path
) -> None:
    need_fonts()
    need_faces()
    doc = make_document(31, kind="passport", country="NLD")
    photo = photograph(doc.sides[0].image, "medium", random.Random(31), turns=2).data
    trx_id, attempt_id = new_attempt(
        container, caller, photo, settings={"documentScan": {"allowedExpiration": 3650}}
    )
    job = f"document:{attempt_id}"
    log = tmp_path / "worker.log"

    with worker(settings, "worker-pipeline", log) as first:
        deadline = time.monotonic() + 60
        while workflow_status(container, job) != "PENDING":
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        time.sleep(0.5)  # inside the reading step
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)

    with container.session_factory() as session:
        assert session.get(DocumentScan, attempt_id).processed_at is None  # type: ignore[union-attr]
    with worker(settings, "worker-pipeline", log):

        def finished() -> bool:
            with container.session_factory() as session:
                return session.get(Transaction, trx_id).state == "completed"  # type: ignore[union-attr]

        eventually(finished, timeout=120)
    with container.session_factory() as session:
        assert session.get(DocumentScan, attempt_id).code == "accepted"  # type: ignore[union-attr]
        trx = session.get(Transaction, trx_id)
        assert trx is not None
        assert trx.tasks[0].attempts == 1
        assert session.scalar(select(func.count()).select_from(Result)) == 1
        types = sorted(session.scalars(select(Event.type)))
    assert types == ["task.state.updated", "transaction.state.updated"]
