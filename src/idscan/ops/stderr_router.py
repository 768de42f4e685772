"""Keep a JSON log JSON: native libraries (MediaPipe's TensorFlow Lite and absl, OpenCV, onnxruntime)
print plain text straight to file descriptor 2, out of Python logging's reach.

`route_native_stderr()` points descriptor 2 at a pipe read by a small child process (this module's
`main`), which passes JSON lines through and wraps any other line in a JSON log entry. A separate
process, not a thread: if the service dies, the child still drains the pipe, so a crash report
(faulthandler, a native abort message) reaches the real stderr.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import orjson

MAX_LINE = 2000
_routed = False


def wrap(line: bytes) -> bytes:
    """A JSON log line as it is; anything else as a JSON entry of the `native` logger."""
    text = line.rstrip(b"\r\n")
    if text.startswith(b"{"):
        return text + b"\n"
    entry = {
        "ts": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "level": "info",
        "logger": "native",
        "msg": text.decode("utf-8", errors="replace").strip()[:MAX_LINE],
    }
    return orjson.dumps(entry) + b"\n"


def route_native_stderr() -> None:
    """Once per process, before threads start: descriptor 2 becomes the router's pipe."""
    global _routed  # noqa: PLW0603 - one router per process
    if _routed:
        return
    sys.stderr.flush()
    child = subprocess.Popen(
        [sys.executable, "-m", "idscan.ops.stderr_router"],
        stdin=subprocess.PIPE,
        stdout=os.dup(2),
        stderr=subprocess.DEVNULL,
        close_fds=True,
    )
    assert child.stdin is not None
    os.dup2(child.stdin.fileno(), 2)
    child.stdin.close()  # descriptor 2 holds the pipe now; the child sees EOF when we are gone
    _routed = True


def main() -> None:
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        if line.strip():
            out.write(wrap(line))
            out.flush()


if __name__ == "__main__":
    main()
