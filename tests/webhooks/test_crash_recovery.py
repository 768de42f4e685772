"""A worker killed with SIGKILL in the middle of a delivery delivers the event after restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select
from standardwebhooks.webhooks import Webhook as Verifier

from idscan.config import Settings
from idscan.container import Container
from idscan.models import WebhookDelivery
from tests.conftest import TEST_MASTER_KEY, Caller
from tests.support.receiver import running_receiver
from tests.support.runtime import eventually
from tests.webhooks.test_delivery import emit, subscribe


def worker_env(settings: Settings, worker_id: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDSCAN_")}
    env.update(
        {
            "IDSCAN_DATA_DIR": str(settings.data_dir),
            "IDSCAN_DATABASE__URL": settings.database_url,
            "IDSCAN_SECURITY__MASTER_KEYS": TEST_MASTER_KEY,
            "IDSCAN_WORKER_ID": worker_id,
            "IDSCAN_WEBHOOKS__ALLOW_PRIVATE_TARGETS": "true",
            "IDSCAN_WEBHOOKS__RETRY_SCHEDULE_SECONDS": "0.5,0.5,0.5",
            "IDSCAN_JOBS__POLL_INTERVAL_SECONDS": "0.1",
            "IDSCAN_LOG_JSON": "false",
        }
    )
    return env


@contextmanager
def worker(settings: Settings, worker_id: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "idscan.cli", "worker"],
            env=worker_env(settings, worker_id),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_sigkill_mid_delivery_still_delivers(
    settings: Settings, container: Container, caller: Caller, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    # The first request hangs, so the worker is inside the delivery step when it dies.
    with running_receiver([("hang", 60.0)]) as receiver:
        secret = subscribe(container, caller.account_id, receiver.url)
        with worker(settings, "worker-crash", log) as first:
            event_id = emit(container, caller.account_id)
            try:
                receiver.wait_for(1, timeout=20)
            except AssertionError:
                raise AssertionError(log.read_text()) from None
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        with container.session_factory() as session:
            assert session.scalars(select(WebhookDelivery.state)).one() == "pending"
        with worker(settings, "worker-crash", log):
            received = receiver.wait_for(2, timeout=60)

            def delivered() -> bool:
                with container.session_factory() as session:
                    return session.scalars(select(WebhookDelivery.state)).one() == "succeeded"

            eventually(delivered, timeout=30)
    second = received[1]
    assert Verifier(secret).verify(second.body, second.headers)["id"] == event_id
    assert second.headers["webhook-id"] == received[0].headers["webhook-id"] == event_id, log.read_text()
