"""EU driving licences on the card model of Directive 2006/126/EC (annex I): a printed front with the
numbered fields and a back with the categories table, in the styles of six member states.

    card = make_eu_licence(seed=3, state="NLD")       # front + back sides, the record behind them
    photo = photograph(card.back.image, "easy", random.Random(3))

What differs between the states is what differs on real cards: the title's language(s), the date
separator, the font and its size, which optional fields are printed (4d personal number, 8 address),
which numbered fields share a row, how field 9 separates the categories, whether column 11 of the
back repeats the card's expiry for A and B, and the number's shape. Dutch and French backs carry the
one-line ISO/IEC 18013 zone, built here from `idscan.documents.licence_mrz`'s documented layouts
independently of its parser (which the tests use to check it).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from .identity import GIVEN, PLACES, SURNAMES, check_digit, translit
from .render import Box, Canvas, Side, font

_FONTS = Path("/usr/share/fonts/truetype")
SANS = (_FONTS / "dejavu/DejaVuSans.ttf", _FONTS / "dejavu/DejaVuSans-Bold.ttf")
CONDENSED = (_FONTS / "dejavu/DejaVuSansCondensed.ttf", _FONTS / "dejavu/DejaVuSansCondensed-Bold.ttf")
LIBERATION = (_FONTS / "liberation/LiberationSans-Regular.ttf", _FONTS / "liberation/LiberationSans-Bold.ttf")
NARROW = (
    _FONTS / "liberation/LiberationSansNarrow-Regular.ttf",
    _FONTS / "liberation/LiberationSansNarrow-Bold.ttf",
)

# The directive's categories, in the order the back's table prints them.
CATEGORIES = ("AM", "A1", "A2", "A", "B1", "B", "C1", "C", "D1", "D", "BE", "C1E", "CE", "D1E", "DE")
_TWO_WHEELS = ("AM", "A1", "A2", "A")
# Restriction and harmonised codes of annex I point 12, as they appear in column 12.
RESTRICTIONS = ("01.06", "01.01", "78", "70.0123456789.NL", "95.15.03.2030", "03.02")


@dataclass(frozen=True)
class Style:
    state: str  # ISO 3166-1 alpha-3, the ground truth's issuing_country
    sign: str  # the distinguishing sign in the flag box
    lang: str
    titles: tuple[str, ...]  # "driving licence" in the state's language(s)
    state_name: str
    date_format: str  # strftime
    fonts: tuple[Path, Path]  # regular, bold
    size: int  # of the values, px at 10 px/mm
    pitch: int  # between rows
    gap: int  # between a field's number and its value
    rows: tuple[tuple[str, ...], ...]  # numbered fields per row, left to right
    category_separator: str
    validity_years: int
    until_for_ab: bool  # column 11 repeats the card's expiry for the A and B categories
    authorities: tuple[str, ...]
    zone: bool  # the back prints the ISO/IEC 18013 one-line zone


# Where the zone is printed: French cards put it under the front's fields (the EU specimen of
# shared/fixtures), Dutch ones at the foot of the back.
ZONE_ON_FRONT = frozenset({"FRA"})

# the numbered fields as most states print them, one line each (4a beside 4c)
COMMON_ROWS = (("1",), ("2",), ("3",), ("4a", "4c"), ("4b",), ("5",), ("9",))

STYLES: dict[str, Style] = {
    "NLD": Style(
        state="NLD",
        sign="NL",
        lang="nl",
        titles=("RIJBEWIJS",),
        state_name="KONINKRIJK DER NEDERLANDEN",
        date_format="%d.%m.%Y",
        fonts=SANS,
        size=22,
        pitch=44,
        gap=8,
        rows=COMMON_ROWS,
        category_separator="/",
        validity_years=10,
        until_for_ab=True,
        authorities=("Burg. Amsterdam", "Burg. Utrecht", "Burg. Rotterdam", "Burg. Den Haag"),
        zone=True,
    ),
    "FRA": Style(
        state="FRA",
        sign="F",
        lang="fr",
        titles=("PERMIS DE CONDUIRE",),
        state_name="RÉPUBLIQUE FRANÇAISE",
        date_format="%d/%m/%Y",
        fonts=LIBERATION,
        size=23,
        pitch=43,
        gap=10,
        rows=COMMON_ROWS,
        category_separator="/",
        validity_years=15,
        until_for_ab=True,
        authorities=("PREFECTURE DE PARIS", "PREFET 69", "PREFET 33", "ANTS"),
        zone=True,
    ),
    "DEU": Style(
        state="DEU",
        sign="D",
        lang="de",
        titles=("FÜHRERSCHEIN",),
        state_name="BUNDESREPUBLIK DEUTSCHLAND",
        date_format="%d.%m.%Y",
        fonts=CONDENSED,
        size=22,
        pitch=42,
        gap=10,
        rows=COMMON_ROWS,
        category_separator=" ",
        validity_years=15,
        until_for_ab=False,
        authorities=("Stadt Köln", "Landratsamt München", "Stadt Berlin", "Kreis Wesel"),
        zone=False,
    ),
    "BEL": Style(
        state="BEL",
        sign="B",
        lang="fr",
        titles=("PERMIS DE CONDUIRE", "RIJBEWIJS", "FÜHRERSCHEIN"),
        state_name="ROYAUME DE BELGIQUE",
        date_format="%d.%m.%Y",
        fonts=SANS,
        size=20,
        pitch=38,
        gap=8,
        rows=(("1",), ("2",), ("3",), ("4a", "4b"), ("4c",), ("4d",), ("5",), ("9",)),
        category_separator="/",
        validity_years=10,
        until_for_ab=True,
        authorities=("GENT", "BRUXELLES", "LIEGE", "ANTWERPEN"),
        zone=False,
    ),
    "ITA": Style(
        state="ITA",
        sign="I",
        lang="it",
        titles=("PATENTE DI GUIDA",),
        state_name="REPUBBLICA ITALIANA",
        date_format="%d/%m/%Y",
        fonts=NARROW,
        size=24,
        pitch=44,
        gap=12,
        rows=COMMON_ROWS,
        category_separator=" ",
        validity_years=10,
        until_for_ab=True,
        authorities=("MIT-UCO", "MC-RM", "MC-MI", "PREFETTO DI ROMA"),
        zone=False,
    ),
    "ESP": Style(
        state="ESP",
        sign="E",
        lang="es",
        titles=("PERMISO DE CONDUCCIÓN",),
        state_name="REINO DE ESPAÑA",
        date_format="%d-%m-%Y",
        fonts=LIBERATION,
        size=19,
        pitch=35,
        gap=8,
        rows=(("1",), ("2",), ("3",), ("4a",), ("4b",), ("4c",), ("4d",), ("5",), ("8",), ("9",)),
        category_separator=" ",
        validity_years=10,
        until_for_ab=True,
        authorities=("DGT-MADRID", "DGT-SEVILLA", "DGT-BARCELONA"),
        zone=False,
    ),
}
STATES = tuple(STYLES)

# Names that belong to a state's language, drawn half of the time (the rest from the shared pools).
_LOCAL_SURNAMES = {
    "NLD": ("JANSSEN", "DE VRIES", "VAN DEN BERG", "BAKKER", "VAN DIJK"),
    "FRA": ("MARTIN", "DUBOIS", "LEFÈVRE", "MOREAU", "GIRARDÈS"),
    "DEU": ("MÜLLER", "SCHRÖDER", "WEISS", "HOFFMANN", "KÖHLER"),
    "BEL": ("PEETERS", "DUBOIS", "LEFÈVRE", "JANSSENS", "WILLEMS"),
    "ITA": ("ROSSI", "BIANCHI", "ESPOSITO", "NICOLÒ", "COLONNA"),
    "ESP": ("GARCÍA LÓPEZ", "MUÑOZ", "PÉREZ SANZ", "FERNÁNDEZ", "IBÁÑEZ"),
}
_LOCAL_GIVEN = {
    "NLD": ("JAN", "LOTTE", "SOPHIE", "NOAH", "EMMA"),
    "FRA": ("HÉLÈNE", "FRANÇOIS", "MARIE-LOUISE", "JÉRÔME", "LUCAS"),
    "DEU": ("JÜRGEN", "ANNA MARIA", "LUCAS", "BJÖRN", "KLAUS"),
    "BEL": ("LUCAS", "HÉLÈNE", "KAREL", "EMMA", "JAN"),
    "ITA": ("GIULIA", "MATTEO", "ANNA MARIA", "NICCOLÒ", "LUCA"),
    "ESP": ("INÉS", "JOSÉ LUIS", "MARÍA", "ÁLVARO", "LUCÍA"),
}
_LOCAL_PLACES = {
    "NLD": ("AMSTERDAM", "UTRECHT", "ROTTERDAM"),
    "FRA": ("PARIS", "LYON", "MARSEILLE"),
    "DEU": ("BERLIN", "KÖLN", "MÜNCHEN"),
    "BEL": ("GENT", "BRUXELLES", "LIÈGE"),
    "ITA": ("ROMA", "MILANO", "NAPOLI"),
    "ESP": ("MADRID", "SEVILLA", "MÁLAGA"),
}
_STREETS = ("CALLE MAYOR 12", "AVDA. DE LA PAZ 3", "PLAZA ESPAÑA 7 2B", "C/ SOL 45")


@dataclass(frozen=True)
class Category:
    category: str
    valid_from: dt.date
    valid_until: dt.date | None  # None: column 11 left empty (unlimited, or the card's expiry)
    restrictions: str = ""

    def truth(self) -> dict[str, str | None]:
        until = self.valid_until.isoformat() if self.valid_until else None
        return {"category": self.category, "valid_from": self.valid_from.isoformat(), "valid_until": until}


@dataclass(frozen=True)
class EuLicence:
    state: str
    surname: str
    given_names: str
    date_of_birth: dt.date
    place_of_birth: str
    date_of_issue: dt.date
    date_of_expiry: dt.date
    authority: str
    personal_number: str | None
    document_number: str
    address: str | None
    categories: tuple[Category, ...]
    zone: str | None

    @property
    def style(self) -> Style:
        return STYLES[self.state]

    def printed_date(self, day: dt.date) -> str:
        return day.strftime(self.style.date_format)

    @property
    def category_line(self) -> str:
        """Field 9 of the front: the categories held, in the table's order."""
        return self.style.category_separator.join(c.category for c in self.categories)

    def truth(self) -> dict[str, Any]:
        """The ground truth in the result's terms (dates ISO, the country alpha-3)."""
        return {
            "document_number": self.document_number,
            "surname": self.surname,
            "given_names": self.given_names,
            "date_of_birth": self.date_of_birth.isoformat(),
            "place_of_birth": self.place_of_birth,
            "date_of_issue": self.date_of_issue.isoformat(),
            "date_of_expiry": self.date_of_expiry.isoformat(),
            "issuing_country": self.state,
            "personal_number": self.personal_number,
            "categories": [c.truth() for c in self.categories],
            "zone": self.zone,
        }


@dataclass
class EuCard:
    licence: EuLicence
    front: Side
    back: Side

    document_type = "driving_license"

    @property
    def sides(self) -> list[Side]:
        return [self.front, self.back]


# -- the record -----------------------------------------------------------------------------------


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _number(state: str, rng: random.Random, issued: dt.date) -> str:
    digits = "0123456789"
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    if state == "NLD":
        return rng.choice("456") + "".join(rng.choice(digits) for _ in range(9))
    if state == "FRA":  # two digits of the year, two letters, five digits (the zone's 9 characters)
        return (
            issued.strftime("%y")
            + "".join(rng.choice(letters) for _ in range(2))
            + f"{rng.randint(1, 99999):05d}"
        )
    if state == "DEU":  # issuing office, serial, check: 11 characters
        return (
            rng.choice(letters) + "".join(rng.choice(digits + letters) for _ in range(9)) + rng.choice(digits)
        )
    if state == "BEL":
        return "".join(rng.choice(digits) for _ in range(10))
    if state == "ITA":
        return (
            rng.choice("UR")
            + rng.choice(digits)
            + "".join(rng.choice(letters + digits) for _ in range(7))
            + rng.choice(letters)
        )
    # ESP: the holder's DNI, eight digits and the letter of its mod-23 check
    n = rng.randint(10_000_000, 99_999_999)
    return f"{n}{'TRWAGMYFPDXBNJZSQVHLCKE'[n % 23]}"


def _personal(state: str, born: dt.date, number: str, rng: random.Random) -> str | None:
    if state == "BEL":  # the national register number: birth date, serial, mod-97 check
        serial = rng.randint(1, 997)
        base = int(born.strftime("%y%m%d") + f"{serial:03d}")
        if born.year >= 2000:
            base += 2_000_000_000
        check = 97 - base % 97
        return f"{born:%y.%m.%d}-{serial:03d}.{check:02d}"
    if state == "ESP":
        return number  # Spain prints the DNI as 4d and uses it as the licence number
    return None


def _categories(
    style: Style, born: dt.date, issued: dt.date, expiry: dt.date, rng: random.Random
) -> tuple[Category, ...]:
    adult = _years_later(born, 18)
    held = {"B"}
    if rng.random() < 0.5:
        held.add("AM")
    if rng.random() < 0.35:
        held.update(rng.sample(("A1", "A2", "A"), rng.randint(1, 3)))
    if rng.random() < 0.4:
        held.add("BE")
    if rng.random() < 0.2:
        held.update(("C1", "C1E"))
    if rng.random() < 0.12:
        held.update(("C", "CE"))
    if rng.random() < 0.08:
        held.update(("D1", "D"))
    names = [name for name in CATEGORIES if name in held]
    span = max(0, (issued - adult).days)
    # in the table's order, which is roughly the order people earn them (a trailer after its car)
    starts = sorted(adult + dt.timedelta(days=rng.randint(0, span)) for _ in names)
    out = []
    for name, start in zip(names, starts, strict=True):
        if name in ("C1", "C", "CE", "C1E", "D1", "D", "D1E", "DE"):
            until: dt.date | None = min(expiry, _years_later(issued, 5))
        else:
            until = expiry if style.until_for_ab else None
        restriction = rng.choice(RESTRICTIONS) if rng.random() < 0.15 else ""
        out.append(Category(name, start, until, restriction))
    return tuple(out)


def _pick(rng: random.Random, local: tuple[str, ...], shared: list[str]) -> str:
    return rng.choice(local) if rng.random() < 0.5 else rng.choice(shared)


def zone_name(name: str) -> str:
    """ICAO 9303 transliteration, and a bare Latin letter for any accent its table lacks (`Ò`)."""
    plain = unicodedata.normalize("NFKD", translit(name)).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "<" for c in plain)


def zone_line(lic_state: str, number: str, expiry: dt.date, surname: str, rng: random.Random) -> str | None:
    """The one-line zone of the back (see `idscan.documents.licence_mrz` for the two layouts)."""
    if lic_state == "FRA":
        head = f"D1FRA{number.ljust(9, '<')}"
        head += check_digit(head)
        name = zone_name(surname)[:8].ljust(8, "<")
        body = head + expiry.strftime("%y%m%d") + name
    elif lic_state == "NLD":
        rest = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(13))
        body = f"D1NLD{rng.choice('0123456789')}{number}{rest}"
    else:
        return None
    return body + check_digit(body)


def random_eu_licence(rng: random.Random, state: str) -> EuLicence:
    style = STYLES[state]
    issued = dt.date(2014, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 11))
    born = dt.date(1945, 1, 1) + dt.timedelta(
        days=rng.randint(0, (issued - dt.date(1945, 1, 1)).days - 365 * 19)
    )
    expiry = _years_later(issued, style.validity_years) - dt.timedelta(days=1)
    number = _number(state, rng, issued)
    surname = _pick(rng, _LOCAL_SURNAMES[state], SURNAMES)
    return EuLicence(
        state=state,
        surname=surname,
        given_names=_pick(rng, _LOCAL_GIVEN[state], GIVEN),
        date_of_birth=born,
        place_of_birth=_pick(rng, _LOCAL_PLACES[state], PLACES),
        date_of_issue=issued,
        date_of_expiry=expiry,
        authority=rng.choice(style.authorities),
        personal_number=_personal(state, born, number, rng),
        document_number=number,
        address=f"{rng.choice(_STREETS)} {rng.choice(_LOCAL_PLACES['ESP'])}" if state == "ESP" else None,
        categories=_categories(style, born, issued, expiry, rng),
        zone=zone_line(state, number, expiry, surname, rng) if style.zone else None,
    )


# -- the card -------------------------------------------------------------------------------------


class _Card(Canvas):
    """A canvas with the licence's pink guilloche and the style's fonts."""

    def __init__(self, style: Style, rng: random.Random) -> None:
        super().__init__(85.6, 54, rng)
        self.style = style
        self.img = _pink_guilloche(self.w, self.h, rng)
        self.draw = ImageDraw.Draw(self.img)

    def write(
        self, xy: tuple[int, int], s: str, size: int, bold: bool = False, fill: tuple[int, ...] | None = None
    ) -> Box:
        f = font(self.style.fonts[1 if bold else 0], size)
        self.draw.text(xy, s, font=f, fill=fill or self.ink)
        x0, y0, x1, y1 = self.draw.textbbox(xy, s, font=f)
        return (int(x0), int(y0), int(x1), int(y1))


def _pink_guilloche(w: int, h: int, rng: random.Random) -> Image.Image:
    """The card's pink ground with a fine interference pattern of arcs (a guilloche's look)."""
    base = np.array([rng.randint(238, 250), rng.randint(212, 228), rng.randint(218, 234)], np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
    r = np.hypot(xx - cx, yy - cy)
    a = np.arctan2(yy - cy, xx - cx)
    k = rng.uniform(0.18, 0.26)
    lobes = rng.randint(6, 12)
    rosette = np.cos(r * k + 6 * np.sin(a * lobes + r * 0.01))
    waves = np.cos(xx * 0.09 + 4 * np.sin(yy * 0.02 + xx * 0.004))
    pattern = np.clip(np.maximum(rosette, waves) - 0.8, 0, None) / 0.2  # thin bright-line crests
    tint = np.array([-10, -28, -14], np.float32) * rng.uniform(0.6, 1.0)
    img = base[None, None, :] + pattern[..., None] * tint[None, None, :]
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))


def _flag(c: _Card, box: Box) -> None:
    """The blue box with the twelve stars and the state's distinguishing sign (annex I, 2.2)."""
    x0, y0, x1, y1 = box
    c.draw.rectangle(box, fill=(0, 51, 153))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ring = 0.36 * min(x1 - x0, y1 - y0)
    for k in range(12):
        sx, sy = cx + ring * math.sin(k * math.pi / 6), cy - ring * math.cos(k * math.pi / 6)
        pts = [
            (
                sx + (5 if i % 2 == 0 else 2) * math.sin(i * math.pi / 5),
                sy - (5 if i % 2 == 0 else 2) * math.cos(i * math.pi / 5),
            )
            for i in range(10)
        ]
        c.draw.polygon(pts, fill=(255, 204, 0))
    f = font(c.style.fonts[1], 30 if len(c.style.sign) < 2 else 26)
    tw = c.draw.textlength(c.style.sign, font=f)
    c.draw.text((cx - tw / 2, cy - 17), c.style.sign, font=f, fill=(255, 255, 255))


def _front_value(lic: EuLicence, key: str) -> tuple[str, str] | None:
    """(result field, printed text) of numbered field `key`, None when this card does not print it."""
    values = {
        "1": ("surname", lic.surname),
        "2": ("given_names", lic.given_names),
        "3": ("date_of_birth", f"{lic.printed_date(lic.date_of_birth)} {lic.place_of_birth}"),
        "4a": ("date_of_issue", lic.printed_date(lic.date_of_issue)),
        "4b": ("date_of_expiry", lic.printed_date(lic.date_of_expiry)),
        "4c": ("authority", lic.authority),
        "4d": ("personal_number", lic.personal_number or ""),
        "5": ("document_number", lic.document_number),
        "8": ("address", lic.address or ""),
        "9": ("categories", lic.category_line),
    }
    found = values.get(key)
    return found if found and found[1] else None


def render_front(lic: EuLicence, face: Image.Image | None, rng: random.Random) -> Side:
    style = lic.style
    c = _Card(style, rng)
    _flag(c, (24, 20, 124, 100))
    c.write((140, 14), style.state_name, 18)
    title = " ".join(style.titles)
    c.write((140, 38), title, 28 if len(title) < 24 else 20, bold=True)
    c.portrait((30, 118, 250, 398), face)
    x = 280
    y = 96 if len(style.rows) < 9 else 84
    for row in style.rows:
        cx = x
        for key in row:
            found = _front_value(lic, key)
            if found is None:
                continue
            name, text = found
            nx = c.write((cx, y + 2), f"{key}.", style.size - 4)[2]
            box = c.write((nx + style.gap, y), text, style.size, bold=True)
            if name == "date_of_birth":  # the date and the place, as two regions
                date_text = lic.printed_date(lic.date_of_birth)
                dx1 = (
                    nx
                    + style.gap
                    + round(c.draw.textlength(date_text, font=font(style.fonts[1], style.size)))
                )
                c.side.regions["date_of_birth"] = (box[0], box[1], dx1, box[3])
                c.side.regions["place_of_birth"] = (dx1 + 4, box[1], box[2], box[3])
                c.side.printed["date_of_birth"] = date_text
                c.side.printed["place_of_birth"] = lic.place_of_birth
            else:
                c.side.regions[name] = box
                c.side.printed[name] = text
            cx = box[2] + 36
        y += style.pitch
    if lic.zone and lic.state in ZONE_ON_FRONT:
        c.write((30, 404), "7.", 16)
        c.signature((52, 400, 250, 448), rng)
        c.mrz([lic.zone], {"document_number": _zone_span(lic)}, bottom_mm=2.0)
    else:
        c.write((30, 410), "7.", 16)
        c.signature((52, 404, 250, 470), rng)
    return c.finish("front")


def _pictogram(c: _Card, name: str, box: Box) -> None:
    """A small line drawing for the category (a wheel pair for two wheels, a body for the rest)."""
    x0, y0, x1, y1 = box
    ink = (60, 40, 70)
    if name in _TWO_WHEELS:
        r = (y1 - y0) // 3
        c.draw.ellipse((x0 + 2, y1 - 2 * r, x0 + 2 + 2 * r, y1), outline=ink, width=2)
        c.draw.ellipse((x1 - 2 - 2 * r, y1 - 2 * r, x1 - 2, y1), outline=ink, width=2)
        c.draw.line((x0 + 2 + r, y1 - r, (x0 + x1) // 2, y0 + 3, x1 - 2 - r, y1 - r), fill=ink, width=2)
        return
    long = name[0] in "CD"
    body = (x0 + 2, y0 + (3 if long else 7), x1 - (2 if long else 10), y1 - 5)
    c.draw.rectangle(body, outline=ink, width=2)
    for wx in (body[0] + 5, body[2] - 9):
        c.draw.ellipse((wx, y1 - 8, wx + 7, y1 - 1), fill=ink)
    if name.endswith("E"):  # a trailer behind
        c.draw.rectangle((x1 - 9, y0 + 9, x1, y1 - 5), outline=ink, width=1)


def render_back(lic: EuLicence, rng: random.Random) -> Side:
    style = lic.style
    c = _Card(style, rng)
    held = {cat.category: cat for cat in lic.categories}
    top = 18
    zone = lic.zone if lic.state not in ZONE_ON_FRONT else None
    bottom = c.h - (82 if zone else 22)
    pitch = (bottom - top - 28) / len(CATEGORIES)
    cols = {"9": 30, "code": 108, "10": 200, "11": 380, "12": 560}
    size = max(13, min(20, round(pitch * 0.62)))
    c.write((cols["code"], top), "9.", size)
    for key in ("10", "11", "12"):
        c.write((cols[key], top), f"{key}.", size)
    line = (110, 80, 100)
    y_head = top + 26
    c.draw.line((20, y_head, c.w - 20, y_head), fill=line, width=1)
    for i, name in enumerate(CATEGORIES):
        y = round(y_head + i * pitch)
        _pictogram(c, name, (cols["9"], y + 2, cols["9"] + 60, round(y + pitch) - 2))
        c.write((cols["code"], y + 2), name, size, bold=True)
        cat = held.get(name)
        if cat is not None:
            box = c.write((cols["10"], y + 2), lic.printed_date(cat.valid_from), size, bold=True)
            c.side.regions[f"category_{name}"] = box
            if cat.valid_until is not None:
                c.write((cols["11"], y + 2), lic.printed_date(cat.valid_until), size, bold=True)
            if cat.restrictions:
                c.write((cols["12"], y + 2), cat.restrictions, size)
        c.draw.line((20, round(y + pitch), c.w - 20, round(y + pitch)), fill=line, width=1)
    for key in ("10", "11", "12"):
        x = cols[key] - 12
        c.draw.line((x, top, x, bottom), fill=line, width=1)
    if zone:
        c.mrz([zone], {"document_number": _zone_span(lic)}, bottom_mm=2.5)
    return c.finish("back")


def _zone_span(lic: EuLicence) -> tuple[int, int, int]:
    start = 5 if lic.state == "FRA" else 6
    return (0, start, start + len(lic.document_number))


def make_eu_licence(seed: int, state: str | None = None, face: Image.Image | None = None) -> EuCard:
    """A random EU licence of `state` (alpha-3, see STATES; drawn when None); same seed, same card."""
    rng = random.Random(seed)
    drawn = rng.choice(STATES)
    lic = random_eu_licence(rng, state or drawn)
    return EuCard(lic, render_front(lic, face, rng), render_back(lic, rng))
