"""Upload limits hold before anything is spooled: against a real server on 127.0.0.1, a raw socket
counts what a client gets to send before the answer (or the close)."""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from idscan.hosted import uploads
from tests.conftest import Caller
from tests.hosted.conftest import GUARDED_RECEIVE_BUFFER, GUARDED_UPLOAD_BYTES
from tests.support.factories import create_transaction

API = "/id-scan/v1"
SEND_BUFFER = 64 * 1024
# What may sit in kernel buffers between the client's send() and the server's read: both fixed
# buffers (Linux doubles what is asked for), and a chunk in flight.
SLACK = 2 * (SEND_BUFFER + GUARDED_RECEIVE_BUFFER) + 256 * 1024
GIGABYTE = 1024**3
MULTIPART = "multipart/form-data; boundary=xyz"


@dataclass
class Outcome:
    status: int | None  # None: the server closed without an answer the client could read
    sent: int  # body bytes the client got to send
    closed: bool  # the server closed the connection after answering


FILE_PART = (
    b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\n'
    b"Content-Type: image/jpeg\r\n\r\n"
)
WHOLE_FORM = FILE_PART + b"\xff\xd8photo\r\n--xyz--\r\n"


def _generator(total: int, first: bytes = b"", chunk: int = 64 * 1024) -> Iterator[bytes]:
    """A body made on the fly, like an endless upload: `first`, then filler."""
    yield first
    block = b"\xff" * chunk
    for _ in range(total // chunk):
        yield block


def send_raw(
    base: str, path: str, headers: dict[str, str], body: Iterable[bytes], *, chunked: bool
) -> Outcome:
    """POST `body` until the server answers or closes; then read its answer."""
    url = urlsplit(base)
    sock = socket.create_connection((url.hostname, url.port), timeout=10)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
    head = [f"POST {path} HTTP/1.1", f"Host: {url.netloc}"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    if chunked:
        head.append("Transfer-Encoding: chunked")
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
    sock.setblocking(False)
    sent, answered = 0, False
    deadline = time.monotonic() + 60
    try:
        for chunk in filter(None, body):  # an empty chunk would end a chunked body
            framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" if chunked else chunk
            view = memoryview(framed)
            while view and not answered:
                assert time.monotonic() < deadline, "the server neither read nor answered"
                readable, writable, _ = select.select([sock], [sock], [], 10)
                if readable:
                    answered = True
                elif writable:
                    n = sock.send(view)
                    view = view[n:]
                    sent += n
            if answered:
                break
    except (BrokenPipeError, ConnectionResetError):
        pass
    return _answer(sock, sent)


def _answer(sock: socket.socket, sent: int) -> Outcome:
    sock.setblocking(True)
    sock.settimeout(10)
    data, closed = b"", False
    try:
        while b"\r\n\r\n" not in data:
            more = sock.recv(65536)
            if not more:
                closed = True
                break
            data += more
        else:
            # The answer is small: after it, a closing server sends EOF (or a reset).
            sock.settimeout(2)
            while sock.recv(65536):
                pass
            closed = True
    except ConnectionResetError:
        closed = True
    except TimeoutError:
        pass  # still open
    finally:
        sock.close()
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else None
    return Outcome(status, sent, closed)


def link_path(trx: dict[str, Any]) -> str:
    return str(urlsplit(trx["url"]).path)


UNKNOWN = "/en-us/identifications/" + "A" * 50


def test_a_streamed_gigabyte_to_an_unknown_link_is_refused_unread(
    guarded_service: tuple[str, Caller],
) -> None:
    base, _ = guarded_service
    outcome = send_raw(
        base,
        f"{UNKNOWN}/documents",
        {"Content-Type": MULTIPART},
        _generator(GIGABYTE, FILE_PART),
        chunked=True,
    )
    assert outcome.sent <= SLACK, outcome
    assert outcome.status in (404, None), outcome  # the answer, unless the close reset it first
    assert outcome.closed


@pytest.mark.parametrize(
    "first", [FILE_PART, WHOLE_FORM], ids=["endless photo", "endless tail after the form"]
)
def test_a_streamed_gigabyte_to_an_open_link_stops_at_the_limit(
    guarded_service: tuple[str, Caller], first: bytes
) -> None:
    base, caller = guarded_service
    path = link_path(create_transaction(base, caller))
    outcome = send_raw(
        base, f"{path}/documents", {"Content-Type": MULTIPART}, _generator(GIGABYTE, first), chunked=True
    )
    # The photo's limit (the form reader), or the body's: the photo plus the form's overhead.
    limit = uploads.body_limit(GUARDED_UPLOAD_BYTES, 2)
    assert outcome.sent <= limit + SLACK, outcome
    assert outcome.status in (413, None), outcome
    assert outcome.closed


def test_a_declared_size_over_the_limit_is_refused_without_reading(
    guarded_service: tuple[str, Caller],
) -> None:
    base, caller = guarded_service
    path = link_path(create_transaction(base, caller))
    headers = {"Content-Type": MULTIPART, "Content-Length": str(GIGABYTE)}
    outcome = send_raw(base, f"{path}/documents", headers, [], chunked=False)
    assert (outcome.status, outcome.sent, outcome.closed) == (413, 0, True)


def _declared_but_unsent(base: str, path: str) -> Outcome:
    """Declare a body within the limit and send none of it: only an answer given before reading
    can arrive."""
    headers = {"Content-Type": MULTIPART, "Content-Length": str(100_000)}
    return send_raw(base, path, headers, [], chunked=False)


def test_unknown_and_closed_links_answer_before_the_body(
    guarded_service: tuple[str, Caller],
) -> None:
    base, caller = guarded_service
    assert _declared_but_unsent(base, f"{UNKNOWN}/documents").status == 404
    other = UNKNOWN.replace("A", "B")  # a link may send one request a minute
    assert _declared_but_unsent(base, f"{other}/liveness/abc/frames").status == 404
    for what in ("documents", "liveness/abc/frames"):
        trx = create_transaction(base, caller)
        httpx.delete(f"{base}{API}/transactions/{trx['id']}", headers=caller.headers())
        assert _declared_but_unsent(base, f"{link_path(trx)}/{what}").status == 410


def test_a_rate_limited_link_answers_429_before_the_body(guarded_service: tuple[str, Caller]) -> None:
    base, caller = guarded_service
    path = link_path(create_transaction(base, caller))
    assert httpx.post(f"{base}{path}/handoff").status_code == 200  # the link's one request this minute
    for what in ("documents", "liveness/abc/frames"):
        outcome = _declared_but_unsent(base, f"{path}/{what}")
        assert (outcome.status, outcome.sent) == (429, 0)


def test_normal_uploads_still_work_on_the_guarded_service(guarded_service: tuple[str, Caller]) -> None:
    base, caller = guarded_service
    photo = b"\xff\xd8" + b"\x00" * (GUARDED_UPLOAD_BYTES - 2)  # exactly at the limit
    with httpx.Client(base_url=base) as client:
        path = link_path(create_transaction(base, caller))
        accepted = client.post(
            f"{path}/documents",
            files={"file": ("p.jpg", photo, "image/jpeg")},
            data={"source": "file"},
            headers={"Accept": "application/json"},
        )
        assert accepted.status_code == 202, accepted.text
        # A refusal before reading a body within the limit still reaches a plain client: the server
        # drops the rest of the body instead of closing on it.
        refused = client.post(f"{UNKNOWN}/documents", files={"file": ("p.jpg", photo, "image/jpeg")})
        assert refused.status_code == 404
        path = link_path(create_transaction(base, caller))
        redirected = client.post(
            f"{path}/documents", files={"file": ("p.jpg", b"img", "image/jpeg")}, follow_redirects=False
        )
        assert redirected.status_code == 303
        too_big = client.post(
            f"{link_path(create_transaction(base, caller))}/documents",
            files={"file": ("p.jpg", photo + b"x", "image/jpeg")},
        )
        assert too_big.status_code == 413
