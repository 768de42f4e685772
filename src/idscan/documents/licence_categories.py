"""The vehicle categories of an EU driving licence (Directive 2006/126/EC card model). Pure: OCR
lines in, categories out.

The front lists them in field `9.` (`9. AM/A1/B/BE`); the back repeats them as a table, one row per
category: the category (column 9, beside its pictogram), the date it was first granted (column 10),
its expiry (column 11) and restriction codes (column 12). A row without a date is a category the
holder does not have.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from idscan.documents.ocr import TextLine
from idscan.documents.viz_dates import parse_date

# The directive's categories, then national ones printed in the same table (NL/DE/AT `T`, DE `L`,
# BE `G`).
CATEGORIES = (
    "AM",
    "A1",
    "A2",
    "A",
    "B1",
    "B",
    "BE",
    "C1",
    "C1E",
    "C",
    "CE",
    "D1",
    "D1E",
    "D",
    "DE",
    "T",
    "L",
    "G",
)
# OCR confusions inside a category code: digit places only hold 1 (`AI` is `A1`)
_DIGITS = str.maketrans({"I": "1", "l": "1", "|": "1", "i": "1"})
_FRONT = re.compile(r"^\s*9\s*[.,:]?\s*(.+)$")
_DATE = re.compile(r"(?<!\d)\d{1,2}\s*[./-]\s*\d{1,2}\s*[./-]\s*(?:\d{4}|\d{2})(?!\d)")
MIN_TABLE_ROWS = 2  # dated category rows from which a side counts as the back's table
# ... or one dated row among this many category codes (the table prints every category, held or not:
# a holder of B alone has one dated row)
MIN_TABLE_CODES = 5


@dataclass(frozen=True)
class Category:
    category: str
    valid_from: date | None = None
    valid_until: date | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {
            "category": self.category,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
        }


def category_code(token: str) -> str | None:
    """`B`, `C1E`, `AI` (read for A1): the category a printed token names, or None."""
    # no category starts with O: a glued `O`/`0` is the pictogram before it (`OOA`)
    token = token.strip(" .,;:()[]").lstrip("O0o")
    if not token or len(token) > 3:
        return None
    fixed = token[0].upper() + token[1:].translate(_DIGITS).upper()
    return fixed if fixed in CATEGORIES else None


def front_categories(lines: Sequence[TextLine]) -> tuple[str, ...]:
    """The categories listed in field `9.` of a licence's front (empty when it is not there)."""
    for ln in lines:
        m = _FRONT.match(ln.text)
        if not m:
            continue
        tokens = [t for t in re.split(r"[\s/,;]+", m.group(1)) if t]
        codes = [category_code(t) for t in tokens]
        # every token must be a category: `9` also starts other lines (a date, a number)
        if tokens and all(codes):
            return tuple(dict.fromkeys(c for c in codes if c))
    return ()


def back_table(lines: Sequence[TextLine], today: date) -> tuple[Category, ...]:
    """The dated rows of the back's table, top to bottom: a category code that starts a line, with
    the dates on its row (in the same OCR line or in lines to its right at the same height)."""
    rows: list[tuple[float, Category]] = []
    seen: set[str] = set()
    for ln in lines:
        code, rest = row_head(ln.text)
        if code is None or code in seen:
            continue
        h = max(ln.height, 1.0)
        # the row's other cells left to right: column 10 (granted) before column 11 (expiry)
        cells = sorted(
            (o for o in lines if o is not ln and abs(o.cy - ln.cy) < 0.5 * max(h, o.height) and o.x0 > ln.x0),
            key=lambda o: o.x0,
        )
        days = _dates(" ".join([rest, *(o.text for o in cells)]), today)
        if not days:
            continue
        seen.add(code)
        first = days[0]
        until = next((d for d in days[1:] if d >= first), None)
        rows.append((ln.cy, Category(code, first, until)))
    return tuple(c for _, c in sorted(rows, key=lambda r: r[0]))


def row_head(text: str) -> tuple[str | None, str]:
    """The category that starts a table row and the rest of the row's text. The category's
    pictogram may be read as a short token before it (`O AM`, `0 A1`)."""
    tokens = text.split()
    for i, token in enumerate(tokens[:3]):
        code = category_code(token)
        if code is not None:
            return code, " ".join(tokens[i + 1 :])
        if len(token) > 2 or _DATE.search(token):
            break
    return None, ""


def code_lines(lines: Sequence[TextLine]) -> int:
    """How many lines start with a category code (the back's column 9)."""
    return sum(row_head(ln.text)[0] is not None for ln in lines)


def _dates(text: str, today: date) -> list[date]:
    out: list[date] = []
    for m in _DATE.finditer(text):
        # a row's dates run from the past (granted) into the future (expiry): both plausible ways
        found = parse_date(m.group(0), future=bool(out), today=today)
        if found is not None:
            out.append(found)
    return out


def is_table_side(table: Sequence[Category], codes: int) -> bool:
    """The back of a licence: dated rows of its table, among the category codes of column 9."""
    return len(table) >= MIN_TABLE_ROWS or (len(table) >= 1 and codes >= MIN_TABLE_CODES)


def merged(front: Sequence[str], table: Sequence[Category]) -> tuple[Category, ...]:
    """The table's rows, then any category the front lists that the table did not give (undated)."""
    have = {c.category for c in table}
    return (*table, *(Category(code) for code in front if code not in have))


# The table's rows in the directive's order (annex I): every member state prints them so.
TABLE_ORDER = ("AM", "A1", "A2", "A", "B1", "B", "C1", "C", "D1", "D", "BE", "C1E", "CE", "D1E", "DE")
MIN_ANCHORS = 3  # code lines read in their row that fix the table's pitch


def complete_table(
    lines: Sequence[TextLine], table: Sequence[Category], front_codes: Sequence[str], today: date
) -> tuple[Category, ...]:
    """`table` with the dated rows whose category code the OCR did not read: the rows follow the
    directive's order at one pitch, so the codes that were read place the others. Only a category
    the front's field 9. lists is taken this way (a row placed one off would name another)."""
    missing = [c for c in front_codes if c in TABLE_ORDER and c not in {t.category for t in table}]
    anchors = [
        (TABLE_ORDER.index(code), ln.cy) for ln in lines if (code := row_head(ln.text)[0]) in TABLE_ORDER
    ]
    if not missing or len(anchors) < MIN_ANCHORS:
        return tuple(table)
    slope, offset = np.polyfit([i for i, _ in anchors], [y for _, y in anchors], 1)
    residual = max(abs(offset + slope * i - y) for i, y in anchors)
    if slope <= 0 or residual > 0.3 * slope:
        return tuple(table)  # the codes read do not sit at one pitch: no placing by position
    out = list(table)
    for code in missing:
        row_y = offset + slope * TABLE_ORDER.index(code)
        cells = sorted((ln for ln in lines if abs(ln.cy - row_y) < 0.35 * slope), key=lambda ln: ln.x0)
        days = _dates(" ".join(ln.text for ln in cells), today)
        if days:
            until = next((d for d in days[1:] if d >= days[0]), None)
            out.append(Category(code, days[0], until))
    return tuple(
        sorted(out, key=lambda c: TABLE_ORDER.index(c.category) if c.category in TABLE_ORDER else 99)
    )
