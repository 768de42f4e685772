"""What native libraries print to stderr reaches a JSON log as JSON, even when the process dies."""

from __future__ import annotations

import json
import subprocess
import sys

from idscan.ops.stderr_router import wrap

ROUTED = """
import logging, os, sys
from idscan.ops.logging import configure
configure("INFO", as_json=True, route_native=True)
logging.getLogger("tests.router").warning("our own line")
os.write(2, b"W0000 00:00:1.0 12 some_native.cc:1] a native note\\n")
{tail}
"""

TRACKER = """
import numpy as np
from idscan.ops.logging import configure
from idscan.engines import shared_engines
configure("DEBUG", as_json=True, route_native=True)
engines = shared_engines(2)
for _ in range(2):
    with engines.vision.tracker() as tracker:
        for shape in ((480, 640, 3), (640, 360, 3)):
            tracker.landmarks(np.zeros(shape, np.uint8))
"""


def stderr_entries(code: str) -> tuple[int, list[dict[str, object]]]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False, timeout=120)
    lines = [line for line in done.stderr.decode().splitlines() if line.strip()]
    return done.returncode, [json.loads(line) for line in lines]  # fails on any plain-text line


def test_native_lines_are_wrapped_and_json_lines_pass_unchanged() -> None:
    code, entries = stderr_entries(ROUTED.format(tail=""))
    assert code == 0
    assert [(e["logger"], e["msg"]) for e in entries] == [
        ("tests.router", "our own line"),
        ("native", "W0000 00:00:1.0 12 some_native.cc:1] a native note"),
    ]


def test_a_crash_report_still_arrives() -> None:
    crash = "import faulthandler, ctypes; faulthandler.enable(); ctypes.string_at(0)"
    code, entries = stderr_entries(ROUTED.format(tail=crash))
    assert code != 0
    messages = [str(e["msg"]) for e in entries if e["logger"] == "native"]
    assert any("Segmentation fault" in m for m in messages), messages


def test_face_mesh_start_up_notes_stay_inside_the_json_log() -> None:
    code, entries = stderr_entries(TRACKER)
    assert code == 0
    assert any(e["logger"] == "native" for e in entries)


def test_wrap() -> None:
    assert wrap(b'{"a": 1}\n') == b'{"a": 1}\n'
    wrapped = json.loads(wrap(b"plain \xff text\r\n"))
    assert (wrapped["logger"], wrapped["msg"]) == ("native", "plain \ufffd text")
