"""API load benchmark: POST /transactions and GET /transactions/{id} on one uvicorn worker.

32 concurrent connections from `wrk` (Debian package) on loopback, each request with its own JWT,
against `idscan serve` on SQLite and on PostgreSQL. Prints a table and writes bench/out/api.json;
the server's CPU per request is printed too, as it holds when other work shares the machine.
Goal, per uvicorn worker: >= 1,000 creates/s, >= 2,000 reads/s, p99 <= 50 ms (PostgreSQL: 80 %).
Two rows per request: as much as the worker takes (each connection sends its next request when the
answer comes: the p99 is then that of a saturated server), and the goal's rate offered (connections
pause between requests), whose p99 is what an integrator sending that load sees.
With one worker the server runs on core 0 and wrk on core 1 (taskset), so that the load generator
does not take the worker's core; PostgreSQL runs where the kernel puts it.

    .venv/bin/python bench/api.py [--seconds 15] [--connections 32] [--backends sqlite,postgresql]
                                  [--workers N]   (N HTTP processes: `idscan serve --workers N`)
                                  [--profile]     (py-spy samples the server during each row)
                                  [--no-pin]      (server and wrk share both cores)

--profile writes collapsed stacks to bench/out/api-<backend>-<request>.folded (flamegraph.pl or
speedscope read them) and prints the functions with the most samples, inclusive and self; sampling
costs the server some throughput, so profile runs are for where the time goes, not for the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import psycopg

from idscan import migrate
from idscan.auth import service as auth_service
from idscan.auth.tokens import issue
from idscan.db import make_session_factory, make_unpooled_engine, transaction
from idscan.jobs import install_schema
from idscan.lib.aead import encode_key, generate_master_key, parse_keyring

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
# One worker's figures: the load generator gets a core of its own, so that it does not take the
# worker's (sharing them, wrk's and the server's time slices interleave and the p99 triples).
SERVER_CPU, LOAD_CPU = 0, 1
# Requests a second offered in the "at the goal" rows: the goal, on PostgreSQL 80 % of it.
GOAL_RATES = {
    "sqlite": {"create": 1000.0, "read": 2000.0},
    "postgresql": {"create": 800.0, "read": 1600.0},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_database(backend: str, tmp: Path) -> tuple[str, str | None]:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'idscan.sqlite'}", None
    name = f"idscan_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", name


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server not ready at {url}")


def run_wrk(
    base: str,
    mode: str,
    tokens: Path,
    ids: Path,
    seconds: int,
    connections: int,
    profile: tuple[int, Path] | None = None,
    pin: bool = False,
    pause_ms: float | None = None,
) -> dict[str, float]:
    env = {**os.environ, "BENCH_MODE": mode, "BENCH_TOKENS": str(tokens), "BENCH_IDS": str(ids)}
    if pause_ms is not None:
        env["BENCH_PAUSE_MS"] = f"{pause_ms:.3f}"
    spy = None
    if profile is not None:
        pid, out = profile
        spy = subprocess.Popen(
            [
                *(str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(pid)),
                *("--rate", "250", "--duration", str(seconds), "--format", "raw"),
                *("--output", str(out), "--nonblocking"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    result = subprocess.run(
        [
            *(["taskset", "-c", str(LOAD_CPU)] if pin else []),
            "wrk",
            "-t",
            "1",
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--latency",
            "-s",
            str(HERE / "api.lua"),
            base,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    if spy is not None:
        spy.wait(timeout=seconds + 30)
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH_JSON "))
    stats: dict[str, float] = json.loads(line.removeprefix("BENCH_JSON "))
    stats["rps"] = stats["requests"] / stats["seconds"]
    return stats


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU of the server and its HTTP worker processes (its children), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        this, parent = int(stat.parent.name), int(fields[1])
        if this == pid or parent == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def top_functions(folded: Path, count: int = 14) -> list[str]:
    """The functions with the most samples in a py-spy raw profile: inclusive and self, in %."""
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = 0
    for line in folded.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        n = int(samples)
        total += n
        frames = [
            frame.split(" (")[0] + " " + frame.rsplit("/", 1)[-1].split(":")[0] for frame in stack.split(";")
        ]
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + n
        own[frames[-1]] = own.get(frames[-1], 0) + n
    rows = [f"{total} samples; inclusive % / self %, by function (file)"]
    for frame, n in sorted(inclusive.items(), key=lambda kv: -kv[1])[:count]:
        rows.append(f"  {100 * n / total:5.1f} {100 * own.get(frame, 0) / total:5.1f}  {frame}")
    rows.append("  top self:")
    for frame, n in sorted(own.items(), key=lambda kv: -kv[1])[:count]:
        rows.append(f"  {100 * inclusive[frame] / total:5.1f} {100 * n / total:5.1f}  {frame}")
    return rows


def bench_backend(
    backend: str, seconds: int, connections: int, workers: int = 1, profile: bool = False, pin: bool = False
) -> dict[str, dict[str, float]]:
    tmp = Path(tempfile.mkdtemp(prefix=f"idscan-bench-{backend}-"))
    url, pg_name = prepare_database(backend, tmp)
    key = encode_key(1, generate_master_key())
    migrate.upgrade(url)
    engine = make_unpooled_engine(url)
    install_schema(engine)
    with transaction(make_session_factory(engine)) as session:
        credential = auth_service.create_credential(session, parse_keyring(key), "bench")
    engine.dispose()
    # Each request gets its own token: 200k distinct tokens cover every request of a run.
    tokens = tmp / "tokens.txt"
    now = int(time.time())
    tokens.write_text(
        "\n".join(
            issue(credential.kid, credential.secret, ttl=3600, now=now + i % 50) for i in range(200_000)
        )
    )
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDSCAN_")}
    env.update(
        {
            "IDSCAN_DATA_DIR": str(tmp / "data"),
            "IDSCAN_DATABASE__URL": url,
            "IDSCAN_DATABASE__POOL_SIZE": "20",
            "IDSCAN_SECURITY__MASTER_KEYS": key,
            "IDSCAN_PORT": str(port),
            "IDSCAN_JOBS__EMBEDDED_WORKER": "false",
            "IDSCAN_RATE_LIMIT__ENABLED": "false",
            "IDSCAN_LOG_LEVEL": "WARNING",
        }
    )
    server = subprocess.Popen(
        [
            *(["taskset", "-c", str(SERVER_CPU)] if pin else []),
            *(sys.executable, "-m", "idscan.cli", "serve", "--workers", str(workers)),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(f"{base}/healthz")
        ids = tmp / "ids.txt"
        created = []
        for i in range(200):
            request = urllib.request.Request(
                f"{base}/id-scan/v1/transactions",
                data=b'{"tasks": ["document_scan"]}',
                headers={
                    "Authorization": f"Bearer {issue(credential.kid, credential.secret, ttl=60)}",
                    "Content-Type": "application/json",
                },
            )
            with urllib.request.urlopen(request) as response:
                created.append(json.loads(response.read())["id"])
            del i
        ids.write_text("\n".join(created))
        run_wrk(base, "read", tokens, ids, 3, connections, pin=pin)  # warm-up
        results = {}
        for mode in ("create", "read"):
            out = OUT / f"api-{backend}-{mode}.folded"
            spy = (server.pid, out) if profile else None
            cpu = server_cpu_seconds(server.pid)
            results[mode] = run_wrk(base, mode, tokens, ids, seconds, connections, spy, pin)
            # CPU per request: what a request costs the server, whatever else the machine runs.
            results[mode]["server_cpu_ms"] = (
                1000 * (server_cpu_seconds(server.pid) - cpu) / results[mode]["requests"]
            )
            if profile and out.exists():
                print(f"\n{backend} {mode}: {out}", *top_functions(out), sep="\n")
        if not profile:
            # The latency at the goal's rate (an integrator's load), beside the most the worker takes.
            for mode, goal in GOAL_RATES[backend].items():
                # Each connection pauses between requests so that together they offer `goal` a
                # second; a short run first measures what the latency adds to each cycle.
                cycle = 1000 * connections / goal
                trial = run_wrk(base, mode, tokens, ids, 3, connections, None, pin, cycle)
                pause = max(0.0, cycle - (1000 * connections / trial["rps"] - cycle))
                cpu = server_cpu_seconds(server.pid)
                row = run_wrk(base, mode, tokens, ids, seconds, connections, None, pin, pause)
                row["offered"] = goal
                row["server_cpu_ms"] = 1000 * (server_cpu_seconds(server.pid) - cpu) / row["requests"]
                results[f"{mode}@goal"] = row
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if pg_name:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--no-pin",
        action="store_true",
        help="let the server and wrk share both cores (by default, with one worker, each has its own)",
    )
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    report = {
        "connections": args.connections,
        "seconds": args.seconds,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "results": {},
    }
    pin = args.workers == 1 and not args.no_pin and shutil.which("taskset") is not None
    report["pinned"] = pin
    for backend in args.backends.split(","):
        report["results"][backend] = bench_backend(
            backend, args.seconds, args.connections, args.workers, args.profile, pin
        )
    print(
        f"\nAPI load, {args.workers} uvicorn worker(s), {args.connections} connections, "
        f"{args.seconds} s per row,"
    )
    print(
        f"server on core {SERVER_CPU}, wrk on core {LOAD_CPU} (taskset; PostgreSQL where the kernel puts it)"
        if pin
        else "server and wrk sharing the 2 cores"
    )
    header = ("backend", "request", "req/s", "p50 ms", "p90 ms", "p99 ms", "non-2xx", "CPU ms/req")
    print("{:<11} {:<26} {:>8} {:>8} {:>8} {:>8} {:>8} {:>10}".format(*header))
    for backend, rows in report["results"].items():
        labels = (
            ("create", "POST /transactions"),
            ("read", "GET /transactions/{id}"),
            ("create@goal", "POST, offered {:,.0f}/s"),
            ("read@goal", "GET, offered {:,.0f}/s"),
        )
        for mode, template in labels:
            if mode not in rows:
                continue
            r = rows[mode]
            label = template.format(r["offered"]) if "offered" in r else template
            cells = (r["rps"], r["p50_ms"], r["p90_ms"], r["p99_ms"], int(r["non_2xx"]), r["server_cpu_ms"])
            print(
                "{:<11} {:<26} {:>8.0f} {:>8.1f} {:>8.1f} {:>8.1f} {:>8} {:>10.3f}".format(
                    backend, label, *cells
                )
            )
    OUT.mkdir(exist_ok=True)
    (OUT / "api.json").write_text(json.dumps(report, indent=2))
    print(f"\nwrote {OUT / 'api.json'}")


if __name__ == "__main__":
    main()
