"""Synthetic identity documents with exact ground truth, for tests and `bench/documents.py`.

    doc = make_document(seed=7, kind="passport")        # flat sides + truth
    photo = photograph(doc.sides[0].image, "medium", random.Random(7))

Needs the OCR-B font (Debian `fonts-ocr-b`) and DejaVu; portraits come from the shared fixture faces
when present (else a plain grey box, so anything that needs a face must skip).
"""

from __future__ import annotations

import os
import random
from functools import lru_cache
from pathlib import Path

from PIL import Image

from .camera import LEVELS, Photo, photograph, warp_box
from .identity import COUNTRIES, Identity, check_digit, mrz_lines, random_identity
from .labels import DATE_STYLES
from .render import (
    OCRB,
    Document,
    FontMissingError,
    Side,
    render_driving_license,
    render_td1,
    render_td2,
    render_td3,
)

__all__ = [
    "COUNTRIES",
    "DATE_STYLES",
    "KINDS",
    "LEVELS",
    "OCRB",
    "Document",
    "FontMissingError",
    "Identity",
    "Photo",
    "Side",
    "check_digit",
    "fixtures_dir",
    "make_document",
    "mrz_lines",
    "photograph",
    "warp_box",
]

KINDS = ("passport", "identity_card", "residence_permit", "td2_identity_card", "driving_license")


def fixtures_dir() -> Path | None:
    env = os.environ.get("IDSCAN_FIXTURES")
    path = Path(env) if env else Path(__file__).resolve().parents[4] / "shared" / "fixtures"
    return path if path.is_dir() else None


@lru_cache(maxsize=64)
def _face(index: int) -> Image.Image | None:
    root = fixtures_dir()
    if root is None:
        return None
    files = sorted((root / "faces").glob("*.*"))
    if not files:
        return None
    with Image.open(files[index % len(files)]) as img:
        return _passport_framing(img.convert("RGB"))


def _passport_framing(img: Image.Image) -> Image.Image:
    """Crop a snapshot to a passport photo: the face about 70 % of the height (ICAO 9303 part 3)."""
    import cv2
    import numpy as np

    from idscan.lib import model_files

    rgb = np.asarray(img)
    scale = min(1.0, 640 / max(rgb.shape[:2]))
    small = cv2.resize(rgb, (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale)))
    net = cv2.FaceDetectorYN.create(str(model_files.verified_path(model_files.YUNET)), "", small.shape[1::-1])
    found = net.detect(cv2.cvtColor(small, cv2.COLOR_RGB2BGR))[1]
    if found is None:
        return img
    x, y, w, h = (float(v) / scale for v in max(found, key=lambda r: r[2] * r[3])[:4])
    ch = h / 0.62
    cw = ch * 35 / 45
    cx, cy = x + w / 2, y + h / 2 + 0.02 * ch
    box = (cx - cw / 2, cy - 0.5 * ch, cx + cw / 2, cy + 0.5 * ch)
    canvas = Image.new("RGB", (round(cw), round(ch)), (225, 225, 222))  # plain backdrop where the shot ends
    canvas.paste(img.crop(tuple(round(v) for v in box)), (0, 0))
    return canvas


def make_document(
    seed: int,
    kind: str | None = None,
    country: str | None = None,
    date_style: str | None = None,
    with_face: bool = True,
) -> Document:
    """A random document of `kind` (see KINDS); same seed, same document."""
    rng = random.Random(seed)
    kind = kind or rng.choice(KINDS)
    doc_kind = "identity_card" if kind == "td2_identity_card" else kind
    if kind == "td2_identity_card" and country is None:
        # a French 2 x 36 "IDFRA" MRZ is the 1994 national card layout, not ICAO TD2: never draw one
        country = rng.choice([c for c in COUNTRIES if c != "FRA"])
    ident = random_identity(rng, doc_kind, country)
    lang = COUNTRIES[ident.country][1]
    style = date_style or rng.choice(DATE_STYLES)
    face = _face(rng.randint(0, 10_000)) if with_face else None
    if kind == "passport":
        return Document(ident, doc_kind, "TD3", lang, style, [render_td3(ident, lang, style, face, rng)])
    if kind in ("identity_card", "residence_permit"):
        front, back = render_td1(ident, lang, style, face, rng)
        return Document(ident, doc_kind, "TD1", lang, style, [front, back])
    if kind == "td2_identity_card":
        return Document(ident, doc_kind, "TD2", lang, style, [render_td2(ident, lang, style, face, rng)])
    if kind == "driving_license":
        return Document(
            ident, doc_kind, "TD1", lang, "dots", [render_driving_license(ident, lang, face, rng)]
        )
    raise ValueError(f"unknown kind {kind}")


def need_fonts() -> None:
    """Skip the calling test when the OCR-B font is not installed (Debian `fonts-ocr-b`)."""
    import pytest

    if not OCRB.is_file():
        pytest.skip(f"{OCRB} missing: install the Debian package fonts-ocr-b (the Makefile does)")


def need_faces() -> Path:
    """Skip the calling test when the shared fixture faces are absent."""
    import pytest

    root = fixtures_dir()
    if root is None or not (root / "faces").is_dir():
        pytest.skip("shared/fixtures/faces not found beside the repo (or IDSCAN_FIXTURES): no portraits")
    return root
