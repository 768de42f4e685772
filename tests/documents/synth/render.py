"""Render flat document sides (TD1 card front/back, TD2 card, TD3 passport page) with exact regions."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .identity import COUNTRIES, Identity, mrz_lines, mrz_spans
from .labels import SEX, TITLES, format_date, label

OCRB = Path("/usr/share/fonts/opentype/ocr-b/OCRB.otf")
SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SANS_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
PX_PER_MM = 10.0
MRZ_PITCH = 2.54 * PX_PER_MM  # ICAO character pitch
OCRB_ADVANCE = 0.723  # advance of one OCR-B glyph in em

Box = tuple[int, int, int, int]


class FontMissingError(RuntimeError):
    pass


@lru_cache(maxsize=32)
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    if not path.is_file():
        raise FontMissingError(f"{path} is missing (Debian: fonts-ocr-b / fonts-dejavu-core)")
    return ImageFont.truetype(str(path), size)


@dataclass
class Side:
    """One rendered side. `regions` are value boxes in card pixels; `mrz_regions` MRZ stretches."""

    image: np.ndarray
    name: str  # front | back
    mrz: list[str] = field(default_factory=list)
    regions: dict[str, Box] = field(default_factory=dict)
    mrz_regions: dict[str, Box] = field(default_factory=dict)
    printed: dict[str, str] = field(default_factory=dict)


@dataclass
class Document:
    identity: Identity
    kind: str
    fmt: str  # TD1 | TD2 | TD3 (physical size family)
    lang: str
    date_style: str
    sides: list[Side]

    @property
    def country_name(self) -> str:
        return COUNTRIES[self.identity.country][0]

    @property
    def mrz(self) -> list[str]:
        return next((s.mrz for s in self.sides if s.mrz), [])


class Canvas:
    def __init__(self, w_mm: float, h_mm: float, rng: random.Random) -> None:
        self.w, self.h = round(w_mm * PX_PER_MM), round(h_mm * PX_PER_MM)
        self.img = _security_background(self.w, self.h, rng)
        self.draw = ImageDraw.Draw(self.img)
        self.side = Side(image=np.zeros((1, 1, 3), np.uint8), name="front")
        self.ink = (20 + rng.randint(0, 30), 20 + rng.randint(0, 30), 40 + rng.randint(0, 50))

    def text(self, xy: tuple[int, int], s: str, size: int, bold: bool = False) -> Box:
        f = font(SANS_BOLD if bold else SANS, size)
        self.draw.text(xy, s, font=f, fill=self.ink)
        x0, y0, x1, y1 = self.draw.textbbox(xy, s, font=f)
        return (int(x0), int(y0), int(x1), int(y1))

    def field(self, key: str, lang: str, value: str, xy: tuple[int, int], size: int = 26) -> None:
        self.text(xy, label(lang, key), 15)
        self.side.regions[key] = self.text((xy[0], xy[1] + 20), value, size, bold=True)
        self.side.printed[key] = value

    def mrz(self, lines: list[str], spans: dict[str, tuple[int, int, int]], bottom_mm: float) -> None:
        size = round(MRZ_PITCH / OCRB_ADVANCE)
        f = font(OCRB, size)
        gap = round(size * 1.25)
        width = round(MRZ_PITCH * len(lines[0]))
        x0 = (self.w - width) // 2
        y_top = self.h - round(bottom_mm * PX_PER_MM) - gap * len(lines)
        boxes = []
        for i, line in enumerate(lines):
            y = y_top + i * gap
            for j, c in enumerate(line):
                self.draw.text((x0 + j * MRZ_PITCH, y), c, font=f, fill=(15, 15, 15))
            boxes.append((x0, y + round(size * 0.15), x0 + width, y + round(size * 0.98)))
        self.side.mrz = lines
        self.side.regions["mrz"] = (x0 - 4, boxes[0][1] - 4, x0 + width + 4, boxes[-1][3] + 4)
        for key, (li, a, b) in spans.items():
            _, ly0, _, ly1 = boxes[li]
            self.side.mrz_regions[key] = (round(x0 + a * MRZ_PITCH), ly0, round(x0 + b * MRZ_PITCH), ly1)

    def portrait(self, box: Box, face: Image.Image | None) -> None:
        x0, y0, x1, y1 = box
        if face is None:
            grad = np.linspace(170, 110, y1 - y0, dtype=np.uint8)[:, None].repeat(x1 - x0, 1)
            self.img.paste(Image.fromarray(np.dstack([grad] * 3)), (x0, y0))
        else:
            self.img.paste(_cover(face, x1 - x0, y1 - y0).convert("RGB"), (x0, y0))
        self.side.regions["portrait"] = box

    def signature(self, box: Box, rng: random.Random) -> None:
        x0, y0, x1, y1 = box
        pts = []
        for k in range(60):
            t = k / 59
            x = x0 + 10 + t * (x1 - x0 - 20)
            y = (y0 + y1) / 2 + math.sin(t * rng.uniform(8, 16)) * (y1 - y0) * 0.3
            pts.append((x, y))
        self.draw.line(pts, fill=(20, 30, 90), width=3)
        self.side.regions["signature"] = box

    def finish(self, name: str) -> Side:
        self.side.image = np.asarray(self.img, dtype=np.uint8).copy()
        self.side.name = name
        return self.side


def _security_background(w: int, h: int, rng: random.Random) -> Image.Image:
    base = np.array([rng.randint(225, 245), rng.randint(225, 245), rng.randint(215, 240)], np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    f1, f2 = rng.uniform(0.02, 0.05), rng.uniform(0.01, 0.03)
    wave = np.sin(xx * f1 + np.sin(yy * f2) * 3) * 0.5 + 0.5
    tint = np.array([rng.uniform(-18, 0), rng.uniform(-12, 0), rng.uniform(-20, 0)], np.float32)
    img = base[None, None, :] + wave[..., None] * tint[None, None, :]
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))


def _cover(img: Image.Image, w: int, h: int) -> Image.Image:
    """Centre-crop to the aspect ratio, then resize (a passport photo framing)."""
    iw, ih = img.size
    scale = max(w / iw, h / ih)
    nw, nh = math.ceil(iw * scale), math.ceil(ih * scale)
    resized = img.resize((nw, nh), Image.Resampling.LANCZOS)
    left, top = (nw - w) // 2, max(0, (nh - h) // 3)
    return resized.crop((left, top, left + w, top + h))


def _header(c: Canvas, doc_kind: str, lang: str, country: str) -> None:
    title = TITLES[doc_kind][lang]
    if lang != "en":
        title = f"{title} / {TITLES[doc_kind]['en']}"
    c.text((40, 18), COUNTRIES[country][0].upper(), 24, bold=True)
    c.text((40, 52), title, 20)


def render_td3(p: Identity, lang: str, style: str, face: Image.Image | None, rng: random.Random) -> Side:
    c = Canvas(125, 88, rng)
    _header(c, "passport" if p.doc_kind == "passport" else p.doc_kind, lang, p.country)
    c.portrait((50, 140, 380, 564), face)
    x, x2 = 430, 860
    c.text((x, 95), "Type", 15)
    c.text((x, 115), p.doc_code.strip("<"), 26, bold=True)
    c.text((x + 110, 95), "Code", 15)
    c.text((x + 110, 115), p.mrz_issuer.strip("<"), 26, bold=True)
    c.field("document_number", lang, p.document_number, (x2, 95))
    c.field("surname", lang, p.surname, (x, 165))
    c.field("given_names", lang, p.given_names, (x, 235))
    c.field("nationality", lang, COUNTRIES[p.nationality][0].upper(), (x, 305))
    c.field("date_of_birth", lang, format_date(p.date_of_birth, lang, style), (x, 375))
    if p.personal_number:
        c.field("personal_number", lang, p.personal_number, (x2, 375))
    c.field("sex", lang, SEX[lang][p.sex], (x, 445))
    c.field("place_of_birth", lang, p.place_of_birth, (x2 - 200, 445))
    c.field("date_of_issue", lang, format_date(p.date_of_issue, lang, style), (x, 515))
    c.field("date_of_expiry", lang, format_date(p.date_of_expiry, lang, style), (x, 585))
    c.text((x2, 580), label(lang, "signature"), 15)
    c.signature((x2, 600, x2 + 330, 665), rng)
    c.mrz(mrz_lines(p, "TD3"), mrz_spans(p, "TD3"), bottom_mm=5)
    return c.finish("front")


def render_td2(p: Identity, lang: str, style: str, face: Image.Image | None, rng: random.Random) -> Side:
    c = Canvas(105, 74, rng)
    _header(c, p.doc_kind, lang, p.country)
    c.portrait((40, 110, 300, 444), face)
    x, x2 = 340, 700
    c.field("surname", lang, p.surname, (x, 100))
    c.field("given_names", lang, p.given_names, (x, 165))
    c.field("document_number", lang, p.document_number, (x, 230))
    c.field("nationality", lang, COUNTRIES[p.nationality][0].upper(), (x2, 230), size=22)
    c.field("date_of_birth", lang, format_date(p.date_of_birth, lang, style), (x, 295))
    c.field("sex", lang, SEX[lang][p.sex], (x2 + 150, 295))
    c.field("date_of_expiry", lang, format_date(p.date_of_expiry, lang, style), (x, 360))
    c.signature((x2 - 40, 345, x2 + 290, 420), rng)
    c.mrz(mrz_lines(p, "TD2"), mrz_spans(p, "TD2"), bottom_mm=4)
    return c.finish("front")


def render_td1(
    p: Identity, lang: str, style: str, face: Image.Image | None, rng: random.Random
) -> tuple[Side, Side]:
    front = Canvas(85.6, 54, rng)
    _header(front, p.doc_kind, lang, p.country)
    front.portrait((30, 100, 270, 400), face)
    x, x2 = 300, 590
    front.field("surname", lang, p.surname, (x, 90), size=24)
    front.field("given_names", lang, p.given_names, (x, 150), size=24)
    front.field("sex", lang, SEX[lang][p.sex], (x, 210), size=24)
    front.field("nationality", lang, p.mrz_nationality.strip("<"), (x2, 210), size=24)
    front.field("date_of_birth", lang, format_date(p.date_of_birth, lang, style), (x, 270), size=24)
    front.field("document_number", lang, p.document_number, (x, 330), size=24)
    front.field("date_of_expiry", lang, format_date(p.date_of_expiry, lang, style), (x2 - 20, 330), size=22)
    front.signature((x, 420, x + 260, 500), rng)
    back = Canvas(85.6, 54, rng)
    back.field("place_of_birth", lang, p.place_of_birth, (40, 30), size=24)
    back.field("date_of_issue", lang, format_date(p.date_of_issue, lang, style), (40, 95), size=24)
    if p.personal_number:
        back.field("personal_number", lang, p.personal_number, (430, 95), size=24)
    back.mrz(mrz_lines(p, "TD1"), mrz_spans(p, "TD1"), bottom_mm=3)
    return front.finish("front"), back.finish("back")


def render_driving_license(p: Identity, lang: str, face: Image.Image | None, rng: random.Random) -> Side:
    c = Canvas(85.6, 54, rng)
    c.text((200, 15), TITLES["driving_license"][lang], 26, bold=True)
    c.text((200, 50), COUNTRIES[p.country][0].upper(), 18)
    c.portrait((30, 110, 250, 385), face)
    x = 290
    rows = [
        ("1.", "surname", p.surname),
        ("2.", "given_names", p.given_names),
        ("3.", "date_of_birth", f"{format_date(p.date_of_birth, lang, 'dots')} {p.place_of_birth}"),
        ("4a.", "date_of_issue", format_date(p.date_of_issue, lang, "dots")),
        ("4b.", "date_of_expiry", format_date(p.date_of_expiry, lang, "dots")),
        ("5.", "document_number", p.document_number),
    ]
    for i, (num, key, value) in enumerate(rows):
        y = 100 + i * 52
        nx = c.text((x, y + 2), num, 20)[2]
        c.side.regions[key] = c.text((nx + 8, y), value, 22, bold=True)
        c.side.printed[key] = value
    c.signature((x, 420, x + 250, 490), rng)
    return c.finish("front")
