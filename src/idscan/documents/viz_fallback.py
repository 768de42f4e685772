"""When labels were not found: find printed values by what the MRZ says they should be.

Small scans and unusual layouts leave labels unread. A printed line whose value equals the MRZ's
(dates in any printed form, names in any transliteration, numbers without blanks) is that field's
print. This finds agreement only, never disagreement, so fields found this way count as compared
but a mismatch can only come from label-based reading.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from idscan.documents.mrz import MrzResult, visual_confirms
from idscan.documents.ocr import TextLine
from idscan.documents.viz import DATE_FIELDS, VisualField, normalise, parse_sex

GUIDED = ("surname", "given_names", "document_number", "personal_number", "date_of_birth", "date_of_expiry")


def _box(ln: TextLine) -> tuple[int, int, int, int]:
    return (int(ln.x0), int(ln.y0), int(ln.x1 + 0.999), int(ln.y1 + 0.999))


def _compact(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def _matches(name: str, mrz_value: str, ln: TextLine) -> str | None:
    text = ln.text.strip()
    if name in DATE_FIELDS:
        value = normalise(name, text)
        return value if value == mrz_value else None
    if name in ("document_number", "personal_number"):
        return _compact(text) if len(mrz_value) >= 5 and _compact(text) == _compact(mrz_value) else None
    if name in ("surname", "given_names") and not any(c.isdigit() for c in text):
        return normalise(name, text) if visual_confirms(name, mrz_value, text) else None
    return None


def guided_fields(
    lines: Sequence[TextLine], mrz: MrzResult, found: Mapping[str, VisualField], used: Sequence[TextLine] = ()
) -> dict[str, VisualField]:
    """Printed values for MRZ fields the label reading did not find, matched by value."""
    taken = {id(ln) for ln in used}
    out: dict[str, VisualField] = {}
    for name in GUIDED:
        want = mrz.value(name)
        if name in found or not want:
            continue
        for ln in lines:
            if id(ln) in taken:
                continue
            value = _matches(name, want, ln)
            if value:
                out[name] = VisualField(name, ln.text.strip(), value, _box(ln))
                taken.add(id(ln))
                break
    sex = mrz.value("sex")
    if "sex" not in found and sex in ("M", "F"):
        for ln in lines:
            if id(ln) not in taken and len(ln.text.strip()) <= 5 and parse_sex(ln.text) == sex:
                out["sex"] = VisualField("sex", ln.text.strip(), sex, _box(ln))
                taken.add(id(ln))
                break
    if "date_of_issue" not in found:
        issue = _issue_date(lines, taken, mrz)
        if issue is not None:
            out["date_of_issue"] = issue
    return out


def _issue_date(lines: Sequence[TextLine], taken: set[int], mrz: MrzResult) -> VisualField | None:
    """The printed date that is neither birth nor expiry and lies between them: the issue date.
    With several, the one a whole number of years (less a day) before expiry."""
    birth, expiry = mrz.value("date_of_birth"), mrz.value("date_of_expiry")
    if not birth or not expiry:
        return None
    best: tuple[int, VisualField] | None = None
    for ln in lines:
        value = normalise("date_of_issue", ln.text) if id(ln) not in taken else ""
        if not value or value in (birth, expiry) or not birth < value < expiry:
            continue
        months = (int(expiry[:4]) - int(value[:4])) * 12 + int(expiry[5:7]) - int(value[5:7])
        rank = 0 if months % 12 in (0, 11) else 1
        if best is None or rank < best[0]:
            best = (rank, VisualField("date_of_issue", ln.text.strip(), value, _box(ln)))
    return best[1] if best else None
