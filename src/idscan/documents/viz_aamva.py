"""The printed front of a US or Canadian licence or ID card (AAMVA card design): labels in front of,
beside or above their values (`DL A1234567`, `LN SMITH`, `4d DLN` over `1234567`, `DOB 01/31/1990`).

Kept apart from the European label tables in `viz.py`: these short labels are ordinary words
elsewhere (`ID`, `ISS`), so they count only where a side shows several of them, and North American
dates are read in their own order: month first in the USA (`01/31/1990`), year first in Canada
(`1990/01/31`). A European reading of `03/04/1990` would be a wrong date, never a refused one.

Issuers lay the front out in their own way, so a label's value is looked for where any of them
puts it: after the label on its line (up to the next label: `DOB: 08-16-1960 SEX: M`), in the box to
its right, or under it (`4d CREDENTIAL IDENTIFIER` over `NHL12506717`). A value that does not have
its field's shape (a date, a number with a digit, a name without digits, M/F/X) is no value, and a
field without one is left out: it is never guessed from an unlabelled line.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from idscan.documents.ocr import TextLine
from idscan.documents.viz import VisualField, normalise, parse_sex

# fmt: off
# Label -> field, as the OCR reads them (matched without regard to case). `strong` labels are the
# North American short forms; the English words (`SEX`, `DATE OF BIRTH`) also label European
# cards, so a side needs two strong ones to count as a US/Canadian front (`MIN_STRONG`).
_FIELD_LABELS: tuple[tuple[str, str, bool], ...] = (
    (r"CUSTOMER\s+IDENTIFIER", "document_number", True),  # e.g. Colorado, Maryland
    (r"CREDENTIAL\s+IDENTIFIER", "document_number", True),
    (r"LICENSE\s*/\s*ID\s+NO\b\.?", "document_number", True),
    (r"LIC(?:ENSE)?\.?\s*(?:NO\b\.?|#)", "document_number", True),  # `Lic. No:`, `License #`
    (r"DL\s*NO\b\.?", "document_number", True),
    (r"DLN", "document_number", True),
    (r"DL", "document_number", True),
    (r"ID", "document_number", True),
    (r"NO\.", "document_number", False),
    (r"DATE\s+OF\s+BIRTH", "date_of_birth", False),
    (r"D\.O\.[B8]\.?", "date_of_birth", True),  # an 8 for the B in a small print
    (r"DOB", "date_of_birth", True),
    (r"EXPIRATION(?:\s+DATE)?", "date_of_expiry", False),
    (r"DATE\s+OF\s+EXP(?:IRATION)?", "date_of_expiry", True),
    (r"EXPIRES", "date_of_expiry", True),
    (r"EXP", "date_of_expiry", True),
    (r"ISSUE\s+DATE", "date_of_issue", False),
    (r"DATE\s+OF\s+ISSUE", "date_of_issue", False),
    (r"ISSUED", "date_of_issue", True),
    (r"ISS", "date_of_issue", True),
    (r"SEX", "sex", False),
    (r"FAMILY\s+NAME", "surname", False),
    (r"LN", "surname", True),
    (r"GIVEN\s+NAMES?", "given_names", False),
    (r"FN", "given_names", True),
)
# Labels of fields that are not ours: they end the value before them on a line
# (`SEX M HGT 5'-08"`), and a line of them is no value of another label.
_OTHER_LABELS = (
    r"HGT", r"HT", r"HEIGHT", r"WGT", r"WT", r"WEIGHT", r"EYES?", r"HAIR", r"CLASS", r"CL",
    r"END(?:ORSE(?:MENTS)?)?", r"REST(?:R(?:ICTIONS)?)?", r"RSTR", r"DD", r"ADDRESS", r"DONOR",
    r"VETERAN", r"REPLACED", r"RE", r"EN",
)
# The card design standard numbers the front's fields after ISO/IEC 18013-1, printed before the
# label (`4d DLN`, `3 DOB`, `15 SEX`) or alone (`4d 1234567`, `1 SMITH`). Alone, a number names
# its field only where its value has the field's shape; `1` and `2` only as a pair of name lines
# (`1 SMITH` could be a house number, `1 WONDERFUL DRIVE`), and on an EU card `4d` is the personal
# number: numbers alone never make a side an AAMVA front.
AAMVA_NUMBERS: dict[str, str] = {
    "1": "surname", "2": "given_names", "3": "date_of_birth", "4a": "date_of_issue",
    "4b": "date_of_expiry", "4d": "document_number", "15": "sex",
}
# fmt: on
MIN_LABELS = 3  # distinct fields: one `ID` or `EXP` on a European card is not an AAMVA front
MIN_STRONG = 2  # of them under a North American label (`DOB`, `EXP`, `DL`...), not an English word
_NUMBER = r"(?P<num>\d{1,2}[a-dA-D]?)(?:[.,]\s*|\s+|(?=[A-Za-z]))"
_ALL = [(p, f, s) for p, f, s in _FIELD_LABELS] + [(p, "", False) for p in _OTHER_LABELS]
_LABEL = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    + _NUMBER
    + r")?(?P<label>"
    + "|".join(f"(?P<l{i}>{p})" for i, (p, _f, _s) in enumerate(_ALL))
    + r")(?![A-Za-z])",
    re.IGNORECASE,
)
# Labels printed against their value with nothing between (`DLI1234568`, `LNCARDHOLDER`,
# `SEXMHT`), in capitals, at the start of a line only: a word that merely begins so stays a word.
_GLUED = re.compile(r"^(?P<label>(?P<g0>DL)(?=[A-Z]?\d)|(?P<g1>LN)(?=[A-Z]{2})|(?P<g2>FN)(?=[A-Z]{2})"
                    r"|(?P<g3>SEX)(?=[MFX](?:HGT|HT)\b))")  # fmt: skip
_GLUED_FIELDS = ("document_number", "surname", "given_names", "sex")
_LEAD_NUMBER = re.compile(r"^\s*" + _NUMBER + r"(?P<rest>.*)$")
_MONTH_FIRST = re.compile(r"(?<!\d)(\d{2})[/.-](\d{2})[/.-](\d{4})(?!\d)")
_YEAR_FIRST = re.compile(r"(?<!\d)(\d{4})[/.-](\d{2})[/.-](\d{2})(?!\d)")
_SEPARATORS = " \t:.#,;"


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


@dataclass(frozen=True)
class _Label:
    field: str  # "" for a label of a field that is not ours
    line: TextLine
    x: float  # where the label starts (estimated from its place in the line's text)
    rest: str  # the text after the label, up to the next label on the line
    last: bool  # no other label after it on its line: the box to the right may be its value
    strong: bool
    word: str  # the label as printed ("" for a field number alone)


def _labels_in(line: TextLine) -> list[_Label]:
    """The labels of one line, which must begin with one (a line that does not is a value)."""
    text = _fold(line.text)
    found: list[tuple[int, int, str, bool, str]] = []  # (start, end, field, strong, word)
    glued = _GLUED.match(text.strip())
    lead = text[: len(text) - len(text.lstrip())]
    if glued:
        i = next(int(k[1:]) for k, v in glued.groupdict().items() if k != "label" and v)
        found.append((len(lead), len(lead) + glued.end(), _GLUED_FIELDS[i], True, glued.group("label")))
    for m in _LABEL.finditer(text, found[0][1] if found else 0):
        i = next(int(k[1:]) for k, v in m.groupdict().items() if k.startswith("l") and v and k != "label")
        _pattern, field, strong = _ALL[i]
        num = m.group("num")
        numbered = AAMVA_NUMBERS.get(num.lower(), "") if num else ""
        if not found and m.start() == len(lead) and numbered and numbered != field:
            # the card design's number decides (`2 DL ADULT NON REAL ID` is a given name)
            return [_Label(numbered, line, line.x0, text[m.end("num") :].strip(_SEPARATORS), True, False, "")]
        if num and AAMVA_NUMBERS.get(num.lower()) == field:
            strong = True  # `4d CREDENTIAL IDENTIFIER`: the card design's number with its label
        found.append((m.start(), m.end(), field, strong, m.group("label")))
    if not found or text[: found[0][0]].strip():
        number = _LEAD_NUMBER.match(text)
        field = AAMVA_NUMBERS.get(number.group("num").lower(), "") if number else ""
        if not number or not field or (found and text[: found[0][0]].strip() != number.group("num")):
            return []
        # a field number alone (`4d 1234567`, `1 SMITH`): the number is the label
        nxt = found[0][0] if found else len(text)
        rest = text[number.end("num") : nxt].strip(_SEPARATORS)
        return [_Label(field, line, line.x0, rest, not found, False, ""), *_as_labels(line, text, found)]
    return _as_labels(line, text, found)


def _as_labels(line: TextLine, text: str, found: list[tuple[int, int, str, bool, str]]) -> list[_Label]:
    out = []
    width = max(1.0, line.x1 - line.x0)
    for k, (start, end, field, strong, word) in enumerate(found):
        nxt = found[k + 1][0] if k + 1 < len(found) else len(text)
        rest = text[end:nxt].strip(_SEPARATORS)
        x = line.x0 + width * start / max(1, len(text))
        out.append(_Label(field, line, x, rest, k + 1 == len(found), strong, word))
    return out


def _fold(text: str) -> str:
    """Accents dropped letter by letter (`Dáte of birth`), so positions in the text stay the same."""
    return "".join((unicodedata.normalize("NFKD", c)[:1] or c) for c in text)


def _sex(text: str) -> str:
    """M, F or X: the value's first word (`F 5'-05"` under `15 SEX 16 HGT`; `MHT` in `SEXMHT 5-05`)."""
    tokens = [t for t in re.split(r"[\s:]+", text.strip().upper()) if t]
    if not tokens:
        return ""
    first = tokens[0]
    if first in ("M", "F", "X"):
        return first
    if first[:1] in ("M", "F", "X") and first[1:] in ("HT", "HGT"):
        return first[0]
    return (parse_sex(text) or "") if len(tokens) == 1 else ""


def _value(name: str, text: str) -> str:
    if name.startswith("date_of_"):
        day = north_american_date(text)
        return day.isoformat() if day else ""
    if name == "sex":
        return _sex(text)
    if name == "document_number" and not re.search(r"\d", text):
        return ""  # licence numbers hold digits; `DL ADULT NON REAL ID` is a name
    return normalise(name, text)


def _right_of(lab: _Label, lines: Sequence[TextLine]) -> list[TextLine]:
    ln = lab.line
    h = max(ln.height, 1.0)
    return sorted(
        (
            o
            for o in lines
            if o is not ln
            and abs(o.cy - ln.cy) < 0.5 * max(h, o.height)
            and -0.5 * h <= o.x0 - ln.x1 <= 3 * h
        ),
        key=lambda o: o.x0,
    )


def _below(lab: _Label, lines: Sequence[TextLine], label_lines: set[int]) -> list[TextLine]:
    """Value lines under a label, nearest first (a label over its value: `3 DOB` over `04/24/1976`)."""
    ln = lab.line
    h = max(ln.height, 1.0)
    near = []
    for o in lines:
        if o is ln or id(o) in label_lines:
            continue
        dy, dx = o.y0 - ln.y1, o.x0 - lab.x
        if -0.5 * h <= dy <= 1.6 * h and -1.5 * h <= dx <= 3 * h:
            near.append((dy / h + abs(dx) / (3 * h), o))
    return [o for _s, o in sorted(near, key=lambda t: t[0])]


def _more_given_names(first: TextLine, lines: Sequence[TextLine], label_lines: set[int]) -> list[TextLine]:
    """Given names that run on under the first line (`THOMAS` over `ALEXANDER`), up to the next label."""
    out, last = [first], first
    while True:
        h = max(last.height, 1.0)
        nxt = [
            o
            for o in lines
            if id(o) not in label_lines
            and o not in out
            and -0.3 * h <= o.y0 - last.y1 <= 0.8 * h
            and abs(o.x0 - last.x0) <= h
        ]
        if len(nxt) != 1 or not normalise("given_names", nxt[0].text) or re.search(r"\d", nxt[0].text):
            return out
        out.append(nxt[0])
        last = nxt[0]


def _numbered_names(labels: Sequence[_Label]) -> dict[str, VisualField]:
    """`1 SMITH` and `2 JOHN` read as names only as a pair of lines, one over the other, in one column."""
    one = [
        lab for lab in labels if lab.field == "surname" and not lab.word and normalise("surname", lab.rest)
    ]
    two = [
        lab
        for lab in labels
        if lab.field == "given_names" and not lab.word and normalise("given_names", lab.rest)
    ]
    if len(one) != 1 or len(two) != 1:
        return {}
    a, b = one[0].line, two[0].line
    h = max(a.height, b.height, 1.0)
    if abs(a.cy - b.cy) > 2.5 * h or abs(a.x0 - b.x0) > 1.5 * h or a is b:
        return {}
    return {
        lab.field: VisualField(lab.field, lab.rest, normalise(lab.field, lab.rest), lab.line.pixel_box)
        for lab in (one[0], two[0])
    }


def aamva_front_fields(lines: Sequence[TextLine]) -> dict[str, VisualField]:
    """The labelled fields of an AAMVA front, or {} when fewer than `MIN_LABELS` fields are found
    (or fewer than `MIN_STRONG` of them under North American labels)."""
    ordered = sorted(lines, key=lambda o: (o.cy, o.x0))
    labels = [lab for ln in ordered for lab in _labels_in(ln)]
    # label lines, then each line taken as a value: one printed value belongs to one label
    label_lines = {id(lab.line) for lab in labels}
    out: dict[str, VisualField] = {}
    strong: set[str] = set()
    for lab in labels:
        if not lab.field or not lab.word or lab.field in out:
            continue  # numbers alone are read below, once the side is known to be a front
        found = _read_value(lab, lab.field, ordered, label_lines)
        if found is not None:
            out[lab.field] = found
            if lab.strong:
                strong.add(lab.field)
    if len(out) < MIN_LABELS or len(strong) < MIN_STRONG:
        return {}
    names = _numbered_names(labels)
    for lab in labels:
        if (
            lab.field
            and not lab.word
            and lab.field not in out
            and lab.field not in ("surname", "given_names")
        ):
            found = _read_value(lab, lab.field, ordered, label_lines)
            if found is not None:
                out[lab.field] = found
    return _consistent(out | {k: v for k, v in names.items() if k not in out})


def _read_value(
    lab: _Label, name: str, lines: Sequence[TextLine], label_lines: set[int]
) -> VisualField | None:
    value = _value(name, lab.rest) if lab.rest else ""
    if value:
        return VisualField(name, lab.rest, value, lab.line.pixel_box)
    if lab.rest and name not in ("sex",) and not name.startswith("date_of_"):
        return None  # text after a name or number label that is not one: not to be looked for elsewhere
    candidates = (_right_of(lab, lines) if lab.last else []) + _below(lab, lines, label_lines)
    for o in candidates:
        if id(o) in label_lines:
            continue
        value = _value(name, o.text)
        if not value:
            continue
        if name == "given_names" and o not in _right_of(lab, lines):
            more = _more_given_names(o, lines, label_lines)
            label_lines.update(id(m) for m in more)
            text = " ".join(m.text.strip() for m in more)
            x0, y0 = min(m.pixel_box[0] for m in more), min(m.pixel_box[1] for m in more)
            x1, y1 = max(m.pixel_box[2] for m in more), max(m.pixel_box[3] for m in more)
            return VisualField(name, text, normalise(name, text), (x0, y0, x1, y1))
        label_lines.add(id(o))
        return VisualField(name, o.text.strip(), value, o.pixel_box)
    return None


def _consistent(out: dict[str, VisualField]) -> dict[str, VisualField]:
    """Dates that cannot all be right (born after the card was issued, expiring before it) are all
    dropped: one of them belongs to another label."""
    days = {k: dt.date.fromisoformat(v.value) for k, v in out.items() if k.startswith("date_of_")}
    born, issued, expires = (days.get(k) for k in ("date_of_birth", "date_of_issue", "date_of_expiry"))
    bad = (born and issued and born >= issued) or (born and expires and born >= expires)
    bad = bad or (issued and expires and expires < issued)
    return {k: v for k, v in out.items() if not (bad and k in days)}


def front_subfile(lines: Sequence[TextLine]) -> str:
    """`DL` for a licence, `ID` for an identity card: the label the front prints its number under."""
    for ln in sorted(lines, key=lambda o: (o.cy, o.x0)):
        for lab in _labels_in(ln):
            if lab.field == "document_number" and lab.word:
                return "ID" if lab.word.upper() == "ID" else "DL"
    return "DL"
