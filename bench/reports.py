"""Audit report timings: a simple report, and a sealed extended report with 4 images (B-B, and
B-T against a local RFC 3161 server), plus verifying one. Median of N runs after one warm-up.

Goals: simple <= 0.3 s, sealed extended <= 1 s. Prints a table and writes bench/out/reports.json.
Run: .venv/bin/python bench/reports.py [--runs 15]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import logging
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the test factories and PKI live in tests/report

from tests.report.factories import T0, make_jpeg, make_source  # noqa: E402
from tests.report.pki import make_pki  # noqa: E402
from tests.report.tsa_server import running_tsa  # noqa: E402

from idscan.report.fonts import report_fonts  # noqa: E402
from idscan.report.model import ImageKind, ReportImage, ReportKind, build_report  # noqa: E402
from idscan.report.render import render_pdf  # noqa: E402
from idscan.report.seal import load_identity_pem, seal, verify  # noqa: E402
from idscan.report.tsa import HttpTimestampClient  # noqa: E402

OUT = ROOT / "bench" / "out"


def _phone_images() -> list[ReportImage]:
    """Sizes as phones deliver them after the pipeline's normalisation."""
    return [
        ReportImage(ImageKind.DOCUMENT_FRONT, make_jpeg("FRONT", (1600, 1000), 0), "Netherlands - Passport"),
        ReportImage(ImageKind.DOCUMENT_BACK, make_jpeg("BACK", (1600, 1000), 1), "Side B"),
        ReportImage(ImageKind.PORTRAIT, make_jpeg("PORTRAIT", (420, 540), 2)),
        ReportImage(ImageKind.SELFIE, make_jpeg("SELFIE", (1280, 720), 3)),
    ]


def _median(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    fn()  # warm-up: fonts registered, modules imported
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # pyHanko notes that fetching is off for B-LT; not news here

    pki = make_pki()
    identity = load_identity_pem(pki.seal.cert_pem + pki.root.cert_pem, pki.seal.key_pem)
    source = dataclasses.replace(make_source(redact=()), images=_phone_images())
    generated = T0 + dt.timedelta(minutes=5)

    def simple() -> bytes:
        return render_pdf(build_report(source, ReportKind.SIMPLE, generated=generated))

    def extended() -> bytes:
        return render_pdf(build_report(source, ReportKind.EXTENDED, generated=generated))

    rows: list[tuple[str, float, float, float | None, int]] = []
    with running_tsa(pki) as url, HttpTimestampClient(url, timeout_seconds=5) as tsa:
        sealed = seal(extended(), identity).data
        cases: list[tuple[str, Callable[[], object], float | None, int]] = [
            ("simple report (build + render)", simple, 0.3, len(simple())),
            ("extended, 4 images, render only", extended, None, len(extended())),
            ("extended, 4 images, sealed B-B", lambda: seal(extended(), identity), 1.0, len(sealed)),
            (
                "extended, 4 images, sealed B-T (local TSA)",
                lambda: seal(extended(), identity, tsa=tsa),
                1.0,
                len(seal(extended(), identity, tsa=tsa).data),
            ),
            (
                "verify a sealed extended report",
                lambda: verify(sealed, [pki.root.cert_pem]),
                None,
                len(sealed),
            ),
        ]
        for name, fn, goal, size in cases:
            median, worst = _median(fn, args.runs)
            rows.append((name, median, worst, goal, size))

    machine = platform.processor() or platform.machine()
    print(f"\nAudit reports, median of {args.runs} runs (fonts: {report_fonts().family}), {machine}")
    header = ("case", "median s", "max s", "goal s", "PDF KiB", "ok")
    print("{:<44} {:>9} {:>8} {:>7} {:>8} {:>4}".format(*header))
    for name, median, worst, goal, size in rows:
        ok = "" if goal is None else ("yes" if median <= goal else "NO")
        goal_text = "" if goal is None else f"{goal:.1f}"
        print(f"{name:<44} {median:>9.3f} {worst:>8.3f} {goal_text:>7} {size / 1024:>8.0f} {ok:>4}")
    OUT.mkdir(parents=True, exist_ok=True)
    result = {
        "runs": args.runs,
        "fonts": report_fonts().family,
        "cases": [
            {"case": n, "median_s": round(m, 4), "max_s": round(w, 4), "goal_s": g, "pdf_bytes": s}
            for n, m, w, g, s in rows
        ],
    }
    (OUT / "reports.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {OUT / 'reports.json'}")


if __name__ == "__main__":
    main()
