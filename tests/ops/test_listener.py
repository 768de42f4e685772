"""The separate operations listener, in `serve` and in `worker`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from idscan.bootstrap import build_container
from idscan.config import Settings
from idscan.errors import ConfigurationError
from idscan.ops.listener import OpsListener
from tests.conftest import TEST_MASTER_KEY, make_settings
from tests.support.browser import free_port
from tests.support.runtime import eventually

TOKEN = "t" * 32


def test_metrics_health_and_readiness_on_their_own_address(settings: Settings) -> None:
    port = free_port()
    ops = make_settings(
        settings.data_dir,
        settings.database_url,
        ops={"metrics_bind": f"127.0.0.1:{port}", "metrics_token": TOKEN},
    )
    container = build_container(ops)
    listener = OpsListener(container).start()
    try:
        base = f"http://127.0.0.1:{port}"
        eventually(lambda: _answers(f"{base}/healthz"), timeout=10)
        assert httpx.get(f"{base}/metrics").status_code == 401
        metrics = httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert metrics.status_code == 200
        assert "idscan_job_queue" in metrics.text
        assert httpx.get(f"{base}/readyz").json()["checks"]["database"] == "ok"
        # Nothing of the API is there.
        assert httpx.get(f"{base}/id-scan/v1/transactions").status_code == 404
        assert httpx.get(f"{base}/id-scan/v1/openapi.json").status_code == 404
        # A second listener on the same address fails at once, and says why.
        with pytest.raises(ConfigurationError, match="IDSCAN_OPS__METRICS_BIND"):
            OpsListener(container)
    finally:
        listener.stop()
        container.close()
    assert not _answers(f"http://127.0.0.1:{port}/healthz")


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def test_a_worker_serves_its_metrics_when_asked(settings: Settings, tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDSCAN_")}
    env.update(
        {
            "IDSCAN_DATA_DIR": str(settings.data_dir),
            "IDSCAN_DATABASE__URL": settings.database_url,
            "IDSCAN_SECURITY__MASTER_KEYS": TEST_MASTER_KEY,
            "IDSCAN_WORKER_ID": "metrics-worker",
            "IDSCAN_OPS__METRICS_BIND": f"127.0.0.1:{port}",
            "IDSCAN_LOG_JSON": "false",
        }
    )
    token_file = tmp_path / "metrics-token"
    token_file.write_text(TOKEN + "\n")
    env["IDSCAN_OPS__METRICS_TOKEN_FILE"] = str(token_file)  # the *_FILE secret form
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "idscan.cli", "worker"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        eventually(lambda: _answers(f"http://127.0.0.1:{port}/healthz"), timeout=30)
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert metrics.status_code == 200
        assert "idscan_webhook_delivery_attempts_total" in metrics.text
        assert httpx.get(f"http://127.0.0.1:{port}/metrics").status_code == 401
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0, log.read_text()
