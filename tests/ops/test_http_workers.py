"""`idscan serve --workers N`: several HTTP processes on one port, one job runtime beside them, and
metrics that add up over every process."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import select

from idscan.config import Settings
from idscan.container import Container
from idscan.models import WorkerHeartbeat
from tests.conftest import TEST_MASTER_KEY
from tests.support.browser import free_port
from tests.support.runtime import eventually


def _count(metrics: str, route: str) -> float:
    labels = f'method="GET",mode="none",route="{re.escape(route)}",status="200"'
    pattern = rf"idscan_http_requests_total\{{{labels}\}} (\S+)"
    found = re.search(pattern, metrics)
    return float(found.group(1)) if found else 0.0


def test_n_processes_share_the_port_the_metrics_and_one_job_worker(
    settings: Settings, container: Container, tmp_path: Path
) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IDSCAN_", "PROMETHEUS_"))}
    env.update(
        {
            "IDSCAN_DATA_DIR": str(settings.data_dir),
            "IDSCAN_DATABASE__URL": settings.database_url,
            "IDSCAN_SECURITY__MASTER_KEYS": TEST_MASTER_KEY,
            "IDSCAN_JOBS__POLL_INTERVAL_SECONDS": "0.2",
            "IDSCAN_LOG_LEVEL": "WARNING",
        }
    )
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "idscan.cli", "serve", "--workers", "2", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "the workers did not come up"
            time.sleep(0.2)
        # New connections each time, so the kernel spreads them over the processes.
        before = _count(httpx.get(f"{base}/metrics").text, "/healthz")
        for _ in range(40):
            assert httpx.get(f"{base}/healthz", headers={"Connection": "close"}).status_code == 200
        after = [_count(httpx.get(f"{base}/metrics").text, "/healthz") for _ in range(6)]
        # Whichever process answers the scrape counts every process's requests.
        assert set(after) == {before + 40}
        metric_files = list((settings.data_dir / "metrics" / str(server.pid)).glob("*.db"))
        pids = {re.sub(r"\D", "", f.stem) for f in metric_files}
        assert len(pids - {str(server.pid)}) == 2, metric_files  # both HTTP processes answered

        def one_job_worker() -> bool:
            with container.session_factory() as session:
                return list(session.scalars(select(WorkerHeartbeat.executor_id))) == ["embedded"]

        eventually(one_job_worker, timeout=30)
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
        log.close()
    assert code == 0, (tmp_path / "serve.log").read_text()
    assert not (settings.data_dir / "metrics" / str(server.pid)).exists()
