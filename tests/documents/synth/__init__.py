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
        return img.convert("RGB")


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
