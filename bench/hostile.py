"""Hostile-input benchmark: what `idscan serve` answers, and what it costs, when it is attacked.

Starts `idscan serve` (embedded worker, 4 jobs at once, SQLite, a temporary data directory, rate
limits off) and measures its resident memory at rest (with any child processes, from /proc). It then
brings ten links to the liveness step with an ordinary passport photo, then reads 4 phone-size
photos at once and runs 2 ordinary liveness checks: models load once per process and the worker
threads' arenas grow to their working size, which is not the hostile inputs' doing, so idle is
measured again after this warm-up and is the baseline (both figures are printed). Then the
hostile set goes 4 at a time through the real HTTP API, sampling RSS every 50 ms and polling
/healthz throughout.
One row per input: the HTTP status, the bytes the client sent before the answer, the peak RSS above
idle while the input was in flight (shared with up to 3 others), and the outcome of its job (attempt
code, liveness reasons) if one was queued. Goal: peak <= 400 MB above idle, /healthz answered
throughout. Writes bench/out/hostile.json.

    .venv/bin/python bench/hostile.py [--quick]

--quick sends 100 MB instead of 1 GB bodies and uses header-only bombs where a real file takes long
to generate (HEIC, WebP).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import select
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support import hostile_images as hostile  # noqa: E402
from tests.support.browser import free_port  # noqa: E402

from idscan.auth.tokens import issue  # noqa: E402
from idscan.hosted.i18n import REASONS  # noqa: E402
from idscan.lib.aead import encode_key, generate_master_key  # noqa: E402

OUT = ROOT / "bench" / "out"
API = "/id-scan/v1"
GOAL_MB = 400
AT_ONCE = 4
MB = 1024 * 1024
REASON_OF_HINT = {hint: code for code, hint in REASONS.items()}


# --- measuring the server ---


def _tree(root: int) -> list[int]:
    """The process and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def rss_bytes(pids: Iterable[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            continue
    return total


class Sampler(threading.Thread):
    """RSS of the server's process tree every 50 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.samples, self.stop = pid, [(time.monotonic(), rss_bytes([pid]))], threading.Event()

    def run(self) -> None:
        pids, refreshed = _tree(self.pid), time.monotonic()
        while not self.stop.wait(0.05):
            if time.monotonic() - refreshed > 1:
                pids, refreshed = _tree(self.pid), time.monotonic()
            self.samples.append((time.monotonic(), rss_bytes(pids)))

    def peak(self, start: float, end: float) -> int:
        return max((rss for t, rss in self.samples if start <= t <= end), default=self.samples[-1][1])

    def settled(self, seconds: float = 2.0) -> int:
        """The median RSS of the last `seconds`, at rest."""
        time.sleep(seconds)
        now = time.monotonic()
        return int(statistics.median(rss for t, rss in self.samples if t >= now - seconds))


class Health(threading.Thread):
    """GET /healthz every 100 ms: the slowest answer, and every failure."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base, self.stop = base, threading.Event()
        self.latencies: list[float] = []
        self.failures: list[str] = []

    def run(self) -> None:
        with httpx.Client(timeout=10) as client:
            while not self.stop.wait(0.1):
                started = time.monotonic()
                try:
                    status = client.get(f"{self.base}/healthz").status_code
                except httpx.HTTPError as exc:
                    self.failures.append(type(exc).__name__)
                    continue
                self.latencies.append(time.monotonic() - started)
                if status != 200:
                    self.failures.append(str(status))


# --- sending: a raw HTTP/1.1 client that stops sending when the server answers ---


@dataclass
class Sent:
    status: int | None  # None: no answer
    sent: int  # body bytes written (multipart and chunk framing included) before the answer
    body: bytes = b""


def post_raw(
    base: str,
    path: str,
    content_type: str,
    chunks: Iterable[bytes],
    *,
    length: int | None,
    timeout: float = 120,
) -> Sent:
    """POST `chunks` (chunked transfer encoding when `length` is None), watching the socket for the
    server's answer between writes: a server that refuses early is seen to do so."""
    host, port = urlsplit(base).hostname or "127.0.0.1", urlsplit(base).port or 80
    head = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", f"Content-Type: {content_type}"]
    head += ["Accept: application/json", "Connection: close"]
    head.append(f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked")
    sock = socket.create_connection((host, port), timeout=timeout)
    sent, answered = 0, False
    try:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        sock.setblocking(False)
        for chunk in _framed(chunks, length is None):
            view = memoryview(chunk)
            while view:
                readable, writable, _ = select.select([sock], [sock], [], timeout)
                if readable:
                    answered = True
                    break
                if not writable:
                    return Sent(None, sent)
                try:
                    n = sock.send(view)
                except (BrokenPipeError, ConnectionResetError):
                    answered = True
                    break
                view = view[n:]
                sent += n
            if answered:
                break
        return _answer(sock, sent, timeout)
    finally:
        sock.close()


def _framed(chunks: Iterable[bytes], chunked: bool) -> Iterator[bytes]:
    for chunk in chunks:
        yield f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" if chunked else chunk
    if chunked:
        yield b"0\r\n\r\n"


def _answer(sock: socket.socket, sent: int, timeout: float) -> Sent:
    sock.setblocking(True)
    sock.settimeout(timeout)
    data = b""
    try:
        while True:
            part = sock.recv(65536)
            if not part:
                break
            data += part
    except (TimeoutError, ConnectionResetError):
        pass
    if not data.startswith(b"HTTP/1."):
        return Sent(None, sent)
    head, _, body = data.partition(b"\r\n\r\n")
    return Sent(int(head.split()[1]), sent, body)


def multipart(
    parts: list[tuple[str, str | None, bytes | tuple[Iterable[bytes], int]]],
) -> tuple[str, Iterator[bytes], int]:
    """(content type, body chunks, total length) for form fields and files; a file may be given as
    (chunk iterator, size) to stream it."""
    boundary = uuid.uuid4().hex
    pieces: list[bytes | tuple[Iterable[bytes], int]] = []
    for name, filename, value in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        kind = "Content-Type: image/jpeg\r\n" if filename else ""
        pieces.append(f"--{boundary}\r\nContent-Disposition: {disposition}\r\n{kind}\r\n".encode())
        pieces += [value, b"\r\n"]
    pieces.append(f"--{boundary}--\r\n".encode())
    total = sum(len(p) if isinstance(p, bytes) else p[1] for p in pieces)

    def chunks() -> Iterator[bytes]:
        for piece in pieces:
            if isinstance(piece, bytes):
                yield from (piece[i : i + 65536] for i in range(0, max(1, len(piece)), 65536))
            else:
                yield from piece[0]

    return f"multipart/form-data; boundary={boundary}", chunks(), total


def zeros(size: int) -> Iterator[bytes]:
    block = b"\0" * 65536
    for start in range(0, size, len(block)):
        yield block[: min(len(block), size - start)]


# --- the service under test ---


class Service:
    def __init__(self, tmp: Path) -> None:
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("IDSCAN_")}
        env.update(
            {
                "IDSCAN_DATA_DIR": str(tmp / "data"),
                "IDSCAN_PORT": str(port),
                "IDSCAN_PUBLIC_BASE_URL": self.base,
                "IDSCAN_SECURITY__MASTER_KEYS": encode_key(1, generate_master_key()),
                "IDSCAN_JOBS__WORKER_CONCURRENCY": str(AT_ONCE),
                "IDSCAN_JOBS__POLL_INTERVAL_SECONDS": "0.1",
                "IDSCAN_RATE_LIMIT__ENABLED": "false",
                "IDSCAN_LOG_LEVEL": "WARNING",
            }
        )
        idscan = [sys.executable, "-m", "idscan.cli"]
        subprocess.run([*idscan, "migrate"], env=env, check=True, capture_output=True)
        out = subprocess.run(
            [*idscan, "credentials", "create", "--account", "bench"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        self.kid, self.secret = out.split("key ID:")[1].split()[0], out.split("secret:")[1].split()[0]
        self.log = (tmp / "serve.log").open("wb")
        self.process = subprocess.Popen([*idscan, "serve"], env=env, stdout=self.log, stderr=self.log)
        self.client = httpx.Client(timeout=60)
        for _ in range(240):
            try:
                if self.client.get(f"{self.base}/healthz").status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.25)
        raise RuntimeError(f"idscan serve did not start; see {tmp / 'serve.log'}")

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {issue(self.kid, self.secret)}"}

    def api(self, method: str, path: str, body: Any = None) -> httpx.Response:
        return self.client.request(method, f"{self.base}{API}{path}", json=body, headers=self.headers())

    def link(self, tasks: list[str], **extra: Any) -> str:
        body = {"tasks": tasks, "settings": {"documentScan": {"allowedExpiration": 3650}}, **extra}
        response = self.api("POST", "/transactions", body)
        response.raise_for_status()
        return str(urlsplit(response.json()["url"]).path)

    def status(self, link: str) -> dict[str, Any]:
        data: dict[str, Any] = self.client.get(f"{self.base}{link}/status").json()
        return data

    def close(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.client.close()
        self.log.close()


def upload_document(service: Service, link: str, data: bytes, filename: str = "photo.jpg") -> Sent:
    content_type, chunks, total = multipart([("file", filename, data), ("source", None, b"file")])
    return post_raw(service.base, f"{link}/documents", content_type, chunks, length=total)


def document_outcome(service: Service, link: str, timeout: float = 240) -> str | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        last = service.status(link).get("lastAttempt")
        if last and last.get("code"):
            return str(last["code"])
        time.sleep(0.25)
    return None


def liveness_outcome(service: Service, link: str, timeout: float = 240) -> str | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        live = service.status(link).get("liveness")
        if live and not live["processing"]:
            codes = sorted({REASON_OF_HINT.get(h, h) for h in live["hints"]})
            return "passed" if live["passed"] else ",".join(codes) or "failed"
        time.sleep(0.25)
    return None


def send_frames(service: Service, link: str, frames: list[bytes], stamps: str) -> tuple[Sent, str]:
    nonce = service.client.post(f"{service.base}{link}/liveness").json()["nonce"]
    parts: list[tuple[str, str | None, bytes | tuple[Iterable[bytes], int]]] = [
        ("frames", f"{i}.jpg", data) for i, data in enumerate(frames)
    ]
    content_type, chunks, total = multipart([*parts, ("timestamps", None, stamps.encode())])
    return post_raw(
        service.base, f"{link}/liveness/{nonce}/frames", content_type, chunks, length=total
    ), nonce


# --- the hostile set ---


@dataclass
class Row:
    name: str
    status: int | None = None
    sent: int | None = None  # bytes
    outcome: str | None = None  # attempt code, liveness reasons, or what the server did
    peak_mb: float = 0.0
    seconds: float = 0.0
    note: str = ""
    detail: str = field(default="", repr=False)


@dataclass
class Case:
    name: str
    run: Callable[[], Row]


def _detail(sent: Sent) -> str:
    try:
        return str(json.loads(sent.body).get("detail", ""))[:120]
    except (ValueError, AttributeError):
        return sent.body[:120].decode("latin-1")


def document_case(service: Service, name: str, data: bytes, filename: str = "photo.jpg") -> Case:
    def run() -> Row:
        link = service.link(["document_scan"])
        sent = upload_document(service, link, data, filename)
        row = Row(name, sent.status, sent.sent, detail=_detail(sent))
        if sent.status == 202:
            row.outcome = document_outcome(service, link) or "no outcome"
        return row

    return Case(name, run)


def streamed_case(service: Service, name: str, size: int, *, valid_link: bool, declare: bool) -> Case:
    def run() -> Row:
        link = service.link(["document_scan"]) if valid_link else "/en-us/identifications/" + "x" * 43
        content_type, chunks, total = multipart([("file", "big.jpg", (zeros(size), size))])
        sent = post_raw(
            service.base, f"{link}/documents", content_type, chunks, length=total if declare else None
        )
        return Row(name, sent.status, sent.sent, detail=_detail(sent))

    return Case(name, run)


def liveness_case(
    service: Service,
    links: list[str],
    name: str,
    frames: Callable[[], list[bytes]],
    stamps: str | None = None,
) -> Case:
    def run() -> Row:
        link = links.pop()
        data = frames()
        sent, _ = send_frames(service, link, data, stamps or json.dumps([i * 100 for i in range(len(data))]))
        row = Row(name, sent.status, sent.sent, detail=_detail(sent))
        if sent.status == 202:
            row.outcome = liveness_outcome(service, link) or "no outcome"
        return row

    return Case(name, run)


def csp_case(service: Service) -> Case:
    def run() -> Row:
        body = {"tasks": ["document_scan"], "allowedOrigins": ["https://a.example; script-src *"]}
        response = service.api("POST", "/transactions", body)
        row = Row("CSP injection in allowedOrigins", response.status_code)
        if response.status_code == 201:
            page = service.client.get(response.json()["url"])
            injected = "script-src *" in page.headers.get("content-security-policy", "")
            row.outcome = "CSP injected" if injected else "accepted, CSP clean"
        else:
            row.detail = str(response.json().get("detail", ""))[:120]
        return row

    return Case("CSP injection in allowedOrigins", run)


IPV6_TARGETS = {
    "NAT64 64:ff9b::7f00:1": "64:ff9b::7f00:1",
    "6to4 2002:7f00:1::": "2002:7f00:1::",
    "IPv4-compatible ::7f00:1": "::7f00:1",
    "Teredo 2001:0:...(127.0.0.1)": "2001:0:4136:e378:8000:63bf:80ff:fffe",
    "site-local fec0::1": "fec0::1",
    "IPv4-mapped ::ffff:127.0.0.1": "::ffff:127.0.0.1",
}


def webhook_case(service: Service, name: str, address: str) -> Case:
    def run() -> Row:
        response = service.api("POST", "/webhooks", {"url": f"https://[{address}]/hooks"})
        row = Row(f"webhook {name}", response.status_code)
        if response.status_code == 201:
            row.outcome = "registered"
            service.api("DELETE", f"/webhooks/{response.json()['id']}")
        else:
            row.detail = str(response.json().get("detail", ""))[:120]
        return row

    return Case(f"webhook {name}", run)


def flat_jpeg(size: tuple[int, int], shade: int, quality: int = 70) -> bytes:
    return hostile.encode(
        Image.new("RGB", size, (shade, 255 - shade, (shade * 7) % 256)), "JPEG", quality=quality
    )


def hostile_set(service: Service, links: list[str], quick: bool, max_frames: int) -> list[Case]:
    big = 100 * MB if quick else 1024 * MB
    size_label = f"{big // MB} MB"
    photo = hostile.jpeg_blank(4032, 3024, mode="RGB")
    png = hostile.encode(Image.new("RGB", (1200, 800), (200, 200, 200)), "PNG")
    zip_bytes = io.BytesIO()
    with zipfile.ZipFile(zip_bytes, "w") as archive:
        archive.writestr("a.txt", "hello" * 1000)
    cases = [
        document_case(service, "PNG bomb header 100k x 100k", hostile.png_claiming(100_000, 100_000)),
        document_case(service, "PNG 39.7 MP grey, 38 KB", hostile.png_blank(7720, 5140)),
        document_case(service, "PNG 39.7 MP RGBA, 150 KB", hostile.png_blank(7720, 5140, channels=4)),
        document_case(service, "PNG 36 MP 16-bit", hostile.png_blank(6000, 6000, bits=16)),
        document_case(service, "JPEG bomb header 65k x 65k", hostile.jpeg_claiming(65_000, 65_000)),
        document_case(service, "JPEG 40 MP baseline", hostile.jpeg_blank(7720, 5180, mode="RGB")),
        document_case(
            service, "JPEG 40 MP progressive", hostile.jpeg_blank(7720, 5180, mode="RGB", progressive=True)
        ),
        document_case(service, "WebP bomb header 16k x 16k", hostile.webp_claiming(16_383, 16_383)),
        document_case(
            service,
            "WebP 40 MP" + (" (header)" if quick else ", real"),
            hostile.webp_claiming(16_383, 2440)
            if quick
            else hostile.encode(Image.new("RGB", (16_383, 2440), (200, 200, 200)), "WEBP", lossless=True),
        ),
        document_case(service, "TIFF 36 MP 16-bit, 107 KB", hostile.tiff_blank16(6000, 6000)),
        document_case(service, "GIF bomb header 65k x 65k", hostile.gif_claiming(65_535, 65_535)),
        document_case(service, "BMP bomb header 30k x 30k", hostile.bmp_claiming(30_000, 30_000)),
        document_case(service, "JPEG 12 MP truncated", hostile.truncated(photo)),
        document_case(service, "PNG truncated", hostile.truncated(png)),
        document_case(service, "PNG bytes named .jpg", png, "photo.jpg"),
        document_case(service, "HTML named .jpg", b"<!doctype html><script>alert(1)</script>", "photo.jpg"),
        document_case(service, "ZIP named .jpg", zip_bytes.getvalue(), "photo.jpg"),
        streamed_case(service, f"{size_label} chunked, unknown link", big, valid_link=False, declare=False),
        streamed_case(
            service, f"{size_label} Content-Length, unknown link", big, valid_link=False, declare=True
        ),
        streamed_case(service, f"{size_label} chunked, valid link", big, valid_link=True, declare=False),
    ]
    try:  # pillow-heif wheels without an HEVC encoder cannot make these
        heic = [document_case(service, "HEIC bomb header 30k x 30k", hostile.heic_claiming(30_000, 30_000))]
        if not quick:
            real = hostile.encode(Image.new("RGB", (5712, 4284), (128, 128, 128)), "HEIF", quality=30)
            heic.append(document_case(service, "HEIC 24 MP, real", real))
        cases[9:9] = heic
    except (OSError, RuntimeError, ValueError) as exc:
        print(f"skipping the HEIC rows: no HEIF encoder here ({exc})")
    if links:
        cases += [
            liveness_case(
                service,
                links,
                f"liveness {max_frames} x PNG 39.7 MP",
                lambda: [hostile.png_blank(7720, 5140)] * max_frames,
            ),
            liveness_case(
                service,
                links,
                f"liveness {max_frames} x JPEG 2.1 MP",
                lambda: [flat_jpeg((1680, 1260), i % 250) for i in range(max_frames)],
            ),
            liveness_case(
                service,
                links,
                f"liveness {max_frames} x JPEG 2.0 MP",
                lambda: [flat_jpeg((1632, 1224), i % 250) for i in range(max_frames)],
            ),
        ]
        small = [flat_jpeg((640, 480), 10 * i) for i in range(3)]
        for label, stamps in (
            ("Infinity", "[0, 100, Infinity]"),
            ("1e400", "[0, 100, 1e400]"),
            ("NaN", "[0, 100, NaN]"),
            ("negative", "[-200, -100, 0]"),
            ("non-monotonic", "[0, 200, 100]"),
        ):
            cases.append(liveness_case(service, links, f"liveness timestamps {label}", lambda: small, stamps))
    cases.append(csp_case(service))
    cases += [webhook_case(service, name, address) for name, address in IPV6_TARGETS.items()]
    return cases


# --- preparing: links at the liveness step, and a warm server ---


def passport_photo() -> bytes | None:
    """The synthetic passport of bench/flow.py, or None when its fonts or faces are missing."""
    from tests.documents.synth import OCRB, fixtures_dir, make_document, photograph

    if not OCRB.is_file() or fixtures_dir() is None:
        return None
    doc = make_document(31, kind="passport", country="NLD")
    return photograph(doc.sides[0].image, "medium", random.Random(31), turns=2).data


def liveness_links(service: Service, photo: bytes, count: int) -> list[str]:
    """Links whose document was accepted, so that their liveness step is open."""

    def one(_: int) -> str | None:
        link = service.link(["document_scan", "face_liveness"])
        if upload_document(service, link, photo).status != 202:
            return None
        return link if document_outcome(service, link) == "accepted" else None

    with ThreadPoolExecutor(AT_ONCE) as pool:
        return [link for link in pool.map(one, range(count)) if link]


def warm_up(service: Service, photo: bytes | None, links: list[str]) -> None:
    """Ordinary work at full concurrency, so that models are loaded and the worker threads' arenas
    have grown as they do in service: 4 phone-size photos at once, then 2 liveness checks at once."""
    phone = hostile.jpeg_blank(4032, 3024, mode="RGB")
    cases = [document_case(service, "warm-up photo", phone) for _ in range(AT_ONCE)]
    if photo is not None:
        frames = [flat_jpeg((640, 480), 5 * i) for i in range(40)]
        cases += [liveness_case(service, links, "warm-up liveness", lambda: frames) for _ in range(2)]
    with ThreadPoolExecutor(AT_ONCE) as pool:
        list(pool.map(lambda case: case.run(), cases))


def run_cases(cases: list[Case], sampler: Sampler, idle: int) -> list[Row]:
    def timed(case: Case) -> Row:
        started = time.monotonic()
        try:
            row = case.run()
        except Exception as exc:  # noqa: BLE001 - a benchmark reports what happened and goes on
            row = Row(case.name, outcome=f"client error: {type(exc).__name__}: {exc}"[:120])
        ended = time.monotonic()
        row.seconds = ended - started
        row.peak_mb = (sampler.peak(started, ended) - idle) / MB
        print(f"  {row.name}: {row.status} {row.outcome or ''} ({row.seconds:.1f} s)", flush=True)
        return row

    with ThreadPoolExecutor(AT_ONCE) as pool:
        return list(pool.map(timed, cases))


def fmt_bytes(n: int | None) -> str:
    if n is None:
        return "-"
    return f"{n / MB:.1f} MB" if n >= MB else f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} B"


def print_table(rows: list[Row], report: dict[str, Any]) -> None:
    print(f"\nHostile inputs, {AT_ONCE} at a time, against `idscan serve` (embedded worker, SQLite)")
    print(f"{'input':<40} {'HTTP':>5} {'sent':>10} {'peak MB':>8}  outcome")
    for row in rows:
        print(
            f"{row.name:<40} {row.status or '-':>5} {fmt_bytes(row.sent):>10} {row.peak_mb:>8.0f}  "
            f"{row.outcome or row.detail[:60] or '-'}"
        )
    verdict = "met" if report["peak_above_idle_mb"] <= GOAL_MB else "NOT met"
    health = (
        "answered throughout"
        if not report["healthz_failures"]
        else f"{len(report['healthz_failures'])} failures"
    )
    print(
        f"\nidle RSS {report['idle_cold_mb']:.0f} MB at start, {report['idle_mb']:.0f} MB warm "
        f"(the baseline); peak {report['peak_mb']:.0f} MB"
    )
    print(
        f"peak above the cold start: {report['peak_mb'] - report['idle_cold_mb']:.0f} MB, of which the "
        f"warm-up (models, thread arenas) kept {report['idle_mb'] - report['idle_cold_mb']:.0f} MB"
    )
    print(
        f"peak above idle: {report['peak_above_idle_mb']:.0f} MB (goal <= {GOAL_MB} MB: {verdict}); "
        f"/healthz: {health}, slowest {report['healthz_max_ms']:.0f} ms over {report['healthz_polls']} polls"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="100 MB bodies, header-only HEIC/WebP bombs")
    args = parser.parse_args()
    if not Path("/proc/self/statm").is_file():
        print("skipping: this benchmark reads the server's memory from /proc (Linux)")
        return
    from idscan.config import VisionSettings

    max_frames = VisionSettings().max_liveness_frames
    photo = passport_photo()
    if photo is None:
        print("skipping the liveness rows: the synthetic passport needs fonts-ocr-b and ../shared/fixtures")
    tmp = Path(tempfile.mkdtemp(prefix="idscan-hostile-"))
    service = Service(tmp)
    sampler = Sampler(service.process.pid)
    sampler.start()
    health = Health(service.base)
    try:
        idle_cold = sampler.settled()
        wanted = 3 + 5 + 2  # the frame bombs, the timestamp cases, the warm-up
        links = liveness_links(service, photo, wanted) if photo is not None else []
        if photo is not None and len(links) < wanted:
            print(f"only {len(links)} of {wanted} links reached the liveness step; some rows will fail")
        warm_up(service, photo, links)
        idle = sampler.settled(3.0)
        print("generating the hostile set ...", flush=True)
        cases = hostile_set(service, links, args.quick, max_frames)
        print(f"sending {len(cases)} hostile inputs, {AT_ONCE} at a time ...", flush=True)
        health.start()
        started = time.monotonic()
        rows = run_cases(cases, sampler, idle)
        ended = time.monotonic()
    finally:
        health.stop.set()
        sampler.stop.set()
        service.close()
    peak = sampler.peak(started, ended)
    report: dict[str, Any] = {
        "quick": args.quick,
        "at_once": AT_ONCE,
        "idle_cold_mb": idle_cold / MB,
        "idle_mb": idle / MB,
        "peak_mb": peak / MB,
        "peak_above_idle_mb": (peak - idle) / MB,
        "goal_mb": GOAL_MB,
        "healthz_polls": len(health.latencies) + len(health.failures),
        "healthz_max_ms": 1000 * max(health.latencies, default=0.0),
        "healthz_failures": health.failures,
        "rows": [asdict(row) for row in rows],
    }
    print_table(rows, report)
    OUT.mkdir(exist_ok=True)
    (OUT / "hostile.json").write_text(json.dumps(report, indent=2))
    print(f"\nwrote {OUT / 'hostile.json'}; server log in {tmp / 'serve.log'}")


if __name__ == "__main__":
    main()
