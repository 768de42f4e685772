"""A US or Canadian card's barcode in the reader: read and parsed on a side without an MRZ, turned
into result fields (source `barcode`), each compared with the printed front where the front was
read, as the MRZ is compared with the print.

The barcode's values come through PDF417 error correction and the AAMVA parser's checks, so what
it says is what the issuer encoded; the print is what a person sees. Where both are there and
differ the field says `mismatch` (the advanced level refuses it; the basic level reports it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from difflib import SequenceMatcher

import numpy as np

from idscan.documents.aamva import AamvaError, AamvaRecord, parse_aamva
from idscan.documents.barcode import read_pdf417
from idscan.documents.countries import country_name
from idscan.documents.fields import FIELD_ORDER, latin
from idscan.documents.locate import Located
from idscan.documents.ocr import RGBImage, TextLine
from idscan.documents.reading import Box, Field, FieldValue
from idscan.documents.rules import age_on
from idscan.documents.viz import VisualField

SOURCE = "barcode"
# Dates are calendar dates the parser checked and the sex a code from AAMVA's table: `valid`.
# Names and the number have no check of their own: `not_checked`, as in the MRZ.
ADDRESS_LIKENESS = 0.6  # of a printed line to the barcode's address, for masking it (see address_boxes)
CHECKED = frozenset({"date_of_birth", "date_of_expiry", "date_of_issue", "sex", "issuing_country"})


def read_card_barcode(located: Located, photo: RGBImage) -> tuple[AamvaRecord, Box] | None:
    """The AAMVA record in the side's PDF417 and the barcode's box on the flattened image; None when
    no barcode is read or it holds no AAMVA card data we trust."""
    found = read_pdf417(located.image, photo) if located.found else read_pdf417(located.image)
    if found is None:
        return None
    try:
        record = parse_aamva(found.payload)
    except AamvaError:
        return None
    corners = np.asarray(found.corners, np.float64)
    if found.image == 1:  # read on the photo as taken: carry the corners onto the flattened image
        pts = np.c_[corners, np.ones(len(corners))] @ np.asarray(located.homography, np.float64).T
        corners = pts[:, :2] / pts[:, 2:3]
    h, w = located.image.shape[:2]
    x0, y0 = (max(0, int(np.floor(v))) for v in corners.min(axis=0))
    x1, y1 = int(np.ceil(corners[:, 0].max())), int(np.ceil(corners[:, 1].max()))
    return record, (x0, y0, min(w, x1), min(h, y1))


def address_boxes(lines: Sequence[TextLine], record: AamvaRecord) -> tuple[Box, ...]:
    """Where the front prints the address the barcode holds (street line, city line): found by
    their text, so that redacting the address masks the print as well as the barcode."""
    address = record.address
    if address is None:
        return ()
    wanted = [w for w in (address.street, f"{address.city} {address.state} {address.postal_code}") if w]
    # Masking too much costs nothing; missing a line shows the address. So a line counts at a lower
    # likeness than the comparison uses (a label before it, several OCR slips), and a line that
    # carries the postal code (its first five characters) counts whatever else OCR made of it.
    postal = re.sub(r"[^A-Z0-9]", "", latin(address.postal_code))[:5]
    return tuple(
        ln.pixel_box
        for ln in lines
        if any(same_text(ln.text, w, ADDRESS_LIKENESS) for w in wanted)
        or (len(postal) == 5 and postal in re.sub(r"[^A-Z0-9]", "", latin(ln.text)))
    )


def _letters(text: str) -> str:
    """Names compared on their letters: `O'BRIEN` prints so, OCR may read `OBRIEN` or `O BRIEN`."""
    return re.sub(r"[^A-Z]", "", latin(text))


def agrees(name: str, coded: str, printed: VisualField) -> bool:
    if name in ("surname", "given_names"):
        return _letters(coded) == _letters(printed.value)
    if name == "document_number":
        return re.sub(r"[\s-]", "", coded.upper()) == re.sub(r"[\s-]", "", printed.value.upper())
    return coded == printed.value


def same_text(printed: str, coded: str, floor: float = 0.85) -> bool:
    """A printed line that reads as `coded` (letters and digits, up to a few OCR slips)."""
    a, b = (re.sub(r"[^A-Z0-9]", "", latin(t)) for t in (printed, coded))
    return bool(a and b) and SequenceMatcher(None, a, b, autojunk=False).ratio() >= floor


def address_text(record: AamvaRecord) -> str | None:
    """`123 MAIN ST, SACRAMENTO, CA 95814`: one line, as an envelope would carry it."""
    a = record.address
    if a is None:
        return None
    place = " ".join(p for p in (a.state, a.postal_code) if p)
    return ", ".join(p for p in (a.street, a.city, place) if p) or None


def barcode_fields(
    record: AamvaRecord, visual: Mapping[str, VisualField], *, document_type: str, today: date
) -> tuple[Field, ...]:
    coded: dict[str, str | None] = {
        "document_number": record.document_number,
        "surname": record.surname,
        "given_names": record.given_names,
        "date_of_birth": record.date_of_birth.isoformat(),
        "sex": record.sex,
        "date_of_issue": record.date_of_issue.isoformat() if record.date_of_issue else None,
        "date_of_expiry": record.date_of_expiry.isoformat() if record.date_of_expiry else None,
        "issuing_country": country_name(record.country) or record.country,
        "address": address_text(record),
    }
    out: dict[str, Field] = {"document_type": Field("document_type", (FieldValue(SOURCE, document_type),))}
    for name, value in coded.items():
        if not value:
            continue
        values = [FieldValue(SOURCE, value)]
        comparison = "not_performed"
        printed = visual.get(name)
        if printed is not None:
            values.append(FieldValue("visual", printed.value))
            comparison = "match" if agrees(name, value, printed) else "mismatch"
        validity = "valid" if name in CHECKED else "not_checked"
        out[name] = Field(name, tuple(values), validity, comparison)
    out["issuing_country_code"] = Field(
        "issuing_country_code", (FieldValue(SOURCE, record.country),), "valid"
    )
    out["age"] = Field("age", (FieldValue(SOURCE, str(age_on(record.date_of_birth, today))),), "valid")
    return tuple(out[k] for k in FIELD_ORDER if k in out)
