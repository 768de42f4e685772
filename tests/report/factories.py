"""`make_*` factories for report tests and the benchmark: a result dict shaped like spec section 3,
the transaction's settings, attempts and synthetic JPEG images (no real person in them)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from PIL import Image, ImageDraw

from idscan.report.model import Attempt, ImageKind, ReportImage, ReportSource

T0 = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)

# Values that must never appear in a report when redacted.
PERSONAL_NUMBER = "999999990"
DOCUMENT_NUMBER = "SPECI2021"
MRZ = "P<NLDDE<BRUIJN<<WILLEKE<LISELOTTE<<<<<<<<<<<\nSPECI20212NLD6503101F2401151999999990<<<<<82"


def make_result(*, face: bool = True, state: str = "completed") -> dict[str, Any]:
    fields = [
        {
            "field": "document_type",
            "validity": "valid",
            "comparison": "match",
            "locale": None,
            "values": [{"source": "mrz", "value": "passport"}, {"source": "visual", "value": "passport"}],
        },
        {
            "field": "document_number",
            "validity": "valid",
            "comparison": "match",
            "locale": None,
            "values": [
                {"source": "mrz", "value": DOCUMENT_NUMBER},
                {"source": "visual", "value": DOCUMENT_NUMBER},
            ],
        },
        {
            "field": "issuing_country",
            "validity": "valid",
            "comparison": "match",
            "locale": None,
            "values": [{"source": "mrz", "value": "Netherlands"}],
        },
        {
            "field": "issuing_country_code",
            "validity": "valid",
            "comparison": "not_performed",
            "locale": None,
            "values": [{"source": "mrz", "value": "NLD"}],
        },
        {
            "field": "nationality",
            "validity": "valid",
            "comparison": "not_performed",
            "locale": "nl-NL",
            "values": [{"source": "visual", "value": "Nederlandse"}],
        },
        {
            "field": "surname",
            "validity": "valid",
            "comparison": "match",
            "locale": None,
            "values": [{"source": "mrz", "value": "DE BRUIJN"}, {"source": "visual", "value": "De Bruijn"}],
        },
        {
            "field": "given_names",
            "validity": "valid",
            "comparison": "match",
            "locale": None,
            "values": [
                {"source": "mrz", "value": "WILLEKE LISELOTTE"},
                {"source": "visual", "value": "Willeke Liselotte"},
            ],
        },
        {
            "field": "date_of_birth",
            "validity": "valid",
            "comparison": "match",
            "locale": None,
            "values": [{"source": "mrz", "value": "1965-03-10"}],
        },
        {
            "field": "date_of_expiry",
            "validity": "valid",
            "comparison": "match",
            "locale": None,
            "values": [{"source": "mrz", "value": "2034-01-15"}],
        },
        {
            "field": "personal_number",
            "validity": "valid",
            "comparison": "match",
            "locale": None,
            "values": [
                {"source": "mrz", "value": PERSONAL_NUMBER},
                {"source": "visual", "value": PERSONAL_NUMBER},
            ],
        },
        {
            "field": "optional_data",
            "validity": "not_checked",
            "comparison": "not_performed",
            "locale": None,
            "values": [{"source": "mrz", "value": PERSONAL_NUMBER}],
        },
        {
            "field": "mrz",
            "validity": "valid",
            "comparison": "not_performed",
            "locale": None,
            "values": [{"source": "mrz", "value": MRZ}],
        },
    ]
    tasks: list[dict[str, Any]] = [
        {
            "type": "document_scan",
            "state": "completed",
            "attempts": 2,
            "score": 0.98,
            "result": fields,
            "files": [
                {"category": "document", "type": "passport", "name": "Netherlands - Passport", "score": 0.98},
                {"category": "image", "type": "portrait"},
            ],
        },
    ]
    if face:
        tasks += [
            {
                "type": "face_liveness",
                "state": "completed",
                "attempts": 1,
                "score": 0.97,
                "threshold": 0.8,
                "passed": True,
            },
            {
                "type": "face_match",
                "state": "failed" if state == "failed" else "completed",
                "score": 0.91,
                "threshold": 0.5,
                "passed": state != "failed",
            },
        ]
    return {"id": "tx_01JDQ8Z5K3M8Y6F2W9R4T7V0AB", "state": "completed", "tasks": tasks}


def make_jpeg(label: str, size: tuple[int, int] = (1000, 700), seed: int = 0) -> bytes:
    image = Image.new("RGB", size, (220 - seed * 10, 228, 236))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, size[0] - 20, size[1] - 20), outline=(40, 60, 90), width=6)
    draw.ellipse((60, 100, 60 + size[1] // 2, 100 + size[1] // 2), fill=(150, 120, 100))
    draw.text((size[0] // 2, size[1] // 3), label, fill=(20, 30, 40))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def make_images() -> list[ReportImage]:
    return [
        ReportImage(ImageKind.DOCUMENT_FRONT, make_jpeg("FRONT", seed=0), "Netherlands - Passport"),
        ReportImage(ImageKind.DOCUMENT_BACK, make_jpeg("BACK", seed=1), "Netherlands - Passport Side B"),
        ReportImage(ImageKind.PORTRAIT, make_jpeg("PORTRAIT", (420, 540), seed=2)),
        ReportImage(ImageKind.SELFIE, make_jpeg("SELFIE", (640, 480), seed=3)),
    ]


def make_attempts() -> list[Attempt]:
    return [
        Attempt("document_scan", T0 + dt.timedelta(minutes=1), "image_too_blurry", 0.41, "camera"),
        Attempt("document_scan", T0 + dt.timedelta(minutes=2), "accepted", 0.98, "camera"),
        Attempt("face_liveness", T0 + dt.timedelta(minutes=3), "accepted", 0.97, "camera"),
    ]


def make_source(
    *,
    locale: str = "en-US",
    redact: tuple[str, ...] = ("personal_number", "signature"),
    extract: tuple[str, ...] | None = None,
    state: str = "completed",
) -> ReportSource:
    scan: dict[str, Any] = {
        "allowedExpiration": 0,
        "redactFields": list(redact),
        "captureSources": ["camera", "file"],
        "level": "advanced",
        "minimumAge": 16,
        "maximumAge": None,
        "validateFields": ["personal_number"],
    }
    if extract is not None:
        scan["extractFields"] = list(extract)
    return ReportSource(
        account_name="Shop Example B.V.",
        transaction_id="tx_01JDQ8Z5K3M8Y6F2W9R4T7V0AB",
        result_id="rs_01JDQ9A1B2C3D4E5F6G7H8J9KM",
        locale=locale,
        created=T0,
        completed=T0 + dt.timedelta(minutes=4),
        expires=T0 + dt.timedelta(hours=1),
        tasks=["document_scan", "face_liveness", "face_match"],
        settings={"documentScan": scan},
        result=make_result(state=state),
        attempts=make_attempts(),
        images=make_images(),
    )
