"""What the document engine returns: frozen, typed, and shaped for the result API (spec section 3)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from idscan.documents.codes import AttemptCode
from idscan.documents.ocr import RGBImage, TextLine
from idscan.documents.portrait import Portrait
from idscan.documents.rules import DocumentRules

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class ReadParams:
    """Everything the engine needs besides the images; built by the caller from transaction settings."""

    today: date
    rules: DocumentRules | None = None  # None: read only, apply no acceptance rules
    require_portrait: bool = False  # a face match will follow: a front without a portrait fails
    max_width: int = 1280  # of the flattened document
    # The work one side may take beyond its first page read: page re-reads (a quarter turn, a
    # deskew, the whole photo again) and single-field probes. Counted, not timed, so that a verdict
    # does not depend on how busy the machine is, and no photo makes a read run for tens of seconds.
    # What a skipped pass would have found is missing: the attempt is refused, never wrongly accepted.
    max_rereads: int = 3
    max_probes: int = 12
    # A side without an MRZ may be the back of a US or Canadian card: one bounded PDF417 search
    # (`barcode.read_pdf417`, about 250 ms when there is none).
    max_barcode_reads: int = 1


@dataclass(frozen=True)
class FieldValue:
    source: str  # mrz | visual | barcode
    value: str
    locale: str | None = None  # None: the Latin/MRZ form; else the national form's language

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "value": self.value, "locale": self.locale}


@dataclass(frozen=True)
class Field:
    field: str
    values: tuple[FieldValue, ...]
    validity: str = "not_checked"  # valid | invalid | not_checked
    comparison: str = "not_performed"  # match | mismatch | not_performed
    locale: str | None = None
    # structured entries of a list-valued field (a licence's categories with their dates): `values`
    # keep the plain string every client reads, `items` the parts
    items: tuple[Mapping[str, str | None], ...] = ()

    def value(self, source: str | None = None) -> str | None:
        """The Latin value from `source` (or the first one)."""
        for v in self.values:
            if (source is None or v.source == source) and v.locale is None:
                return v.value
        return next((v.value for v in self.values if source is None or v.source == source), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "validity": self.validity,
            "comparison": self.comparison,
            "locale": self.locale,
            "values": [
                {"source": v.source, "value": v.value} | ({"locale": v.locale} if v.locale else {})
                for v in self.values
            ],
        } | ({"items": [dict(i) for i in self.items]} if self.items else {})


@dataclass(frozen=True)
class Check:
    name: str  # e.g. mrz_check_digits, mrz_two_readers, visual_comparison, expiry, minimum_age
    passed: bool
    detail: str = ""


@dataclass(frozen=True)
class SideReading:
    """One uploaded image, flattened and upright, with where things are on it."""

    side: str  # front | back
    image: RGBImage
    located: bool  # a document outline was found (else the whole photo was read)
    fully_visible: bool
    quarter_turns: int  # counter-clockwise turns applied to make it upright
    lines: tuple[TextLine, ...]
    mrz_reads: tuple[tuple[str, ...], tuple[str, ...]]  # (RapidOCR, Tesseract), as read
    mrz_boxes: tuple[Box, ...]
    portrait: Portrait | None
    regions: Mapping[str, tuple[Box, ...]]  # field -> boxes on `image` (printed value, MRZ stretch)
    quality: tuple[AttemptCode, ...]  # quality issue codes found on the original photo
    homography: tuple[tuple[float, ...], ...] = ()  # 3x3: photo pixels -> `image` pixels
    skipped: tuple[str, ...] = ()  # optional passes the work budget cut (ReadParams.max_rereads, ...)


@dataclass(frozen=True)
class DocumentReading:
    code: AttemptCode  # the attempt code (API section 2)
    document_type: str
    issuing_country: str | None  # ICAO code
    file_name: str
    fields: tuple[Field, ...]
    checks: tuple[Check, ...]
    mrz_lines: tuple[str, ...]
    mrz_format: str | None
    mrz_accepted: bool  # check digits hold, readers agree, unchecked fields confirmed
    sides: tuple[SideReading, ...]
    score: float
    timings: Mapping[str, float] = field(default_factory=dict)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.field == name), None)

    @property
    def portrait(self) -> Portrait | None:
        return next((s.portrait for s in self.sides if s.portrait is not None), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (the CLI prints it; the API assembles its own view from the fields)."""
        portrait = self.portrait
        return {
            "code": self.code,
            "documentType": self.document_type,
            "issuingCountry": self.issuing_country,
            "name": self.file_name,
            "score": round(self.score, 3),
            "mrz": {"format": self.mrz_format, "lines": list(self.mrz_lines), "accepted": self.mrz_accepted},
            "result": [f.to_dict() for f in self.fields],
            "checks": [{"name": c.name, "passed": c.passed, "detail": c.detail} for c in self.checks],
            "sides": [
                {
                    "side": s.side,
                    "located": s.located,
                    "fullyVisible": s.fully_visible,
                    "quarterTurns": s.quarter_turns,
                    "quality": list(s.quality),
                }
                for s in self.sides
            ],
            "portrait": None if portrait is None else {"width": portrait.size[0], "height": portrait.size[1]},
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }
