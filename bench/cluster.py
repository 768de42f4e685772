"""Soak test of the scale-out set-up under load and faults (issue 15). Loopback only, bounded in time.

    .venv/bin/python bench/cluster.py [--creates 20000] [--clients 200] [--flows 300] [--flow-concurrency 8]

Brings up `deploy/cluster.py` (PostgreSQL, SeaweedFS as S3, Redis, 2 API processes, 2 job workers) in
a temporary directory with its own database, registers a webhook receiver, then at once:
- creates `--creates` transactions from `--clients` concurrent clients, spread over both API nodes;
- runs `--flows` complete document flows, `--flow-concurrency` at a time: a test transaction, a
  generated specimen passport through the real engine (test mode), the verdict, the webhook;
and meanwhile: kill -9 worker-1 (then restarts it, as a supervisor would), kill -9 api-2 (restarted),
restarts PostgreSQL, and makes the S3 server unavailable for 20 s (SIGSTOP, then SIGCONT).
Clients retry a failed request (5xx or transport error) with backoff, as integrators' do.

Afterwards, from the database and the receiver: every acknowledged transaction exists; every
completed flow has exactly one result and its completion webhook arrived (de-duplicated by id); no
job is stuck; no 5xx outside the PostgreSQL restart, and every retried request finally succeeded.
Prints throughput, p50/p99, errors by kind and recovery time per fault; writes bench/out/cluster.json.
Needs root for the PostgreSQL restart (`pg_ctlcluster`), and the machine to itself: other users of
that PostgreSQL see the restart too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import psycopg

from idscan.auth.tokens import issue

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(ROOT / "deploy"))
import cluster as deploy  # noqa: E402  (deploy/cluster.py, not a package)

API = "/id-scan/v1"


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"create": [], "flow": []})
    errors: Counter[str] = field(default_factory=Counter)
    five_xx_at: list[float] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)
    gave_up: int = 0
    flows_done: dict[str, float] = field(default_factory=dict)
    flows_started: set[str] = field(default_factory=set)  # simulated, so expected to complete


@dataclass
class Receiver:
    seen: dict[str, dict[str, Any]] = field(default_factory=dict)  # webhook-id -> body
    lock: threading.Lock = field(default_factory=threading.Lock)

    def serve(self) -> tuple[ThreadingHTTPServer, str]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.seen[self.headers.get("webhook-id", str(uuid.uuid4()))] = json.loads(body)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server, f"http://127.0.0.1:{server.server_address[1]}/hooks"

    def completed(self) -> set[str]:
        with self.lock:
            return {
                b["transaction"]["id"]
                for b in self.seen.values()
                if b.get("type") == "transaction.state.updated" and b["transaction"]["state"] == "completed"
            }


def headers(key: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue(key['kid'], key['secret'], ttl=300)}"}


async def call(
    client: httpx.AsyncClient, tally: Tally, method: str, url: str, key: dict[str, str], **kw: Any
) -> httpx.Response | None:
    """One request as an integrator makes it: retried on 5xx and transport errors, up to ~60 s."""
    delay = 0.2
    deadline = time.monotonic() + 60
    while True:
        try:
            response = await client.request(method, url, headers=headers(key), **kw)
            if response.status_code < 500:
                return response
            tally.errors[f"http {response.status_code}"] += 1
            tally.five_xx_at.append(time.monotonic())
        except httpx.TransportError as exc:
            tally.errors[type(exc).__name__] += 1
        if time.monotonic() > deadline:
            tally.gave_up += 1
            return None
        await asyncio.sleep(delay)
        delay = min(delay * 2, 3.0)


async def creates(state: dict[str, Any], tally: Tally, total: int, clients: int) -> float:
    key = state["credentials"]["live"]
    nodes = state["api"]
    counter = iter(range(total))
    started = time.monotonic()

    async def client_loop(client: httpx.AsyncClient) -> None:
        for i in counter:
            began = time.monotonic()
            url = f"{nodes[i % 2]}{API}/transactions"
            response = await call(client, tally, "POST", url, key, json={"tasks": ["document_scan"]})
            if response is not None and response.status_code == 201:
                tally.acknowledged.add(response.json()["id"])
                tally.latencies["create"].append(time.monotonic() - began)
            elif response is not None:
                tally.errors[f"http {response.status_code}"] += 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        await asyncio.gather(*(client_loop(client) for _ in range(clients)))
    return time.monotonic() - started


async def flows(state: dict[str, Any], tally: Tally, total: int, concurrency: int) -> None:
    key = state["credentials"]["test"]
    nodes = state["api"]
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int, client: httpx.AsyncClient) -> None:
        async with gate:
            began = time.monotonic()
            made = await call(
                client,
                tally,
                "POST",
                f"{nodes[i % 2]}{API}/transactions",
                key,
                json={"tasks": ["document_scan"]},
            )
            if made is None or made.status_code != 201:
                return
            trx = made.json()["id"]
            other = nodes[(i + 1) % 2]
            sent = await call(
                client,
                tally,
                "POST",
                f"{other}{API}/test/transactions/{trx}/simulate",
                key,
                json={"outcome": "document_valid"},
            )
            if sent is None or sent.status_code != 202:
                tally.errors[f"simulate {sent.status_code if sent else 'gave up'}"] += 1
                return
            tally.flows_started.add(trx)
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                got = await call(client, tally, "GET", f"{nodes[i % 2]}{API}/transactions/{trx}", key)
                if got is not None and got.status_code == 200 and got.json()["state"] == "completed":
                    tally.flows_done[trx] = time.monotonic()
                    tally.latencies["flow"].append(time.monotonic() - began)
                    return
                await asyncio.sleep(1.0)
            tally.errors["flow timed out"] += 1

    async with httpx.AsyncClient(timeout=30) as client:
        await asyncio.gather(*(one(i, client) for i in range(total)))


def kill9(state: dict[str, Any], name: str) -> None:
    os.kill(state["pids"][name], signal.SIGKILL)


async def faults(
    directory: Path, state: dict[str, Any], recovery: dict[str, float], pg_window: list[float]
) -> None:
    async def until(check: Any, limit: float = 180) -> float:
        began = time.monotonic()
        while time.monotonic() - began < limit:
            if await asyncio.to_thread(check):
                return time.monotonic() - began
            await asyncio.sleep(0.2)
        return float("inf")

    url = state["database_url"].replace("+psycopg", "")

    def beat_since(name: str, since: float) -> bool:
        try:
            with psycopg.connect(url, connect_timeout=2) as conn:
                row = conn.execute(
                    "SELECT extract(epoch FROM beat_at) FROM worker_heartbeats WHERE executor_id = %s",
                    (name,),
                ).fetchone()
        except psycopg.Error:
            return False
        return row is not None and float(row[0]) > since

    await asyncio.sleep(15)
    kill9(state, "worker-1")
    killed = time.time()
    await asyncio.to_thread(deploy.restart, directory, state, "worker-1")
    recovery["kill -9 worker-1 (restarted)"] = await until(lambda: beat_since("worker-1", killed))

    await asyncio.sleep(10)
    kill9(state, "api-2")
    await asyncio.to_thread(deploy.restart, directory, state, "api-2")
    recovery["kill -9 api-2 (restarted)"] = await until(lambda: deploy.http_ok(f"{state['api'][1]}/readyz"))

    await asyncio.sleep(10)
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    pg_window.append(time.monotonic())
    await asyncio.to_thread(
        subprocess.run, ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True
    )
    recovery["PostgreSQL restart"] = await until(
        lambda: all(deploy.http_ok(f"{u}/readyz") for u in state["api"])
    )
    pg_window.append(time.monotonic() + 5)

    await asyncio.sleep(10)
    weed = state["pids"]["seaweed"]
    os.killpg(weed, signal.SIGSTOP)
    await asyncio.sleep(20)
    os.killpg(weed, signal.SIGCONT)
    # From its return: until a write to the store works again.
    recovery["S3 unavailable 20 s"] = await until(lambda: deploy.s3_ready(state["s3"]))


def checks(
    state: dict[str, Any], tally: Tally, receiver: Receiver, pg_window: list[float]
) -> dict[str, bool]:
    url = state["database_url"].replace("+psycopg", "")
    with psycopg.connect(url) as conn:
        stored = {row[0] for row in conn.execute("SELECT id FROM transactions")}
        results = dict(
            conn.execute("SELECT transaction_id, count(*) FROM results GROUP BY transaction_id").fetchall()
        )
        row = conn.execute(
            "SELECT count(*) FROM dbos.workflow_status WHERE status IN ('ENQUEUED', 'PENDING') "
            "AND created_at < (extract(epoch FROM now()) - 120) * 1000"
        ).fetchone()
        stuck = row[0] if row else 0
        # What became of a flow that never completed: its transaction, tasks and jobs, for the log.
        for trx in sorted(tally.flows_started - set(tally.flows_done)):
            print(f"flow {trx} did not complete:")
            for query in (
                "SELECT state, expires_at, completed_at FROM transactions WHERE id = %s",
                "SELECT type, state, attempts, reason FROM tasks WHERE transaction_id = %s",
                "SELECT code, created_at FROM document_scans WHERE transaction_id = %s",
                "SELECT name, status, created_at, updated_at FROM dbos.workflow_status "
                "WHERE inputs LIKE '%%' || %s || '%%' OR workflow_uuid LIKE '%%' || %s || '%%'",
            ):
                params = (trx, trx) if query.count("%s") == 2 else (trx,)
                for found in conn.execute(query, params).fetchall():
                    print("   ", found)
    flows = set(tally.flows_done)
    outside = [t for t in tally.five_xx_at if not (pg_window and pg_window[0] <= t <= pg_window[-1])]
    return {
        "every acknowledged transaction exists": tally.acknowledged <= stored,
        "every started flow completed": tally.flows_started <= flows,
        "every completed flow has exactly one result": all(results.get(t) == 1 for t in flows),
        "every completed flow's webhook arrived": flows <= receiver.completed(),
        "no job stuck": stuck == 0,
        "no 5xx outside the PostgreSQL restart": not outside,
        "every retried request succeeded": tally.gave_up == 0,
    }


async def soak(args: argparse.Namespace, directory: Path, state: dict[str, Any]) -> dict[str, Any]:
    receiver = Receiver()
    server, hook_url = receiver.serve()
    async with httpx.AsyncClient(timeout=30) as client:
        made = await client.post(
            f"{state['api'][0]}{API}/webhooks",
            json={"url": hook_url},
            headers=headers(state["credentials"]["test"]),
        )
        made.raise_for_status()
    tally = Tally()
    recovery: dict[str, float] = {}
    pg_window: list[float] = []
    began = time.monotonic()
    load = asyncio.gather(
        creates(state, tally, args.creates, args.clients),
        flows(state, tally, args.flows, args.flow_concurrency),
    )
    fault_task = asyncio.create_task(faults(directory, state, recovery, pg_window))
    create_seconds, _ = await load
    await fault_task
    # Let the last deliveries land.
    deadline = time.monotonic() + 120
    while not set(tally.flows_done) <= receiver.completed() and time.monotonic() < deadline:
        await asyncio.sleep(1)
    server.shutdown()
    return {
        "seconds": time.monotonic() - began,
        "creates_per_second": len(tally.acknowledged) / create_seconds,
        "latency": {
            name: {
                "count": len(v),
                "p50": statistics.median(v) if v else None,
                "p99": sorted(v)[int(0.99 * (len(v) - 1))] if v else None,
            }
            for name, v in tally.latencies.items()
        },
        "errors": dict(tally.errors),
        "recovery_seconds": recovery,
        "tally": tally,
        "receiver": receiver,
        "pg_window": pg_window,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--creates", type=int, default=20000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--flows", type=int, default=300)
    parser.add_argument("--flow-concurrency", type=int, default=8)
    parser.add_argument("--base-port", type=int, default=24100)
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="idscan-soak-"))
    database = f"idscan_soak_{uuid.uuid4().hex[:8]}"
    # The per-key rate limit stays on (shared through Redis), set above what the load asks.
    if (
        deploy.up(directory, args.base_port, database, allow_private=True, per_credential="1000000/minute")
        != 0
    ):
        return 1
    state = deploy.load_state(directory)
    try:
        report = asyncio.run(soak(args, directory, state))
        report["checks"] = checks(state, report.pop("tally"), report.pop("receiver"), report.pop("pg_window"))
    finally:
        deploy.down(directory, deploy.load_state(directory))
        deploy.drop_database(database)
    report["parameters"] = vars(args)
    OUT.mkdir(exist_ok=True)
    (OUT / "cluster.json").write_text(json.dumps(report, indent=2, default=str))
    print(
        f"\nSoak: {args.creates} creates by {args.clients} clients, {args.flows} document flows "
        f"{args.flow_concurrency} at a time, faults during the run"
    )
    print(f"{'run':<34} {report['seconds']:.0f} s; creates {report['creates_per_second']:.0f}/s")
    for name, lat in report["latency"].items():
        if lat["count"]:
            print(
                f"{name + ' latency':<34} n={lat['count']}  "
                f"p50 {lat['p50'] * 1000:.0f} ms  p99 {lat['p99'] * 1000:.0f} ms"
            )
    print(f"{'errors seen (then retried)':<34} {report['errors'] or 'none'}")
    for fault, seconds in report["recovery_seconds"].items():
        print(f"{'recovery: ' + fault:<34} {seconds:.1f} s")
    for check, ok in report["checks"].items():
        print(f"{'check: ' + check:<60} {'PASS' if ok else 'FAIL'}")
    print(f"\nwrote {OUT / 'cluster.json'}")
    return 0 if all(report["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
