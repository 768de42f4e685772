"""US and Canadian licences and ID cards: a printed front and a back carrying the AAMVA PDF417.

    card = make_us_card(seed=3)                       # front + back sides, the record behind them
    photo = photograph(card.back.image, "easy", random.Random(3))

The barcode is made by `pdf417gen` (MIT, a dev extra) from `aamva.payload`, at the geometry issuers
print: 0.3 mm modules (3 px at 10 px/mm), row height three modules, error correction level 5,
about 77 mm wide, with a quiet zone.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import pdf417gen
from PIL import Image

from .aamva import JURISDICTIONS, Licence, payload, random_licence
from .render import Canvas, Side

MODULE_PX = 3  # 0.3 mm: AAMVA asks for at least 0.17 mm; issuers print 0.25-0.38 mm
COLUMNS = 11
SECURITY_LEVEL = 5
QUIET_PX = 4 * MODULE_PX
TITLES = {"DL": "DRIVER LICENSE", "ID": "IDENTIFICATION CARD"}
TITLES_CAN = {"DL": "DRIVER'S LICENCE", "ID": "PHOTO CARD"}


@dataclass
class UsCard:
    licence: Licence
    payload: bytes
    front: Side
    back: Side

    @property
    def document_type(self) -> str:
        return "driving_license" if self.licence.subfile == "DL" else "identity_card"


def printed_date(day: dt.date, country: str) -> str:
    """As the front prints it: 01/31/1990 in the USA, 1990/01/31 in Canada."""
    return day.strftime("%m/%d/%Y" if country == "USA" else "%Y/%m/%d")


def barcode_image(data: bytes) -> Image.Image:
    codes = pdf417gen.encode(data, columns=COLUMNS, security_level=SECURITY_LEVEL)
    img = pdf417gen.render_image(codes, scale=MODULE_PX, ratio=3, padding=QUIET_PX)
    return img.convert("RGB")


def render_front(lic: Licence, face: Image.Image | None, rng: random.Random) -> Side:
    c = Canvas(85.6, 54, rng)
    name = JURISDICTIONS[lic.jurisdiction][1]
    title = (TITLES_CAN if lic.country == "CAN" else TITLES)[lic.subfile]
    c.text((40, 15), name, 28, bold=True)
    c.text((40, 52), title, 20)
    c.portrait((30, 110, 250, 385), face)
    x = 290
    rows = [
        ("DL" if lic.subfile == "DL" else "ID", "document_number", lic.document_number),
        ("LN", "surname", lic.surname),
        ("FN", "given_names", lic.given_names),
        ("DOB", "date_of_birth", printed_date(lic.date_of_birth, lic.country)),
        ("EXP", "date_of_expiry", printed_date(lic.date_of_expiry, lic.country)),
        ("ISS", "date_of_issue", printed_date(lic.date_of_issue, lic.country)),
        ("SEX", "sex", lic.sex),
    ]
    for i, (tag, key, value) in enumerate(rows):
        y = 95 + i * 44
        nx = c.text((x, y + 3), tag, 16)[2]
        c.side.regions[key] = c.text((nx + 10, y), value, 22, bold=True)
        c.side.printed[key] = value
    c.side.regions["address"] = c.text((x, 410), lic.street, 18)
    c.text((x, 434), f"{lic.city}, {lic.jurisdiction} {lic.postal_code}", 18)
    c.signature((30, 420, 250, 500), rng)
    return c.finish("front")


def render_back(data: bytes, rng: random.Random) -> Side:
    c = Canvas(85.6, 54, rng)
    c.text((40, 20), "This card is the property of the issuing jurisdiction.", 16)
    code = barcode_image(data)
    if code.width > c.w - 20:
        raise ValueError(f"barcode of {code.width} px does not fit the card")
    x0 = (c.w - code.width) // 2
    y0 = max(60, c.h - code.height - 40)
    c.img.paste(code, (x0, y0))
    c.side.regions["barcode"] = (x0, y0, x0 + code.width, y0 + code.height)
    return c.finish("back")


def make_us_card(
    seed: int,
    version: int | None = None,
    subfile: str | None = None,
    jurisdiction: str | None = None,
    face: Image.Image | None = None,
) -> UsCard:
    """A random US or Canadian card; same seed, same card."""
    rng = random.Random(seed)
    lic = random_licence(rng, version, subfile, jurisdiction)
    data = payload(lic)
    return UsCard(lic, data, render_front(lic, face, rng), render_back(data, rng))
