"""Printed dates of the visual zone -> `datetime.date`: `12 AUG/AOÛT 1974`, `12.08.1974`, `12 08 74`."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# First letters of month names and abbreviations in EU languages, accents dropped, lower case.
# Longer keys are tried first, so `juil` (July) wins over `jui`.
MONTH_PREFIXES: dict[str, int] = {
    "jan": 1,
    "ene": 1,
    "gen": 1,
    "sty": 1,
    "tam": 1,
    "led": 1,
    "sau": 1,
    "ian": 1,
    "sij": 1,
    "jaa": 1,
    "feb": 2,
    "fev": 2,
    "lut": 2,
    "hel": 2,
    "uno": 2,
    "veb": 2,
    "vas": 2,
    "fre": 2,
    "velj": 2,
    "mar": 3,
    "maa": 3,
    "mrt": 3,
    "maal": 3,
    "kwi": 4,
    "apr": 4,
    "avr": 4,
    "abr": 4,
    "bre": 4,
    "huh": 4,
    "may": 5,
    "mai": 5,
    "mei": 5,
    "maj": 5,
    "mag": 5,
    "kve": 5,
    "tou": 5,
    "geg": 5,
    "svi": 5,
    "jun": 6,
    "juin": 6,
    "giu": 6,
    "cze": 6,
    "cer": 6,
    "kes": 6,
    "bir": 6,
    "lip": 7,
    "jul": 7,
    "juil": 7,
    "lug": 7,
    "cvc": 7,
    "hei": 7,
    "lie": 7,
    "aug": 8,
    "aou": 8,
    "ago": 8,
    "sie": 8,
    "elo": 8,
    "rgp": 8,
    "kol": 8,
    "sep": 9,
    "set": 9,
    "wrz": 9,
    "zar": 9,
    "syy": 9,
    "rug": 9,
    "szep": 9,
    "ruj": 9,
    "oct": 10,
    "okt": 10,
    "ott": 10,
    "out": 10,
    "paz": 10,
    "rij": 10,
    "lok": 10,
    "spa": 10,
    "okto": 10,
    "nov": 11,
    "lis": 11,
    "lap": 11,
    "stu": 11,
    "dec": 12,
    "dez": 12,
    "dic": 12,
    "gru": 12,
    "pro": 12,
    "jou": 12,
    "des": 12,
    "pros": 12,
}
_KEYS = sorted(MONTH_PREFIXES, key=len, reverse=True)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii()).lower()


def _month(word: str) -> int | None:
    w = _plain(word)
    if len(w) < 3 or not w.isalpha():
        return None
    return next((MONTH_PREFIXES[k] for k in _KEYS if w.startswith(k) and k.isalpha()), None)


def _year(token: str, future: bool, today: dt.date) -> int | None:
    if len(token) == 4:
        year = int(token)
        return year if 1900 <= year <= 2100 else None
    if len(token) != 2:
        return None
    yy = int(token)
    if future:  # issue and expiry dates: this century, unless that is absurdly far ahead
        year = 2000 + yy
        return year if year <= today.year + 20 else 1900 + yy
    year = 2000 + yy
    return year if year <= today.year else 1900 + yy


def _build(y: int | None, m: int | None, d: int) -> dt.date | None:
    if y is None or m is None:
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_date(text: str, *, future: bool = False, today: dt.date | None = None) -> dt.date | None:
    """Day-month-year as printed in Europe; a word month may be bilingual (`AUG/AOÛT`)."""
    today = today or dt.date.today()
    # OCR reads a few digits as letters inside numbers; only fix them between digits
    text = re.sub(r"(?<=\d)[Oo](?=\d)", "0", text)
    # a separator's dot is read as a colon or a comma now and then (`14.01:2012`)
    numeric = re.search(r"(?<!\d)(\d{1,2})\s*[./\-:, ]\s*(\d{1,2})\s*[./\-:, ]\s*(\d{4}|\d{2})(?!\d)", text)
    if numeric:
        d, m, y = numeric.groups()
        return _build(_year(y, future, today), int(m), int(d))
    compact = re.search(r"(?<!\d)(\d{2})(\d{2})(\d{4})(?!\d)", text)
    if compact:
        d, m, y = compact.groups()
        return _build(_year(y, future, today), int(m), int(d))
    words = re.findall(r"\d+|[^\W\d_]+", text)
    day = next((int(w) for w in words if w.isdigit() and len(w) <= 2 and 1 <= int(w) <= 31), None)
    month = next((m for w in words if (m := _month(w)) is not None), None)
    digits = [w for w in words if w.isdigit()]
    if day is None or len(digits) < 2:
        return None
    return _build(_year(digits[-1], future, today), month, day)
