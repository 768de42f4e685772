"""The US/Canadian licence family of `bench/documents.py`: generated cards (front + back with a real
PDF417), photographed at the three synthetic levels, read as the service reads them.

Per level: fields exact (the result's first value, from the barcode, against the generated record),
the printed front's values exact, classification (driving_license or identity_card), codes, and
the dangerous number: an accepted card with a result field that differs from the truth, or with a
barcode value the front contradicts without the comparison saying `mismatch`.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from typing import Any

from tests.documents.synth import LEVELS, photograph
from tests.documents.synth.us_card import UsCard, make_us_card

from idscan.documents.ocr import Detector
from idscan.documents.reader import read_document
from idscan.documents.reading import DocumentReading, ReadParams
from idscan.documents.rules import DocumentRules
from idscan.engines import shared_engines


def truth(card: UsCard) -> dict[str, str]:
    lic = card.licence
    return {
        "document_number": lic.document_number,
        "surname": lic.surname,
        "given_names": lic.given_names,
        "date_of_birth": lic.date_of_birth.isoformat(),
        "date_of_expiry": lic.date_of_expiry.isoformat(),
        "date_of_issue": lic.date_of_issue.isoformat(),
        "sex": lic.sex,
    }


class UsTally:
    def __init__(self, level: str) -> None:
        self.name = f"us-{level}"
        self.cards = 0
        self.fields: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # barcode value exact
        self.printed: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # front's value exact
        self.classified = 0
        self.codes: Counter[str] = Counter()
        self.wrong_accepted = 0
        self.seconds: list[float] = []
        self.failures: list[dict[str, Any]] = []

    def add(self, card: UsCard, reading: DocumentReading, secs: float, tag: str) -> None:
        self.cards += 1
        self.seconds += [secs / 2] * 2
        self.codes[reading.code] += 1
        self.classified += reading.document_type == card.document_type
        wrong = []
        for name, want in truth(card).items():
            field = reading.field(name)
            got = field.values[0].value if field else None
            self.fields[name][1] += 1
            self.fields[name][0] += got == want
            printed = field.value("visual") if field else None
            self.printed[name][1] += 1
            self.printed[name][0] += printed is not None and printed.replace("'", "") == want.replace("'", "")
            if got != want or (
                printed is not None
                and field is not None
                and printed != got
                and field.comparison != "mismatch"
            ):
                wrong.append(name)
        if reading.code == "accepted" and wrong:
            self.wrong_accepted += 1
        if wrong or reading.code != "accepted":
            self.failures.append({"item": tag, "code": reading.code, "fields": wrong})

    def row(self) -> dict[str, Any]:
        def pct(a: int, b: int) -> str:
            return f"{a}/{b} ({100 * a / b:.1f}%)" if b else "-"

        ok = sum(v[0] for v in self.fields.values())
        total = sum(v[1] for v in self.fields.values())
        printed_ok = sum(v[0] for v in self.printed.values())
        secs = sorted(self.seconds)
        return {
            "set": self.name,
            "cards": self.cards,
            "fields_exact": pct(ok, total),
            "fields_per_field": {k: pct(*v) for k, v in sorted(self.fields.items())},
            "printed_exact": pct(printed_ok, total),
            "classification": pct(self.classified, self.cards),
            "codes": dict(self.codes.most_common()),
            "wrong_but_accepted": self.wrong_accepted,
            "median_s_per_photo": round(statistics.median(secs), 2) if secs else None,
            "p95_s_per_photo": round(secs[int(0.95 * (len(secs) - 1))], 2) if secs else None,
        }


def run_us(count: int, detector: Detector = "onnxruntime") -> list[UsTally]:
    """`count` cards per level, front then back, read as one two-sided attempt."""
    tallies = []
    for li, level in enumerate(LEVELS):
        tally = UsTally(level)
        for i in range(count):
            seed = 50_000 + 1_000 * li + i
            card = make_us_card(seed)
            rng = random.Random(seed)
            front = photograph(card.front.image, level, rng).data
            back = photograph(card.back.image, level, rng).data
            today = card.licence.date_of_issue + dt.timedelta(days=30)  # valid that day
            params = ReadParams(today=today, rules=DocumentRules(today=today))
            t0 = time.perf_counter()
            reading = read_document(front, back, params, shared_engines(2, ocr_detector=detector))
            secs = time.perf_counter() - t0
            tally.add(card, reading, secs, f"{level}:{seed}")
            print(f"  us {level} {seed}: {reading.code} {secs:.2f}s", file=sys.stderr)
        tallies.append(tally)
    return tallies


def print_us_table(rows: list[dict[str, Any]]) -> None:
    cols = [
        ("set", 9),
        ("cards", 5),
        ("fields_exact", 18),
        ("printed_exact", 18),
        ("classification", 16),
        ("wrong_but_accepted", 9),
        ("median_s_per_photo", 9),
        ("p95_s_per_photo", 9),
    ]
    heads = ["set", "cards", "fields exact", "front exact", "classified", "wrong+acc", "med s/ph", "p95 s/ph"]
    widths = [max(w, len(h)) for (_, w), h in zip(cols, heads, strict=True)]
    print(" | ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(row[c]).ljust(w) for (c, _), w in zip(cols, widths, strict=True)))
    print()
    for row in rows:
        print(f"{row['set']} per field: " + ", ".join(f"{k} {v}" for k, v in row["fields_per_field"].items()))
        print(f"{row['set']} codes: " + ", ".join(f"{k} {v}" for k, v in row["codes"].items()))
