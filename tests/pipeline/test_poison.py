"""A poison input that kills its worker every time is dispatched a bounded number of times; then
its task fails with `processing_failed`, the integrator is told, and the worker runs on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from idscan.config import Settings
from idscan.container import Container
from idscan.models import DocumentScan, Event, Transaction
from tests.conftest import Caller
from tests.support.factories import new_attempt
from tests.support.receiver import running_receiver
from tests.support.runtime import eventually
from tests.webhooks.test_crash_recovery import worker_env
from tests.webhooks.test_delivery import subscribe

CRASHING_WORKER = Path(__file__).parents[1] / "support" / "crashing_worker.py"


def test_a_job_that_kills_its_worker_is_failed_after_max_attempts(
    settings: Settings, container: Container, caller: Caller, tmp_path: Path
) -> None:
    env = {**worker_env(settings, "poisoned"), "IDSCAN_JOBS__MAX_ATTEMPTS": "2"}
    log = tmp_path / "worker.log"
    with running_receiver() as receiver:
        subscribe(container, caller.account_id, receiver.url)
        trx_id, attempt_id = new_attempt(container, caller, b"\xff\xd8 any upload")

        def processed() -> bool:
            with container.session_factory() as session:
                scan = session.get(DocumentScan, attempt_id)
                return scan is not None and scan.processed_at is not None

        exits = []
        for _ in range(4):
            with log.open("ab") as out:
                process = subprocess.Popen(
                    [sys.executable, str(CRASHING_WORKER)], env=env, stdout=out, stderr=subprocess.STDOUT
                )
            try:
                eventually(lambda p=process: p.poll() is not None or processed(), timeout=90)
            finally:
                if process.poll() is None:
                    # The poison was failed and the worker lives on: stop it the normal way.
                    eventually(lambda: len(receiver.requests) >= 2, timeout=30)
                    process.terminate()
                    process.wait(timeout=15)
                    exits.append("alive")
                else:
                    exits.append(str(process.returncode))
            if processed():
                break
        assert exits == ["137", "137", "alive"], log.read_text()
        bodies = [json.loads(r.body) for r in receiver.requests]
    with container.session_factory() as session:
        scan = session.get(DocumentScan, attempt_id)
        trx = session.get(Transaction, trx_id)
        assert scan is not None
        assert trx is not None
        assert scan.code == "processing_failed"
        assert [(t.type, t.state, t.attempts) for t in trx.tasks] == [("document_scan", "failed", 1)]
        assert trx.state == "completed"
        events = sorted(session.scalars(select(Event.type)))
        assert events == ["task.state.updated", "transaction.state.updated"]
    told = {(b["type"], b.get("task", {}).get("state"), b["transaction"]["state"]) for b in bodies}
    assert told == {
        ("task.state.updated", "failed", "pending"),
        ("transaction.state.updated", None, "completed"),
    }
