"""How much resident memory one call adds, measured in a fresh interpreter.

Pillow and libjpeg allocate outside Python's allocator, so tracemalloc cannot see a decode; the
kernel's high-water mark can. The child imports first and reads the input, then resets the mark
(`/proc/self/clear_refs`, Linux), runs the call, and reports the mark above the resident size it
started from.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

_CHILD = """
import sys
{imports}

def status(field):
    with open("/proc/self/status") as lines:
        return next(int(line.split()[1]) for line in lines if line.startswith(field + ":"))

data = open(sys.argv[1], "rb").read()
with open("/proc/self/clear_refs", "w") as reset:
    reset.write("5")
before = status("VmRSS")
try:
    {call}
except Exception as exc:
    print(type(exc).__name__, file=sys.stderr)
print((status("VmHWM") - before) / 1024)
"""


def peak_mb(data: bytes, imports: str, call: str, tmp_path: Path) -> float:
    """MB by which `call` (Python source that may use `data`) raises the child's peak RSS."""
    source = tmp_path / "input.bin"
    source.write_bytes(data)
    script = _CHILD.format(imports=textwrap.dedent(imports).strip(), call=call)
    done = subprocess.run(
        [sys.executable, "-c", script, str(source)], capture_output=True, text=True, check=True, timeout=120
    )
    return float(done.stdout.strip().splitlines()[-1])
