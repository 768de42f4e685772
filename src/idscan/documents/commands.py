"""`idscan document read FRONT [BACK]` and `idscan document batch PATH...`: the document engine
from the command line.

Exit status of `read`: 0 = accepted, 1 = read but not accepted (the attempt code says why), 2 = bad
input. `batch` reads many photos in one process (models loaded once) and prints one JSON line per
file; it exits 2 only when it finds no file to read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from PIL import Image

from idscan.documents.reader import read_document
from idscan.documents.reading import DocumentReading, ReadParams
from idscan.documents.redact import REDACTABLE, redact
from idscan.engines import shared_engines
from idscan.errors import UnsupportedImageError
from idscan.transactions.policy import DocumentScanPolicy
from idscan.transactions.schemas import DocumentScanSettings


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    document = subparsers.add_parser("document", help="read identity documents")
    sub = document.add_subparsers(dest="document_command", required=True)
    read = sub.add_parser("read", help="read a document photo (front, and back for two-sided cards)")
    read.add_argument("front", type=Path)
    read.add_argument("back", type=Path, nargs="?")
    read.add_argument("--settings", help="documentScan settings as JSON (or a path to a JSON file)")
    read.add_argument("--json", action="store_true", help="print JSON instead of text")
    read.add_argument("--redact", help="comma-separated fields to mask, e.g. personal_number,portrait")
    read.add_argument("--out", type=Path, help="write the flattened (and redacted) front image here")
    read.add_argument("--threads", type=int, default=2)
    read.add_argument("--today", type=dt.date.fromisoformat, help="scan date (default: today, UTC)")
    read.set_defaults(func=run_read)
    batch = sub.add_parser(
        "batch", help="read many photos in one process: one JSON line per file (verdict and timings)"
    )
    batch.add_argument("paths", type=Path, nargs="+", help="image files, or directories of them")
    batch.add_argument("--settings", help="documentScan settings as JSON (or a path to a JSON file)")
    batch.add_argument("--threads", type=int, default=2)
    batch.add_argument("--today", type=dt.date.fromisoformat, help="scan date (default: today, UTC)")
    batch.set_defaults(func=run_batch)


# The API's default upload limit: a larger file is refused before it is read into memory.
MAX_PHOTO_BYTES = 20 * 1024 * 1024


def read_photo(path: Path) -> bytes:
    """The file's bytes; ValueError for one over MAX_PHOTO_BYTES (checked before reading it)."""
    size = path.stat().st_size
    if size > MAX_PHOTO_BYTES:
        raise ValueError(f"{path} has {size} bytes; a photo may have at most {MAX_PHOTO_BYTES}")
    return path.read_bytes()


# What a directory given to `batch` contributes: the photo formats the service accepts.
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".tif", ".tiff", ".bmp"})


def policy_from(raw: str | None) -> DocumentScanPolicy:
    """The `documentScan` settings given on the command line, checked as the API checks them."""
    if not raw:
        return DocumentScanPolicy()
    text = Path(raw).read_text(encoding="utf-8") if Path(raw).is_file() else raw
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("--settings must be a JSON object")
    scan = DocumentScanSettings.model_validate(data.get("documentScan", data))
    return DocumentScanPolicy.from_settings({"documentScan": scan.model_dump(mode="json", by_alias=True)})


def run_read(args: argparse.Namespace) -> int:
    today = args.today or dt.datetime.now(dt.UTC).date()
    try:
        policy = policy_from(args.settings)
        rules = policy.document_rules(today)
        redact_fields = [f for f in (args.redact or "").split(",") if f] or list(policy.redact_fields)
        unknown = set(redact_fields) - REDACTABLE
        if unknown:
            raise ValueError(f"cannot redact {sorted(unknown)}; choose from {sorted(REDACTABLE)}")
        front = read_photo(args.front)
        back = read_photo(args.back) if args.back else None
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    params = ReadParams(today=today, rules=rules)
    try:
        reading = read_document(front, back, params, shared_engines(args.threads))
    except UnsupportedImageError as exc:
        sys.stderr.write(f"unsupported_file: {exc}\n")
        return 2
    if args.out:
        write_images(reading, redact_fields, args.out)
    out = reading.to_dict() if args.json else None
    sys.stdout.write((json.dumps(out, indent=2, ensure_ascii=False) if out else as_text(reading)) + "\n")
    return 0 if reading.code == "accepted" else 1


def photo_files(paths: list[Path]) -> Iterator[Path]:
    """Each file as given, and each photo in a directory (recursively, in name order)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES
            )
        else:
            yield path


def run_batch(args: argparse.Namespace) -> int:
    today = args.today or dt.datetime.now(dt.UTC).date()
    try:
        params = ReadParams(today=today, rules=policy_from(args.settings).document_rules(today))
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    engines = shared_engines(args.threads)
    count = 0
    for path in photo_files(args.paths):
        count += 1
        line: dict[str, object] = {"file": str(path)}
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            reading = read_document(read_photo(path), None, params, engines)
        except (UnsupportedImageError, ValueError) as exc:
            line |= {"code": "unsupported_file", "error": str(exc)}
        except OSError as exc:
            line |= {"code": None, "error": f"{type(exc).__name__}: {exc.strerror or exc}"}
        else:
            line |= {
                "code": reading.code.value,
                "documentType": reading.document_type,
                "issuingCountry": reading.issuing_country,
                "mrz": {
                    "format": reading.mrz_format,
                    "lines": list(reading.mrz_lines),
                    "accepted": reading.mrz_accepted,
                },
                "timings": {k: round(v, 3) for k, v in reading.timings.items()},
                "skipped": [step for side in reading.sides for step in side.skipped],
            }
        # CPU-s counts every thread of the process (the models' own threads too).
        line |= {"wallS": round(time.perf_counter() - wall, 3), "cpuS": round(time.process_time() - cpu, 3)}
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    if count == 0:
        sys.stderr.write("error: no photo found in the given paths\n")
        return 2
    return 0


def write_images(reading: DocumentReading, fields: list[str], out: Path) -> None:
    """The front to `out`; a back side beside it as `<stem>.back<suffix>`."""
    for i, side in enumerate(reading.sides):
        image = redact(side.image, side.regions, fields)
        target = out if i == 0 else out.with_name(f"{out.stem}.back{out.suffix}")
        Image.fromarray(image).save(target)


def as_text(reading: DocumentReading) -> str:
    rows = [
        f"code:       {reading.code}",
        f"document:   {reading.file_name} ({reading.document_type})",
        f"mrz:        {reading.mrz_format or '-'} {'accepted' if reading.mrz_accepted else 'not accepted'}",
        *(f"            {line}" for line in reading.mrz_lines),
        "fields:",
    ]
    for f in reading.fields:
        if f.field == "mrz":
            continue
        values = "; ".join(f"{v.source}{'/' + v.locale if v.locale else ''}={v.value}" for v in f.values)
        rows.append(f"  {f.field:<22} {f.validity:<11} {f.comparison:<13} {values}")
    rows.append("checks:")
    rows += [f"  {'ok  ' if c.passed else 'FAIL'} {c.name} {c.detail}".rstrip() for c in reading.checks]
    portrait = reading.portrait
    rows.append(f"portrait:   {f'{portrait.size[0]}x{portrait.size[1]} px' if portrait else 'not found'}")
    rows.append("timings:    " + ", ".join(f"{k} {v:.2f}s" for k, v in reading.timings.items()))
    return "\n".join(rows)
