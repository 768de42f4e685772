"""The EU driving-licence family of `bench/documents.py`: generated cards (Directive 2006/126/EC card
model, one row per member-state style and photographic level), front and back read as one two-sided
attempt, as the service reads them.

Per row: classification as `driving_license`, and per field of the ground truth exact / wrong /
missing. Wrong is a returned value that differs from the truth (or a value where the card prints
none); missing is no value, which is also what a field the reader does not return yet shows
(`categories`, the one-line zone and the fields read from it, source `mrz`). Names compare in their
Latin form (`MÜLLER` = `MULLER`), numbers without blanks, dates as ISO days.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from typing import Any

from tests.documents.synth import LEVELS, _face, photograph
from tests.documents.synth.eu_licence import STATES, EuCard, make_eu_licence, zone_name

from idscan.documents.countries import normalise_code
from idscan.documents.fields import latin
from idscan.documents.mrz import visual_confirms
from idscan.documents.ocr import Detector
from idscan.documents.reader import read_document
from idscan.documents.reading import DocumentReading, ReadParams
from idscan.documents.rules import DocumentRules
from idscan.engines import shared_engines

FIELDS = (
    "document_number",
    "surname",
    "given_names",
    "date_of_birth",
    "place_of_birth",
    "date_of_issue",
    "date_of_expiry",
    "issuing_country",
    "personal_number",
    "categories",
    "zone",
    "zone:document_number",
    "zone:date_of_expiry",
    "zone:surname",
)
# the front's fields, which the reader reads today (the table's "fields exact")
PRINTED = tuple(f for f in FIELDS if f not in ("categories", "zone") and not f.startswith("zone:"))
OUTCOMES = ("exact", "wrong", "missing")


def zone_truth(card: EuCard) -> dict[str, Any]:
    """What the one-line zone holds, per `licence_mrz`'s layouts: the values a reader gives source `mrz`."""
    lic = card.licence
    if lic.zone is None:
        return {}
    found: dict[str, Any] = {"zone:document_number": lic.document_number}
    if lic.state == "FRA":
        found["zone:date_of_expiry"] = lic.date_of_expiry.isoformat()
        found["zone:surname"] = zone_name(lic.surname)[:8].rstrip("<").replace("<", " ")
    return found


def truth(card: EuCard) -> dict[str, Any]:
    return {**card.licence.truth(), **zone_truth(card)}


def _categories(reading: DocumentReading) -> Any:
    """The reader's categories as a list of {category, valid_from, valid_until}, or None."""
    field = reading.field("categories")
    return [dict(i) for i in field.items] if field else None


def returned(reading: DocumentReading, name: str) -> Any:
    """The reader's value for a ground-truth field, None when it returns none."""
    if name == "categories":
        return _categories(reading)
    if name == "zone":
        return "".join(reading.mrz_lines) or None
    if name == "issuing_country":
        field = reading.field("issuing_country")
        return reading.issuing_country or (field.value() if field else None)
    if name.startswith("zone:"):
        field = reading.field(name.removeprefix("zone:"))
        return field.value("mrz") if field else None
    field = reading.field(name)
    return field.value() if field else None


def same(name: str, got: Any, want: Any) -> bool:
    if name == "categories":

        def rows(v: Any) -> list[tuple[Any, ...]]:
            return sorted((c.get("category"), c.get("valid_from"), c.get("valid_until")) for c in v)

        try:
            return rows(got) == rows(want)
        except (AttributeError, TypeError):
            return False
    if not isinstance(got, str):
        return False
    if name == "issuing_country":  # ICAO writes Germany `D`
        return {"D": "DEU"}.get(normalise_code(got), got) == want
    base = name.removeprefix("zone:")
    if base in ("surname", "given_names", "place_of_birth"):
        # or the ICAO transliteration a zone writes (MÜLLER as MUELLER)
        return latin(got).replace("-", " ") == latin(want).replace("-", " ") or visual_confirms(
            base, got, want
        )
    if base in ("document_number", "personal_number", "zone"):
        return got.replace(" ", "") == want.replace(" ", "")
    return bool(got == want)


class EuTally:
    def __init__(self, state: str, level: str) -> None:
        self.name = f"eu-{state}-{level}"
        self.state, self.level = state, level
        self.cards = 0
        self.classified = 0
        self.fields: dict[str, Counter[str]] = defaultdict(Counter)
        self.codes: Counter[str] = Counter()
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.failures: list[dict[str, Any]] = []

    def add(self, card: EuCard, reading: DocumentReading, wall: float, cpu: float, tag: str) -> None:
        self.cards += 1
        self.wall.append(wall)
        self.cpu.append(cpu)
        self.codes[reading.code] += 1
        self.classified += reading.document_type == "driving_license"
        want_all = truth(card)
        wrong: dict[str, Any] = {}
        missing: list[str] = []
        for name in FIELDS:
            want, got = want_all.get(name), returned(reading, name)
            if want is None and got is None:
                continue  # the card prints no such value and none was returned
            if got is None:
                self.fields[name]["missing"] += 1
                missing.append(name)
            elif want is not None and same(name, got, want):
                self.fields[name]["exact"] += 1
            else:
                self.fields[name]["wrong"] += 1
                wrong[name] = {"truth": want, "read": got}
        printed_missing = [n for n in missing if n in PRINTED]
        if wrong or printed_missing or reading.code != "accepted":
            self.failures.append(
                {"item": tag, "code": reading.code, "wrong": wrong, "missing": printed_missing}
            )

    def row(self) -> dict[str, Any]:
        def pct(a: int, b: int) -> str:
            return f"{a}/{b} ({100 * a / b:.1f}%)" if b else "-"

        totals = Counter[str]()
        for name in PRINTED:
            totals.update(self.fields[name])
        scored = sum(totals.values())
        wall = sorted(self.wall)
        return {
            "set": self.name,
            "state": self.state,
            "level": self.level,
            "cards": self.cards,
            "classification": pct(self.classified, self.cards),
            "printed_fields_exact": pct(totals["exact"], scored),
            "printed_fields_wrong": totals["wrong"],
            "printed_fields_missing": totals["missing"],
            "per_field": {name: {o: self.fields[name][o] for o in OUTCOMES} for name in FIELDS},
            "codes": dict(self.codes.most_common()),
            "median_s_per_card": round(statistics.median(wall), 2) if wall else None,
            "p95_s_per_card": round(wall[int(0.95 * (len(wall) - 1))], 2) if wall else None,
            "median_cpu_s_per_card": round(statistics.median(self.cpu), 2) if self.cpu else None,
        }


def run_eu(count: int, states: tuple[str, ...] = STATES, detector: Detector = "onnxruntime") -> list[EuTally]:
    """`count` cards per member-state style and level, front then back, read as one attempt."""
    tallies = []
    for si, state in enumerate(STATES):
        if state not in states:
            continue
        for li, level in enumerate(LEVELS):
            tally = EuTally(state, level)
            for i in range(count):
                seed = 70_000 + 1_000 * si + 100 * li + i
                card = make_eu_licence(seed, state=state, face=_face(seed))
                rng = random.Random(seed)
                front = photograph(card.front.image, level, rng).data
                back = photograph(card.back.image, level, rng).data
                today = card.licence.date_of_issue + dt.timedelta(days=30)  # valid that day
                params = ReadParams(today=today, rules=DocumentRules(today=today))
                t0, c0 = time.perf_counter(), time.process_time()
                reading = read_document(front, back, params, shared_engines(2, ocr_detector=detector))
                wall, cpu = time.perf_counter() - t0, time.process_time() - c0
                tally.add(card, reading, wall, cpu, f"{state}:{level}:{seed}")
                print(f"  eu {state} {level} {seed}: {reading.code} {wall:.2f}s", file=sys.stderr)
            tallies.append(tally)
    return tallies


def print_eu_table(rows: list[dict[str, Any]]) -> None:
    cols = [
        ("set", 14),
        ("cards", 5),
        ("classification", 14),
        ("printed_fields_exact", 18),
        ("printed_fields_wrong", 5),
        ("printed_fields_missing", 7),
        ("median_s_per_card", 6),
        ("p95_s_per_card", 6),
        ("median_cpu_s_per_card", 7),
    ]
    heads = ["set", "cards", "as licence", "fields exact", "wrong", "missing", "med s", "p95 s", "med cpu"]
    widths = [max(w, len(h)) for (_, w), h in zip(cols, heads, strict=True)]
    print(" | ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(row[c]).ljust(w) for (c, _), w in zip(cols, widths, strict=True)))
    print("(fields: the printed ones of the ground truth, 4d where printed; categories and zone below)")
    print()
    # per style over all levels: exact/wrong/missing per field, `-` where no card of the style has it
    by_state: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for row in rows:
        for name, counts in row["per_field"].items():
            by_state[row["state"]][name].update(counts)
    short = {
        "document_number": "number",
        "given_names": "given",
        "date_of_birth": "birth",
        "place_of_birth": "place",
        "date_of_issue": "issue",
        "date_of_expiry": "expiry",
        "issuing_country": "country",
        "personal_number": "4d",
        "categories": "categ",
        "zone:document_number": "z:number",
        "zone:date_of_expiry": "z:expiry",
        "zone:surname": "z:surname",
    }
    names = [short.get(f, f) for f in FIELDS]
    print("exact/wrong/missing per field and style (all levels)")
    print(" | ".join(["style".ljust(5), *(n.ljust(9) for n in names)]))
    for state, fields in by_state.items():
        cells = []
        for name in FIELDS:
            c = fields[name]
            cells.append(f"{c['exact']}/{c['wrong']}/{c['missing']}" if sum(c.values()) else "-")
        print(" | ".join([state.ljust(5), *(cell.ljust(9) for cell in cells)]))
    print()
    for row in rows:
        print(f"{row['set']} codes: " + ", ".join(f"{k} {v}" for k, v in row["codes"].items()))
