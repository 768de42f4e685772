"""PDF417 benchmark: generated US/Canadian backs photographed at each level, decoded as the reader
decodes them (the flattened card first, then the photo as taken), and parsed as AAMVA.

    .venv/bin/python bench/barcodes.py [--per-level N]

Prints a table and writes bench/out/barcodes.json. "exact" counts reads whose parsed record equals
the generated one; "wrong" counts reads that parsed to anything else (the dangerous number, which
PDF417's error correction should keep at 0).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.documents.synth import LEVELS, photograph
from tests.documents.synth.us_card import make_us_card
from tests.documents.test_aamva import expected

from idscan.documents.aamva import AamvaError, parse_aamva
from idscan.documents.barcode import read_pdf417
from idscan.documents.locate import locate

OUT = Path(__file__).resolve().parent / "out"


def run_level(level: str, count: int) -> dict[str, Any]:
    decoded = exact = wrong = 0
    variants: dict[str, int] = {}
    seconds: list[float] = []
    missed: list[int] = []
    for seed in range(10_000, 10_000 + count):
        card = make_us_card(seed)
        image = photograph(card.back.image, level, random.Random(seed)).image
        start = time.perf_counter()
        located = locate(image, 1280)
        found = read_pdf417(located.image, image) if located.found else read_pdf417(image)
        seconds.append(time.perf_counter() - start)
        if found is None:
            missed.append(seed)
            continue
        decoded += 1
        key = f"{'flat' if located.found and found.image == 0 else 'photo'}/{found.variant}"
        variants[key] = variants.get(key, 0) + 1
        try:
            record = parse_aamva(found.payload)
        except AamvaError:
            wrong += 1
            continue
        if record == expected(card.licence):
            exact += 1
        else:
            wrong += 1
    return {
        "level": level,
        "backs": count,
        "decoded": decoded,
        "decoded_pct": round(100 * decoded / count, 1),
        "exact": exact,
        "wrong": wrong,
        "med_s": round(statistics.median(seconds), 3),
        "max_s": round(max(seconds), 3),
        "variants": variants,
        "missed_seeds": missed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-level", type=int, default=200, help="backs per difficulty level")
    args = parser.parse_args()
    rows = [run_level(level, args.per_level) for level in LEVELS]
    cols = ("level", "backs", "decoded", "decoded_pct", "exact", "wrong", "med_s", "max_s")
    print(" | ".join(c.ljust(11) for c in cols))
    for row in rows:
        print(" | ".join(str(row[c]).ljust(11) for c in cols))
    for row in rows:
        print(f"{row['level']}: read by {row['variants']}; missed {row['missed_seeds'][:10]}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "barcodes.json").write_text(json.dumps({"rows": rows}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
