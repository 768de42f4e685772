"""A real HTTP receiver on 127.0.0.1 that answers from a script and records every request."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.support.http_server import QuietHandler, serve_handler


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """`script` is consumed one action per request: an HTTP status, or ("hang", seconds) to hold
    the connection open; when it runs out, requests get 200."""

    script: list[int | tuple[str, float]] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _arrived: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self._arrived = threading.Condition(self._lock)

    def next_action(self, received: Received) -> int | tuple[str, float]:
        with self._lock:
            self.requests.append(received)
            self._arrived.notify_all()
            return self.script.pop(0) if self.script else 200

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} requests, got {len(self.requests)}")
                self._arrived.wait(left)
            return list(self.requests)


@contextmanager
def running_receiver(script: list[int | tuple[str, float]] | None = None) -> Iterator[Receiver]:
    receiver = Receiver(script=list(script or []))

    class Handler(QuietHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            received = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            action = receiver.next_action(received)
            if isinstance(action, tuple):
                time.sleep(action[1])
                action = 200
            self.reply(action, b"ok")

    with serve_handler(Handler) as port:
        receiver.url = f"http://127.0.0.1:{port}/hooks/idscan"
        yield receiver
