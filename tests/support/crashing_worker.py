"""`idscan worker` whose document engine kills the process, the way the kernel's OOM killer ends a
worker that a poison image drove out of memory. Run as a script by the poison-job tests."""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from idscan.cli import main
from idscan.pipeline import document


def _killed(*_: object) -> NoReturn:
    os._exit(137)  # what a SIGKILL'd process reports: no cleanup, no exception handlers


document.analyse = _killed

if __name__ == "__main__":
    sys.exit(main(["worker"]))
