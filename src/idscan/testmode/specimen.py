"""Generated SPECIMEN passports (ICAO 9303 TD3, state `UTO`) and a specimen selfie. Pure: bytes out.

Nothing here is a real person: the holder is "SPECIMEN", the portrait a drawn silhouette. The page
is drawn the way an issuer prints one (labelled visual zone, OCR-B machine-readable zone), so the
document engine reads it like any other photo; only the data are chosen by the outcome.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from idscan.documents.mrz.checkdigit import check_digit
from idscan.errors import ServiceUnavailableError
from idscan.lib.imagefile import RGBImage
from idscan.testmode.outcomes import Outcome

OCRB = Path("/usr/share/fonts/opentype/ocr-b/OCRB.otf")
SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SANS_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
PX_PER_MM = 10
PAGE = (125 * PX_PER_MM, 88 * PX_PER_MM)  # TD3 data page
MRZ_PITCH = 2.54 * PX_PER_MM  # ICAO character pitch
OCRB_ADVANCE = 0.723  # advance of one OCR-B glyph, in em
# Where the portrait is printed, as fractions of the page (x0, y0, x1, y1).
PORTRAIT_BOX = (0.04, 0.16, 0.30, 0.64)
ISSUER = "UTO"
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


@dataclass(frozen=True)
class Holder:
    surname: str
    given_names: str
    document_number: str
    sex: str
    date_of_birth: date
    date_of_issue: date
    date_of_expiry: date


def holder_for(outcome: Outcome, today: date, rng: random.Random) -> Holder:
    """Specimen data that lead the real checks to the outcome (expiry, age); valid otherwise."""
    born = _years_before(today, 15 if outcome is Outcome.DOCUMENT_UNDER_AGE else 34)
    issued = today - timedelta(days=400)
    expires = today - timedelta(days=45) if outcome is Outcome.DOCUMENT_EXPIRED else _years_after(issued, 10)
    if outcome is Outcome.DOCUMENT_EXPIRED:
        issued = _years_before(expires, 10)
    letters = "".join(rng.choice("CFGHJKLMNPRTVWXYZ") for _ in range(2))
    number = letters + "".join(rng.choice("0123456789") for _ in range(7))
    return Holder(
        surname="SPECIMEN",
        given_names=rng.choice(("ALEX", "SAM", "ROBIN", "CHARLIE", "JESSE")),
        document_number=number,
        sex=rng.choice("FM"),
        date_of_birth=born,
        date_of_issue=issued,
        date_of_expiry=expires,
    )


def mrz_lines(h: Holder, *, break_check_digit: bool = False) -> list[str]:
    """The two TD3 lines; `break_check_digit` prints a wrong document-number check digit."""
    name = f"{h.surname}<<{h.given_names.replace(' ', '<')}"
    line1 = f"P<{ISSUER}{name}".ljust(44, "<")[:44]
    number = h.document_number.ljust(9, "<")
    digit = check_digit(number)
    if break_check_digit:
        digit = str((int(digit) + 5) % 10)
    dob, exp = _yymmdd(h.date_of_birth), _yymmdd(h.date_of_expiry)
    optional = "<" * 14
    head = number + digit + ISSUER + dob + check_digit(dob) + h.sex
    tail = exp + check_digit(exp) + optional + "<"
    composite = check_digit(number + digit + dob + check_digit(dob) + tail)
    return [line1, head + tail + composite]


def passport_page(outcome: Outcome, today: date, seed: int) -> tuple[bytes, Holder]:
    """A JPEG photo of a specimen passport page for a document outcome, and its holder."""
    if not outcome.is_document:
        raise ValueError(f"{outcome} is not a document outcome")
    rng = random.Random(seed)  # noqa: S311 - specimen data, not a secret
    holder = holder_for(outcome, today, rng)
    page = _draw_page(holder, mrz_lines(holder, break_check_digit=outcome is Outcome.DOCUMENT_MRZ_INVALID))
    # On a desk, as a photo or a scan would show it.
    photo = Image.new("RGB", (PAGE[0] + 160, PAGE[1] + 160), (92, 96, 104))
    photo.paste(page, (80, 80))
    if outcome is Outcome.DOCUMENT_UNREADABLE:
        # Out of focus and underexposed: nothing on it can be read.
        photo = photo.filter(ImageFilter.GaussianBlur(18)).point(lambda v: v // 3)
    return _jpeg(photo), holder


def selfie(seed: int) -> bytes:
    """A drawn specimen selfie for scripted liveness results: a silhouette, marked SPECIMEN."""
    rng = random.Random(seed)  # noqa: S311 - a tint, not a secret
    img = Image.new("RGB", (480, 640), (200 + rng.randint(0, 30), 205, 210))
    _silhouette(img, (0, 0, 480, 640), (120, 126, 134))
    _stamp(img, "SPECIMEN", 64)
    return _jpeg(img)


def portrait_crop(flat: RGBImage) -> RGBImage:
    """The printed portrait of a specimen page, from the page as the reader flattened it: drawn, so
    the face detector cannot find it, but test mode still needs the file a real passport yields."""
    h, w = flat.shape[:2]
    x0, y0, x1, y1 = PORTRAIT_BOX
    return np.ascontiguousarray(flat[round(y0 * h) : round(y1 * h), round(x0 * w) : round(x1 * w)])


def _draw_page(h: Holder, mrz: list[str]) -> Image.Image:
    page = Image.new("RGB", PAGE, (236, 232, 222))
    draw = ImageDraw.Draw(page)
    for y in range(0, PAGE[1], 14):  # a faint guilloche-like ruling, as on security paper
        draw.line([(0, y), (PAGE[0], y + 40)], fill=(226, 222, 212), width=2)
    ink = (28, 30, 52)
    draw.text((40, 18), "UTOPIA", font=_font(SANS_BOLD, 26), fill=ink)
    draw.text((40, 54), "PASSPORT", font=_font(SANS, 20), fill=ink)
    draw.text((760, 22), "SPECIMEN", font=_font(SANS_BOLD, 40), fill=(170, 30, 30))
    box = tuple(round(f * s) for f, s in zip(PORTRAIT_BOX, PAGE * 2, strict=True))
    draw.rectangle(box, fill=(214, 218, 224))
    _silhouette(page, box, (138, 144, 152))
    x, x2 = 430, 860
    _field(draw, "Type", "P", (x, 95))
    _field(draw, "Code", ISSUER, (x + 110, 95))
    _field(draw, "Document no.", h.document_number, (x2, 95))
    _field(draw, "Surname", h.surname, (x, 165))
    _field(draw, "Given names", h.given_names, (x, 235))
    _field(draw, "Nationality", "UTOPIAN", (x, 305))
    _field(draw, "Date of birth", _printed(h.date_of_birth), (x, 375))
    _field(draw, "Sex", h.sex, (x, 445))
    _field(draw, "Place of birth", "UTOPIA CITY", (x2 - 200, 445))
    _field(draw, "Date of issue", _printed(h.date_of_issue), (x, 515))
    _field(draw, "Date of expiry", _printed(h.date_of_expiry), (x, 585))
    _mrz(draw, mrz)
    _stamp(page, "SPECIMEN", 30, box=box)
    return page


def _field(draw: ImageDraw.ImageDraw, label: str, value: str, xy: tuple[int, int]) -> None:
    draw.text(xy, label, font=_font(SANS, 15), fill=(60, 60, 80))
    draw.text((xy[0], xy[1] + 20), value, font=_font(SANS_BOLD, 26), fill=(20, 22, 40))


def _mrz(draw: ImageDraw.ImageDraw, lines: list[str]) -> None:
    size = round(MRZ_PITCH / OCRB_ADVANCE)
    font = _font(OCRB, size)
    gap = round(size * 1.25)
    x0 = (PAGE[0] - round(MRZ_PITCH * 44)) // 2
    top = PAGE[1] - 5 * PX_PER_MM - gap * len(lines)
    for i, line in enumerate(lines):
        for j, char in enumerate(line):
            draw.text((x0 + j * MRZ_PITCH, top + i * gap), char, font=font, fill=(15, 15, 15))


def _silhouette(img: Image.Image, box: tuple[int, ...], fill: tuple[int, int, int]) -> None:
    """A head and shoulders, clipped to the box."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    part = img.crop((x0, y0, x1, y1))
    draw = ImageDraw.Draw(part)
    draw.ellipse((w * 0.28, h * 0.14, w * 0.72, h * 0.52), fill=fill)
    draw.ellipse((w * 0.05, h * 0.58, w * 0.95, h * 1.3), fill=fill)
    img.paste(part, (x0, y0))


def _stamp(img: Image.Image, text: str, size: int, box: tuple[int, ...] | None = None) -> None:
    x0, y0, x1, y1 = box or (0, 0, *img.size)
    layer = Image.new("RGBA", (x1 - x0, y1 - y0), (0, 0, 0, 0))
    ImageDraw.Draw(layer).text(
        ((x1 - x0) / 2, (y1 - y0) / 2),
        text,
        font=_font(SANS_BOLD, size),
        fill=(190, 30, 30, 150),
        anchor="mm",
    )
    rotated = layer.rotate(35, resample=Image.Resampling.BICUBIC)
    img.paste(rotated, (x0, y0), rotated)


@lru_cache(maxsize=16)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    if not path.is_file():
        raise ServiceUnavailableError(
            f"Test mode needs the font {path} (Debian packages fonts-ocr-b and fonts-dejavu-core)."
        )
    return ImageFont.truetype(str(path), size)


def _printed(d: date) -> str:
    return f"{d.day:02d} {MONTHS[d.month - 1]} {d.year}"


def _yymmdd(d: date) -> str:
    return d.strftime("%y%m%d")


def _years_before(d: date, years: int) -> date:
    return d.replace(year=d.year - years, day=min(d.day, 28))


def _years_after(d: date, years: int) -> date:
    return d.replace(year=d.year + years, day=min(d.day, 28))


def _jpeg(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()
