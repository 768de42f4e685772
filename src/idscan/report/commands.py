"""`idscan report verify FILE.pdf [--trust CERT]...`: is a report's seal intact, valid and trusted?

Exit status: 0 = intact and valid (and trusted, when --trust was given); 1 = not; 2 = bad input.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from idscan.report.seal import verify


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = subparsers.add_parser("report", help="audit reports")
    sub = report.add_subparsers(dest="report_command", required=True)
    check = sub.add_parser("verify", help="check the seal of an extended report")
    check.add_argument("file", type=Path, help="the PDF report")
    check.add_argument(
        "--trust",
        type=Path,
        action="append",
        default=[],
        help="a trusted root or seal certificate (PEM or DER); may be repeated",
    )
    check.set_defaults(func=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    try:
        pdf = args.file.read_bytes()
        roots = [path.read_bytes() for path in args.trust]
    except OSError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    # pyHanko logs every failed path search with a traceback; the verdict below says it plainly.
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    try:
        status = verify(pdf, roots)
    except ValueError as exc:  # a --trust file that holds no certificate
        sys.stderr.write(f"error: --trust: {exc}\n")
        return 2
    if status.signer is None:
        if b"/ByteRange" not in pdf:
            # No signature dictionary at all: a simple report, which is never sealed.
            print(f"{args.file}: this report is not sealed (only extended reports carry a seal)")
        else:
            print(f"{args.file}: the seal cannot be read: the file was changed after sealing")
        return 1

    def yes(flag: bool) -> str:
        return "yes" if flag else "NO"

    trusted = yes(status.trusted) if roots else "unknown (no --trust given)"
    print(f"file:      {args.file}")
    print(f"intact:    {yes(status.intact)}")
    print(f"valid:     {yes(status.valid)}")
    print(f"trusted:   {trusted}")
    print(f"sealed by: {status.signer}")
    print(f"sealed at: {status.signed_at.isoformat() if status.signed_at else 'unknown'}")
    print(f"level:     PAdES {status.level}" if status.level else "level:     unknown")
    ok = status.intact and status.valid and (status.trusted or not roots)
    return 0 if ok else 1
