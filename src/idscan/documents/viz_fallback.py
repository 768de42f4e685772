"""When labels were not found: find printed values by what the MRZ says they should be.

Small scans and unusual layouts leave labels unread. A printed line whose value equals the MRZ's
(dates in any printed form, names in any transliteration, numbers without blanks) is that field's
print. This finds agreement only, never disagreement, so fields found this way count as compared
but a mismatch can only come from label-based reading. Two fields the MRZ does not hold come from
the layout: the place of birth beside the sex (ICAO 9303's order), the issue date between birth
and expiry. `near_names` offers the line most like an unsettled MRZ name to the reconciler's vote.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from difflib import SequenceMatcher

from idscan.documents.fields import latin
from idscan.documents.mrz import MrzResult, visual_confirms
from idscan.documents.mrz.charsets import compact
from idscan.documents.ocr import TextLine
from idscan.documents.viz import DATE_FIELDS, VisualField, normalise

GUIDED = ("surname", "given_names", "document_number", "personal_number", "date_of_birth", "date_of_expiry")


def _matches(name: str, mrz_value: str, ln: TextLine) -> str | None:
    text = ln.text.strip()
    if name in DATE_FIELDS:
        value = normalise(name, text)
        return value if value == mrz_value else None
    if name in ("document_number", "personal_number"):
        if len(mrz_value) < 5 or compact(text) != compact(mrz_value):
            return None
        return normalise(name, text) or compact(text)  # as printed (`311266-9539`), blanks dropped
    if name in ("surname", "given_names"):
        value = normalise(name, text)  # drops a field number glued on (`1BASANAVICIENÉ`)
        ok = value and not any(c.isdigit() for c in value) and visual_confirms(name, mrz_value, value)
        return value if ok else None
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
                out[name] = VisualField(name, ln.text.strip(), value, ln.pixel_box)
                taken.add(id(ln))
                break
    sex = mrz.value("sex")
    if "sex" not in found and sex in ("M", "F"):
        for ln in lines:
            if id(ln) not in taken and len(ln.text.strip()) <= 5 and normalise("sex", ln.text) == sex:
                out["sex"] = VisualField("sex", ln.text.strip(), sex, ln.pixel_box)
                taken.add(id(ln))
                break
    if "place_of_birth" not in found:
        place = _place_beside_sex(lines, taken, found.get("sex") or out.get("sex"))
        if place is not None:
            out["place_of_birth"] = place
    if "date_of_issue" not in found:
        issue = _issue_date(lines, taken, mrz)
        if issue is not None:
            out["date_of_issue"] = issue
    return out


def _place_beside_sex(
    lines: Sequence[TextLine], taken: set[int], sex: VisualField | None
) -> VisualField | None:
    """ICAO 9303's visual zone prints the place of birth right beside the sex, on one row (passports
    and the cards that follow it): with its label unread, the nearest such word there."""
    if sex is None:
        return None
    _, y0, x1, y1 = sex.box
    h = max(y1 - y0, 1)
    row = [
        (ln.x0, place, ln)
        for ln in lines
        if id(ln) not in taken
        and abs(ln.cy - (y0 + y1) / 2) < 0.5 * h
        and 0 < ln.x0 - x1 < 8 * h
        and (place := normalise("place_of_birth", ln.text))
        and not normalise("date_of_birth", ln.text)
    ]
    if not row:
        return None
    _, place, ln = min(row, key=lambda r: r[0])
    return VisualField("place_of_birth", ln.text.strip(), place, ln.pixel_box)


NEAR_NAME = 0.8  # similarity of a printed line to an MRZ name read to be offered as its print


def near_names(
    lines: Sequence[TextLine], mrz: MrzResult, names: Sequence[str], used: Sequence[TextLine] = ()
) -> dict[str, VisualField]:
    """For MRZ names the readers did not settle and no label found: the printed line most like the
    MRZ's reading, offered to the reconciler's vote (which takes it only where the MRZ readers
    back each of its letters). Not evidence on its own."""
    taken = {id(ln) for ln in used}
    out: dict[str, VisualField] = {}
    for name in names:
        want = mrz.value(name)
        if not want or len(want) < 4:
            continue
        scored = [
            (SequenceMatcher(None, latin(ln.text), want, autojunk=False).ratio(), i)
            for i, ln in enumerate(lines)
            if id(ln) not in taken and not any(c.isdigit() for c in ln.text)
        ]
        if scored:
            ratio, i = max(scored)
            if ratio >= NEAR_NAME:
                out[name] = VisualField(
                    name, lines[i].text.strip(), normalise(name, lines[i].text), lines[i].pixel_box
                )
    return out


def _issue_date(lines: Sequence[TextLine], taken: set[int], mrz: MrzResult) -> VisualField | None:
    """The printed date that is neither birth nor expiry and lies between them: the issue date.
    With several, the one a whole number of years (less a day) before expiry. A date one digit from
    the birth date is that date misread (`17.11.1978` for a birth on 1976-11-17); not so near the
    expiry date, which an issue date whole years before it often is (2012-04-15 to 2022-04-15)."""
    birth, expiry = mrz.value("date_of_birth"), mrz.value("date_of_expiry")
    if not birth or not expiry:
        return None
    best: tuple[int, VisualField] | None = None
    for ln in lines:
        value = normalise("date_of_issue", ln.text) if id(ln) not in taken else ""
        if not value or not birth < value < expiry or _misread(value, birth):
            continue
        months = (int(expiry[:4]) - int(value[:4])) * 12 + int(expiry[5:7]) - int(value[5:7])
        rank = 0 if months % 12 in (0, 11) else 1
        if best is None or rank < best[0]:
            best = (rank, VisualField("date_of_issue", ln.text.strip(), value, ln.pixel_box))
    return best[1] if best else None


def _misread(value: str, date: str) -> bool:
    """Equal, or one character apart (ISO dates: one digit)."""
    return len(value) == len(date) and sum(a != b for a, b in zip(value, date, strict=True)) <= 1
