"""The printed front of a US or Canadian licence or ID card (AAMVA card design): short capital labels
in front of their values (`DL A1234567`, `LN SMITH`, `DOB 01/31/1990`).

Kept apart from the European label tables in `viz.py`: these two- and three-letter labels are
ordinary words elsewhere (`ID`, `ISS`), so they count only where a side shows several of them, and
North American dates are read in their own order: month first in the USA (`01/31/1990`), year first
in Canada (`1990/01/31`). A European reading of `03/04/1990` would be a wrong date, never a refused one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from idscan.documents.ocr import TextLine
from idscan.documents.viz import VisualField, normalise

# fmt: off
# The labels as printed (capitals), longest first so `DLN` is not read as `DL` + `N...`.
AAMVA_LABELS: dict[str, str] = {
    "DLN": "document_number", "DL": "document_number", "ID": "document_number",
    "LN": "surname", "FN": "given_names",
    "DOB": "date_of_birth", "EXP": "date_of_expiry", "ISS": "date_of_issue", "SEX": "sex",
}
# The AAMVA card design standard numbers its front fields after ISO/IEC 18013-1, and many issuers
# print the number before the label (`4d DLN`, `3 DOB`, `15 SEX`): the number is dropped. Alone, only
# the numbers with a letter name a field here (`4d` the licence number, `4a` issue, `4b` expiry):
# `1 SMITH` and `2 KING ST` cannot be told apart, and on an EU card `4d` is the personal number,
# which is why these count only on a side the letter labels show to be an AAMVA front.
AAMVA_NUMBERS: dict[str, str] = {"4d": "document_number", "4a": "date_of_issue", "4b": "date_of_expiry"}
# fmt: on
_NUMBER = re.compile(r"^\s*(\d{1,2}[a-dA-D]?)(?![\d.,])\s+(.*)$")
MIN_LABELS = 3  # distinct fields: one `ID` or `EXP` on a European card is not an AAMVA front
_LABEL = re.compile(
    r"^\s*(" + "|".join(sorted(AAMVA_LABELS, key=len, reverse=True)) + r")(?![A-Za-z])[\s.:]*(.*)$"
)
_MONTH_FIRST = re.compile(r"(?<!\d)(\d{2})[/.-](\d{2})[/.-](\d{4})(?!\d)")
_YEAR_FIRST = re.compile(r"(?<!\d)(\d{4})[/.-](\d{2})[/.-](\d{2})(?!\d)")


def north_american_date(text: str) -> dt.date | None:
    """`MM/DD/YYYY` (USA) or `YYYY/MM/DD` (Canada); anything else, or no calendar day, is None."""
    text = re.sub(r"(?<=\d)[Oo](?=\d)", "0", text)
    found = _YEAR_FIRST.search(text)
    if found:
        y, m, d = found.groups()
    else:
        found = _MONTH_FIRST.search(text)
        if not found:
            return None
        m, d, y = found.groups()
    try:
        day = dt.date(int(y), int(m), int(d))
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2199 else None


def front_subfile(lines: Sequence[TextLine]) -> str:
    """`DL` for a licence, `ID` for an identity card: the label the front prints its number under."""
    for ln in lines:
        number = _NUMBER.match(ln.text)
        m = _LABEL.match(number.group(2) if number else ln.text)
        if m and AAMVA_LABELS[m.group(1)] == "document_number":
            return "ID" if m.group(1) == "ID" else "DL"
    return "DL"


def _value(name: str, text: str) -> str:
    if name.startswith("date_of_"):
        day = north_american_date(text)
        return day.isoformat() if day else ""
    return normalise(name, text)


def aamva_front_fields(lines: Sequence[TextLine]) -> dict[str, VisualField]:
    """The labelled fields of an AAMVA front, or {} when fewer than `MIN_LABELS` fields are found."""
    out: dict[str, VisualField] = {}
    numbered: dict[str, VisualField] = {}
    for ln in lines:
        raw = ln.text
        number = _NUMBER.match(raw)
        if number:
            raw = number.group(2)
        m = _LABEL.match(raw)
        if not m:
            name = AAMVA_NUMBERS.get(number.group(1).lower(), "") if number else ""
            value = _value(name, raw) if name else ""
            if value and name not in numbered:
                numbered[name] = VisualField(name, raw.strip(), value, ln.pixel_box)
            continue
        name = AAMVA_LABELS[m.group(1)]
        source, text = ln, m.group(2).strip()
        if not text:  # the label read apart from its value: the value is the next box on its row
            right = [
                o
                for o in lines
                if o is not ln
                and abs(o.cy - ln.cy) < 0.5 * max(ln.height, o.height)
                and 0 <= o.x0 - ln.x1 <= 3 * max(ln.height, 1.0)
            ]
            if not right:
                continue
            source = min(right, key=lambda o: o.x0)
            text = source.text.strip()
        value = _value(name, text)
        if value and name not in out:
            out[name] = VisualField(name, text, value, source.pixel_box)
    if len(out) < MIN_LABELS:
        return {}
    return numbered | out
