"""Real US driving-licence fronts (`shared/fixtures/dl/`, a development set) read one by one, as a
first upload: each front alone, as the service reads it.

The synthetic rows of `bench/documents_us.py` draw every card in one layout; these are specimens of
15 states, each in its own. Per field: exact / total (the fields the ground truth records), wrong
(a value read that differs from the print: the number that must stay at 0, since a front's value
is what the barcode is compared with), and the fields read where the truth records none. Per photo:
what the reader classified, its attempt code (a front alone must ask for the back:
`front_side_provided_back_side_required`), and the seconds it took.

`python bench/documents_us_fixtures.py` prints the table; `bench/documents.py --us-fixtures` adds
the rows to its report. Skipped, with a message, when `../shared/fixtures/dl` is absent.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.documents.synth import fixtures_dir

from idscan.documents.ocr import Detector
from idscan.documents.reader import read_document
from idscan.documents.reading import DocumentReading, ReadParams
from idscan.documents.rules import DocumentRules
from idscan.engines import shared_engines

# the ground truth's key -> the result field it is compared with
FIELDS = {
    "surname": "surname",
    "given_names": "given_names",
    "date_of_birth_iso": "date_of_birth",
    "date_of_issue_iso": "date_of_issue",
    "date_of_expiry_iso": "date_of_expiry",
    "licence_number": "document_number",
    "sex": "sex",
}
WANTED_CODE = "front_side_provided_back_side_required"
WANTED_TYPE = "driving_license"


def same(name: str, got: str, want: str) -> bool:
    """Exact, up to what printing does not decide: case, runs of blanks and, in a licence number,
    its blanks and hyphens (`S514-172-80-844-0` is `S514172808440` in the barcode)."""
    if name == "document_number":
        return re.sub(r"[\s-]", "", got.upper()) == re.sub(r"[\s-]", "", want.upper())
    return " ".join(got.upper().split()) == " ".join(want.upper().split())


def read_fixtures(root: Path, detector: Detector = "onnxruntime") -> dict[str, Any]:
    truth = json.loads((root / "dl" / "ground_truth.json").read_text(encoding="utf-8"))
    today = dt.datetime.now(dt.UTC).date()
    params = ReadParams(today=today, rules=DocumentRules(today=today))
    engines = shared_engines(2, ocr_detector=detector)
    exact: Counter[str] = Counter()
    total: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    extra: Counter[str] = Counter()
    photos: list[dict[str, Any]] = []
    for item in truth["dl"]:
        if item.get("side") != "front":
            continue
        data = (root / item["file"]).read_bytes()
        t0 = time.perf_counter()
        reading = read_document(data, None, params, engines)
        secs = time.perf_counter() - t0
        got = _values(reading)
        per: dict[str, str] = {}
        for key, name in FIELDS.items():
            want = item["fields"].get(key)
            value = got.get(name)
            if want is None:
                if value is not None:
                    extra[name] += 1
                    per[name] = f"?{value}"
                continue
            total[name] += 1
            if value is None:
                per[name] = "-"
            elif same(name, value, want):
                exact[name] += 1
                per[name] = "ok"
            else:
                wrong[name] += 1
                per[name] = f"WRONG {value!r} (printed {want!r})"
        photos.append(
            {
                "file": Path(item["file"]).name,
                "kind": item.get("kind"),
                "document_type": reading.document_type,
                "code": str(reading.code),
                "seconds": round(secs, 2),
                "fields": per,
            }
        )
        print(f"  {Path(item['file']).name}: {reading.code} {secs:.2f}s", file=sys.stderr)
    secs = sorted(p["seconds"] for p in photos)
    n = len(photos)
    return {
        "set": "us-fixtures",
        "photos": n,
        "per_field": {
            name: {"exact": exact[name], "total": total[name], "wrong": wrong[name], "extra": extra[name]}
            for name in FIELDS.values()
        },
        "fields_exact": f"{sum(exact.values())}/{sum(total.values())}",
        "wrong": sum(wrong.values()),
        "classified_driving_license": f"{sum(p['document_type'] == WANTED_TYPE for p in photos)}/{n}",
        "codes": dict(Counter(p["code"] for p in photos).most_common()),
        "right_code": f"{sum(p['code'] == WANTED_CODE for p in photos)}/{n}",
        "median_s_per_photo": round(statistics.median(secs), 2) if secs else None,
        "max_s_per_photo": secs[-1] if secs else None,
        "photo_rows": photos,
    }


def _values(reading: DocumentReading) -> dict[str, str]:
    """The printed value the reader gives each field (a front alone has no other source)."""
    out = {}
    for name in FIELDS.values():
        field = reading.field(name)
        value = field.value("visual") if field else None
        if value:
            out[name] = value
    return out


def print_fixture_table(row: dict[str, Any]) -> None:
    print(f"US driving-licence fronts (shared/fixtures/dl), {row['photos']} photos, each read alone")
    print(f"{'field':<15} | {'exact/total':<11} | {'wrong':<5} | read, not in truth")
    print("-" * 16 + "+" + "-" * 13 + "+" + "-" * 7 + "+" + "-" * 20)
    for name, c in row["per_field"].items():
        print(f"{name:<15} | {str(c['exact']) + '/' + str(c['total']):<11} | {c['wrong']:<5} | {c['extra']}")
    print(f"{'all':<15} | {row['fields_exact']:<11} | {row['wrong']:<5} |")
    print()
    print(f"classified driving_license: {row['classified_driving_license']}")
    print(f"attempt code {WANTED_CODE}: {row['right_code']}; codes: {row['codes']}")
    print(f"seconds per photo: median {row['median_s_per_photo']}, max {row['max_s_per_photo']}")
    print()
    short = {"surname": "sur", "given_names": "given", "date_of_birth": "dob", "date_of_issue": "iss",
             "date_of_expiry": "exp", "document_number": "num", "sex": "sex"}  # fmt: skip
    print(
        f"{'photo':<26} {'kind':<6} {'type':<15} {'code':<38} {'s':>5}  "
        + " ".join(f"{v:<5}" for v in short.values())
    )
    for p in row["photo_rows"]:
        marks = [_mark(p["fields"].get(name)) for name in short]
        print(
            f"{p['file']:<26} {p['kind']:<6} {p['document_type']:<15} {p['code']:<38} {p['seconds']:>5}  "
            + " ".join(f"{m:<5}" for m in marks)
        )
    wrongs = [
        (p["file"], k, v) for p in row["photo_rows"] for k, v in p["fields"].items() if v.startswith("WRONG")
    ]
    for file, name, text in wrongs:
        print(f"  {file} {name}: {text}")


def _mark(state: str | None) -> str:
    if state is None:
        return "."  # not in the truth, not read
    if state.startswith("WRONG"):
        return "WRONG"
    if state.startswith("?"):
        return "?"  # read, the truth records nothing
    return state


def run_fixtures(detector: Detector = "onnxruntime") -> dict[str, Any] | None:
    root = fixtures_dir()
    if root is None or not (root / "dl" / "ground_truth.json").is_file():
        print(
            "shared/fixtures/dl not found beside the repository (or $IDSCAN_FIXTURES): "
            "US fixture rows skipped"
        )
        return None
    return read_fixtures(root, detector)


def main() -> int:
    row = run_fixtures()
    if row is None:
        return 0
    print_fixture_table(row)
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "documents_us_fixtures.json").write_text(json.dumps(row, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
