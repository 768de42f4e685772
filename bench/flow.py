"""End-to-end flow benchmark: from the last upload of a transaction to its webhook arriving.

On the embedded default (`idscan serve`: SQLite, local files, in-process worker), with a synthetic
passport photo (fixture face) and a generated liveness performance. Prints a table, writes JSON to
bench/out/flow.json. Goal: p95 <= 5 s one transaction at a time; report throughput with 8 at once.

    .venv/bin/python bench/flow.py [--runs 8] [--parallel 8]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.documents.synth import fixtures_dir, make_document, photograph  # noqa: E402
from tests.pipeline.test_faces import jpeg_frames, plan_from_client  # noqa: E402
from tests.support.browser import free_port  # noqa: E402
from tests.support.http_server import QuietHandler, serve_handler  # noqa: E402
from tests.vision.synth import sequences  # noqa: E402
from tests.vision.synth.stills import make_rig  # noqa: E402

from idscan.auth.tokens import issue  # noqa: E402
from idscan.lib.aead import encode_key, generate_master_key  # noqa: E402

OUT = ROOT / "bench" / "out"
API = "/id-scan/v1"


class Arrivals:
    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self.cond = threading.Condition()

    def wait(self, transaction_id: str, timeout: float = 90) -> float | None:
        """When the completion webhook arrived; None when it did not (a refused liveness attempt
        leaves the transaction open for the next one, as it would for a real user)."""
        with self.cond:
            self.cond.wait_for(lambda: transaction_id in self.times, timeout)
            return self.times.get(transaction_id)


def receiver(arrivals: Arrivals) -> type[QuietHandler]:
    class Handler(QuietHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            now = time.perf_counter()
            if body["type"] == "transaction.state.updated" and body["transaction"]["state"] == "completed":
                with arrivals.cond:
                    arrivals.times.setdefault(body["transaction"]["id"], now)
                    arrivals.cond.notify_all()
            self.reply(204)

    return Handler


class Flow:
    def __init__(self, base: str, kid: str, secret: str, arrivals: Arrivals) -> None:
        self.base, self.kid, self.secret, self.arrivals = base, kid, secret, arrivals
        doc = make_document(31, kind="passport", country="NLD")
        self.photo = photograph(doc.sides[0].image, "medium", random.Random(31), turns=2).data
        from idscan.engines import shared_engines
        from idscan.vision.images import decode_image

        root = fixtures_dir()
        assert root is not None, "../shared/fixtures is needed"
        self.rig = make_rig(
            decode_image((root / "faces" / "facerec__biden__biden2.jpg").read_bytes()),
            shared_engines().vision,
        )

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {issue(self.kid, self.secret)}"}

    def one(self, tasks: list[str], seed: int) -> dict[str, float]:
        client = httpx.Client(timeout=60)
        body = {"tasks": tasks, "settings": {"documentScan": {"allowedExpiration": 3650}}}
        trx = client.post(f"{self.base}{API}/transactions", json=body, headers=self.headers()).json()
        url = trx["url"]
        started = time.perf_counter()
        client.post(f"{url}/documents", files={"file": ("p.jpg", self.photo, "image/jpeg")})
        last_upload = time.perf_counter()
        if "face_liveness" in tasks:
            while client.get(f"{url}/status").json()["step"] != "liveness":
                time.sleep(0.1)
            plan = client.post(f"{url}/liveness").json()
            frames = jpeg_frames(sequences.genuine(self.rig, plan_from_client(plan), random.Random(seed)))
            files = [("frames", (f"{i}.jpg", data, "image/jpeg")) for i, (_, data) in enumerate(frames)]
            last_upload = time.perf_counter()
            response = client.post(
                f"{url}/liveness/{plan['nonce']}/frames",
                files=files,
                data={"timestamps": json.dumps([t for t, _ in frames])},
            )
            assert response.status_code == 202, response.text
        arrived = self.arrivals.wait(trx["id"])
        client.close()
        if arrived is None:
            return {"failed": 1.0}
        return {
            "latency": arrived - last_upload,
            "total": arrived - started,
            "end": arrived,
            "start": started,
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--parallel", type=int, default=8)
    parser.add_argument(
        "--ocr-pipelines", type=int, help="IDSCAN_VISION__OCR_PIPELINES for the service (default: its own)"
    )
    args = parser.parse_args()
    arrivals = Arrivals()
    hooks = ExitStack()
    hook_port = hooks.enter_context(serve_handler(receiver(arrivals)))
    tmp = Path(tempfile.mkdtemp(prefix="idscan-flow-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDSCAN_")}
    env.update(
        {
            "IDSCAN_DATA_DIR": str(tmp / "data"),
            "IDSCAN_PORT": str(port),
            "IDSCAN_SECURITY__MASTER_KEYS": encode_key(1, generate_master_key()),
            "IDSCAN_WEBHOOKS__ALLOW_PRIVATE_TARGETS": "true",
            "IDSCAN_JOBS__POLL_INTERVAL_SECONDS": "0.1",
            "IDSCAN_RATE_LIMIT__ENABLED": "false",
            "IDSCAN_LOG_LEVEL": "WARNING",
        }
    )
    if args.ocr_pipelines:
        env["IDSCAN_VISION__OCR_PIPELINES"] = str(args.ocr_pipelines)
    idscan = [sys.executable, "-m", "idscan.cli"]
    subprocess.run([*idscan, "migrate"], env=env, check=True, capture_output=True)
    out = subprocess.run(
        [*idscan, "credentials", "create", "--account", "bench"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    kid = out.split("key ID:")[1].split()[0]
    secret = out.split("secret:")[1].split()[0]
    server = subprocess.Popen(
        [*idscan, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        httpx.post(
            f"{base}{API}/webhooks",
            json={"url": f"http://127.0.0.1:{hook_port}/h"},
            headers={"Authorization": f"Bearer {issue(kid, secret)}"},
        )
        flow = Flow(base, kid, secret, arrivals)
        flow.one(["document_scan"], 0)  # warm-up: models load once per process
        report: dict[str, Any] = {
            "runs": args.runs,
            "parallel": args.parallel,
            "ocr_pipelines": args.ocr_pipelines,
            "rows": {},
        }
        full = ["document_scan", "face_liveness", "face_match"]
        for label, tasks in (("document only", ["document_scan"]), ("document + liveness + match", full)):
            runs = [flow.one(tasks, i) for i in range(args.runs)]
            serial = [r["latency"] for r in runs if "failed" not in r]
            with ThreadPoolExecutor(args.parallel) as pool:
                everything = list(pool.map(lambda i, t=tasks: flow.one(t, 100 + i), range(args.parallel)))
            batch = [r for r in everything if "failed" not in r]
            span = max(r["end"] for r in batch) - min(r["start"] for r in batch)
            report["rows"][label] = {
                "p50_s": statistics.median(serial),
                "p95_s": sorted(serial)[max(0, round(0.95 * len(serial)) - 1)],
                "max_s": max(serial),
                "parallel_per_minute": 60 * len(batch) / span,
                "parallel_p95_s": sorted(r["latency"] for r in batch)[max(0, round(0.95 * len(batch)) - 1)],
                # transactions that never completed (a refused liveness attempt), left out above
                "failed": len(runs) - len(serial) + len(everything) - len(batch),
            }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        hooks.close()
    print(
        f"\nFlow: last upload -> webhook, embedded default, {args.runs} serial runs, {args.parallel} at once"
    )
    print(
        "{:<30} {:>8} {:>8} {:>8} {:>14} {:>14} {:>7}".format(
            "tasks", "p50 s", "p95 s", "max s", f"{args.parallel} at once/min", "at once p95 s", "failed"
        )
    )
    for label, row in report["rows"].items():
        print(
            "{:<30} {:>8.2f} {:>8.2f} {:>8.2f} {:>14.1f} {:>14.2f} {:>7}".format(
                label,
                row["p50_s"],
                row["p95_s"],
                row["max_s"],
                row["parallel_per_minute"],
                row["parallel_p95_s"],
                row["failed"],
            )
        )
    OUT.mkdir(exist_ok=True)
    (OUT / "flow.json").write_text(json.dumps(report, indent=2))
    print(f"\nwrote {OUT / 'flow.json'}")


if __name__ == "__main__":
    main()
