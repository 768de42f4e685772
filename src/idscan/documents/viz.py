"""Visual zone: find printed labels (main EU languages) and the value each one names.

Works on OCR lines of the upright, flattened document. A label names the value printed below it
(passport and ID-card families) or to its right on the same row; EU driving licences number their
fields instead (1. surname, 2. given names, 3. birth, 4a/4b issue/expiry, 5. number).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np

from idscan.documents.ocr import TextLine
from idscan.documents.viz_dates import parse_date
from idscan.documents.viz_labels import LABELS, LICENCE_NUMBERS, RAW_LABELS

DATE_FIELDS = ("date_of_birth", "date_of_issue", "date_of_expiry")
_PHRASES = sorted(((p, f) for f, ps in LABELS.items() for p in ps), key=lambda x: -len(x[0]))
_PHRASE_PATTERNS = [(p, re.compile(rf"(?<![a-z0-9]){re.escape(p)}(?![a-z0-9])"), f) for p, f in _PHRASES]
_FIELD_NUMBER = re.compile(r"^\d{1,2}\.?\s*(?=[^\W\d_]{2})")
# a capitalised name with one lower-case letter glued on: the mark some states print beside a name
_MARK_TAIL = re.compile(r"(?<=[A-Z]{2})[a-z]$")
# `4a`-`4d` are distinctive enough to stand without their dot (`4a 01.01.2013`); a bare digit is not
_LICENCE = re.compile(r"^\s*(4[abcdABCD](?=[.,\s\d])|[1-9](?=[.,]))[.,]?\s*(.*)$")


@dataclass(frozen=True)
class VisualField:
    """A printed value: `text` as printed, `value` normalised (ISO date, M/F, no blanks in numbers)."""

    name: str
    text: str
    value: str
    box: tuple[int, int, int, int]


def plain(text: str) -> str:
    """Lower case, accents dropped, anything but letters and digits a single blank."""
    text = text.replace("ß", "ss").replace("ł", "l").replace("Ł", "L").replace("º", "").replace("°", "")
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if c.isascii())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_only.lower()).split())


@dataclass(frozen=True)
class _Label:
    field: str
    line: TextLine
    x: float  # where the label starts, estimated inside a line that holds several labels
    rest: str  # text on the same OCR line after the label words (a `Label: value` print)
    multi: bool = False  # one OCR line held several labels: `x` is only an estimate


def _labels_in(line: TextLine) -> list[_Label]:
    text = plain(line.text)
    if not text:
        return []
    found: list[tuple[int, str, int]] = []  # (start, field, end) in `text`
    taken = [False] * len(text)
    for phrase, pattern, name in _PHRASE_PATTERNS:
        if phrase not in text:
            continue
        for m in pattern.finditer(text):
            if not any(taken[m.start() : m.end()]):
                found.append((m.start(), name, m.end()))
                for i in range(m.start(), m.end()):
                    taken[i] = True
    if not found:
        raw = _raw_label(line.text)
        if raw is not None:
            name, rest = raw
            return [_Label(name, line, line.x0, rest)]
        found = _fuzzy_labels(text)
        for start, _name, end in found:
            for i in range(start, end):
                taken[i] = True
    if not found:
        return []
    # Words that are neither label words nor separators: a value printed on the label's line.
    rest_chars = "".join(c if not taken[i] else " " for i, c in enumerate(text)).split()
    label_share = sum(taken) / max(1, len(text.replace(" ", "")))
    short = len(found) == 1 and found[0][2] - found[0][0] <= 5
    if label_share < 0.5 and short and len(rest_chars) > 3:
        return []  # a value that happens to contain a label word (e.g. a surname NOM...)
    found.sort()
    labels: list[_Label] = []
    width = line.x1 - line.x0
    merged: dict[str, tuple[int, int]] = {}
    for start, name, end in found:  # bilingual labels name one field twice: keep the first place
        if name not in merged:
            merged[name] = (start, end)
    order = sorted(merged.items(), key=lambda kv: kv[1][0])
    for i, (name, (start, _end)) in enumerate(order):
        nxt = order[i + 1][1][0] if i + 1 < len(order) else len(text)
        tail = _rest_after(line.text, text, max(e for s, _, e in found if s < nxt))
        if len(order) == 1:
            # one field's label, perhaps after words we do not know (its national-language form):
            # the value sits under the line's start
            labels.append(_Label(name, line, line.x0, tail))
            continue
        # several labels share the OCR line: estimate where this one starts
        x = line.x0 + width * start / max(1, len(text))
        labels.append(_Label(name, line, x, "", multi=True))
    return labels


FUZZY_MIN_CHARS = 8  # shorter label phrases are too easily mistaken for other words
FUZZY_RATIO = 0.82
FUZZY_ONE_WORD = 0.905
_FUZZY_PHRASES = [(p, f, len(p), Counter(p)) for p, f in _PHRASES if len(p) >= FUZZY_MIN_CHARS]
# The same phrases' letter counts as one table (phrase x letter): the bound from shared letters is
# taken for every phrase at once, a numpy step per run of words instead of a Python loop per phrase.
_FUZZY_LETTERS = {c: i for i, c in enumerate(sorted({c for p, *_ in _FUZZY_PHRASES for c in p}))}
_FUZZY_COUNTS = np.array([[n[c] for c in _FUZZY_LETTERS] for *_, n in _FUZZY_PHRASES], np.int32)
_FUZZY_SIZES = np.array([size for _, _, size, _ in _FUZZY_PHRASES], np.int32)


def _close(a: str, a_counts: Counter[str], b: str, b_counts: Counter[str], floor: float) -> float:
    """SequenceMatcher's ratio of `a` and `b` when it reaches `floor`, else 0. The bound from
    shared letters (its quick_ratio) comes from letter counts made once, so most pairs cost little."""
    shared = sum(min(n, b_counts[c]) for c, n in a_counts.items())
    if 2 * shared / (len(a) + len(b)) < floor:
        return 0.0
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    return ratio if ratio >= floor else 0.0


def _raw_label(raw: str) -> tuple[str, str] | None:
    for name, patterns in RAW_LABELS.items():
        for pattern in patterns:
            m = re.match(pattern, raw)
            if m:
                return name, raw[m.end() :].strip()
    return None


def _fuzzy_labels(text: str) -> list[tuple[int, str, int]]:
    """Label phrases a small print left misspelt (`dhte of bith`): runs of 1-4 words that come
    close to a phrase of 8 characters or more. Only for lines where no label was found exactly."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    best: list[tuple[float, int, str, int]] = []
    for i in range(len(words)):
        for n in range(1, 5):
            if i + n > len(words):
                break
            start, end = words[i][0], words[i + n - 1][1]
            chunk = text[start:end]
            # one word must come closer: `nationale` is a word of its own, not `nationalite`
            floor = FUZZY_RATIO if n > 1 else FUZZY_ONE_WORD
            for ratio, k in _fuzzy_matches(chunk, floor):
                best.append((ratio, start, _FUZZY_PHRASES[k][1], end))
    out: list[tuple[int, str, int]] = []
    for _ratio, start, name, end in sorted(best, reverse=True):
        if all(end <= s or start >= e for s, _, e in out):
            out.append((start, name, end))
    return sorted(out)


def _fuzzy_matches(chunk: str, floor: float) -> list[tuple[float, int]]:
    """(ratio, index in `_FUZZY_PHRASES`) of each phrase within a quarter of `chunk`'s length that
    `chunk` comes `floor` close to: `_close` for every phrase, its letter bound taken for all at once."""
    counts = np.zeros(len(_FUZZY_LETTERS), np.int32)
    for c, n in Counter(chunk).items():
        if (i := _FUZZY_LETTERS.get(c)) is not None:
            counts[i] = n
    shared = np.minimum(_FUZZY_COUNTS, counts).sum(axis=1)
    size = len(chunk)
    near = np.abs(_FUZZY_SIZES - size) <= 0.25 * _FUZZY_SIZES
    out = []
    for k in np.flatnonzero(near & (2 * shared / (size + _FUZZY_SIZES) >= floor)):
        ratio = SequenceMatcher(None, chunk, _FUZZY_PHRASES[k][0], autojunk=False).ratio()
        if ratio >= floor:
            out.append((ratio, int(k)))
    return out


_LABEL_WORDS = tuple(
    (w, Counter(w)) for w in sorted({w for p, _ in _PHRASES for w in p.split() if len(w) >= 7})
)


def looks_like_label(text: str) -> bool:
    """A value candidate that is really a piece of a (misread) label: `MAISSANCE`, `BIRTH/LEU...`."""
    for word in plain(text).split():
        if len(word) < 7:
            continue
        word_counts = Counter(word)
        for label, counts in _LABEL_WORDS:
            if abs(len(label) - len(word)) <= 2 and _close(word, word_counts, label, counts, 0.85):
                return True
    return False


def _lower_case(text: str) -> bool:
    """Mostly small letters: after a label on its own line, that is the label's translation
    (`Ime/Given names`), not a value, which passports and ID cards print in capitals."""
    letters = [c for c in text if c.isalpha()]
    return sum(c.islower() for c in letters) > 0.3 * max(1, len(letters))


def _rest_after(raw: str, text: str, end: int) -> str:
    """The raw text after the label words (label separators such as `:` and `/` dropped)."""
    if end >= len(text):
        return ""
    rest = text[end:].strip()
    # a colon ends a word too: OCR often drops the blank after it (`Nº:940992310285`)
    raw_words = [w for w in re.split(r"\s+|(?<=:)", raw.strip()) if w]
    # the shortest raw tail that reads as the plain rest (`D'IDENTITÉ` is two plain words)
    for k in range(1, len(raw_words) + 1):
        tail = " ".join(raw_words[-k:])
        read = plain(tail)
        if read == rest:
            return tail.lstrip(":/.- ").strip()
        if len(read) > len(rest):
            break
    words_before = len(text[:end].split())
    if len(raw_words) <= words_before:
        return ""
    return " ".join(raw_words[words_before:]).lstrip(":/.- ").strip()


Probe = Callable[[tuple[int, int, int, int]], str]
MAX_PROBES = 4


def read_visual_zone(
    lines: Sequence[TextLine], exclude: Sequence[TextLine] = (), probe: Probe | None = None
) -> dict[str, VisualField]:
    """Map label -> value for every field we can find; `exclude` are lines already known (the MRZ).
    `probe(box)` recognises one region: the detector misses lone short values such as a sex `F`, so
    a label left without a value gets its value read from just below it."""
    pool = [ln for ln in lines if ln not in exclude]
    labels = [lab for ln in pool for lab in _labels_in(ln)]
    label_lines = {id(lab.line) for lab in labels}
    out: dict[str, VisualField] = {}
    for lab in labels:
        # (a nationality word may be printed in small letters: `Nationalité Française`)
        translation = lab.field != "nationality" and _lower_case(lab.rest)
        if lab.rest and lab.field not in out and not translation:
            value = normalise(lab.field, lab.rest)
            if value:
                out[lab.field] = VisualField(lab.field, lab.rest, value, lab.line.pixel_box)
    values = [ln for ln in pool if id(ln) not in label_lines]
    pairs: list[tuple[float, int, int]] = []
    for i, lab in enumerate(labels):
        for j, ln in enumerate(values):
            score = _distance(lab, ln)
            if score is not None:
                pairs.append((score, i, j))
    used_labels: set[int] = set()
    used_values: set[int] = set()
    for _score, i, j in sorted(pairs):
        lab = labels[i]
        if i in used_labels or j in used_values or lab.field in out:
            continue
        value = normalise(lab.field, values[j].text)
        if not value:
            continue
        out[lab.field] = VisualField(lab.field, values[j].text.strip(), value, values[j].pixel_box)
        used_labels.add(i)
        used_values.add(j)
    for name, vf in numbered_licence_fields(pool).items():
        out.setdefault(name, vf)
    if probe is not None:
        _probe_missing(labels, out, probe)
    return out


def _probe_missing(labels: Sequence[_Label], out: dict[str, VisualField], probe: Probe) -> None:
    tried = 0
    for lab in labels:
        if lab.field in out or tried >= MAX_PROBES or lab.multi:
            continue
        h = lab.line.height
        box = (int(lab.x - 0.3 * h), int(lab.line.y1), int(lab.x + 6 * h), int(lab.line.y1 + 1.8 * h))
        tried += 1
        text = probe(box).strip()
        value = normalise(lab.field, text)
        if value:
            out[lab.field] = VisualField(lab.field, text, value, box)


def _distance(lab: _Label, ln: TextLine) -> float | None:
    """How well `ln` sits as the value of `lab`: below it (stacked) or right of it (same row)."""
    h = max(lab.line.height, 1.0)
    dy = ln.y0 - lab.line.y1
    slack = 4.0 if lab.multi else 1.5
    if -0.5 * h <= dy <= 2.2 * h and -slack * h <= ln.x0 - lab.x <= 2.5 * h:
        return dy / h + abs(ln.x0 - lab.x) / (3 * h)
    # a right-aligned column: the value sits under its label, inside the label's width
    inside = lab.line.x0 <= ln.x0 and ln.x1 <= lab.line.x1 + 0.5 * h
    if not lab.multi and -0.5 * h <= dy <= 2.2 * h and inside:
        return 1.0 + dy / h
    same_row = abs(ln.cy - lab.line.cy) < 0.45 * max(h, ln.height)
    # a value in a larger font may start under the end of its label's box
    if same_row and -1.2 * h <= ln.x0 - lab.line.x1 <= 4 * h:
        return 1.0 + (ln.x0 - lab.line.x1) / (2 * h)
    return None


def numbered_licence_fields(lines: Sequence[TextLine]) -> dict[str, VisualField]:
    """The values an EU driving licence prints after its field numbers (`1. MARTIN`, `4b. 31.12.2030`)."""
    out: dict[str, VisualField] = {}
    for ln in lines:
        m = _LICENCE.match(ln.text)
        if not m or m.group(1).lower() not in LICENCE_NUMBERS:
            continue
        name = LICENCE_NUMBERS[m.group(1).lower()]
        source, text = ln, m.group(2).strip()
        if _labels_in(TextLine(text, ln.score, ln.box)):
            continue  # a numbered label (passports number their fields too), not a licence value
        if not text:  # the number printed apart from its value: take the line to its right
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
        if name == "date_of_birth":
            parts = text.split(maxsplit=1)  # "3. 12.08.1974 BERLIN", "3. 14.07.1981 (Utopia city)"
            place_text = parts[1].strip(" ()[]") if len(parts) == 2 else ""
            if place_text and normalise("place_of_birth", place_text):
                place = VisualField(
                    "place_of_birth", place_text, " ".join(place_text.upper().split()), source.pixel_box
                )
                out.setdefault("place_of_birth", place)
        elif name in ("surname", "given_names"):
            text = _MARK_TAIL.sub("", text)
        value = normalise(name, text)
        if value:
            out[name] = VisualField(name, text, value, source.pixel_box)
    return out


def normalise(name: str, text: str) -> str:
    """The comparable form of a printed value, or "" when it cannot be that field."""
    text = text.strip()
    if not text:
        return ""
    if name in DATE_FIELDS:
        found = parse_date(text, future=name != "date_of_birth")
        return found.isoformat() if found else ""
    if name == "sex":
        return parse_sex(text) or _sex_glued(text) or ""
    if name in ("document_number", "personal_number"):
        compact = re.sub(r"[\s]+", "", text.upper())
        if re.search(r"[a-z]", text) or not re.fullmatch(r"[A-Z0-9<./-]{4,}", compact):
            return ""
        # numbers nearly always hold a digit; a lone all-letter token of number length may still be one
        lone_word = (
            name == "document_number"
            and " " not in text.strip()
            and len(compact) >= 6
            and not looks_like_label(text)
        )
        return compact if re.search(r"\d", compact) or lone_word else ""
    if name in ("surname", "given_names", "place_of_birth", "nationality"):
        text = _FIELD_NUMBER.sub("", text)  # `1BASANAVICIENÉ`: the field's number glued on
        letters = [c for c in text if c.isalpha()]
        digits = sum(c.isdigit() for c in text)
        # a place may carry a district number (PARIS 1ER (75), BUDAPEST 07); a name never does
        if digits > (len(letters) // 2 if name == "place_of_birth" else 1) or len(letters) < 2:
            return ""
        if looks_like_label(text):
            return ""
        return " ".join(text.upper().split())
    return text


_SEX_WORDS = {
    "M": "M",
    "F": "F",
    "X": "X",
    "V": "F",
    "K": "F",
    "W": "F",
    "N": "F",
    "MOT": "F",
    "KVK": "F",
    "VYR": "M",
    "H": "M",
    "Z": "F",
    "D": "F",
}


def parse_sex(text: str) -> str | None:
    """`F`, `V/F`, `K/F`, `MOT/F`, `M/M`: bilingual prints end with the Latin code."""
    tokens = [t for t in re.split(r"[\s/|]+", text.strip().upper()) if t]
    if not tokens or len(tokens) > 3 or any(len(t) > 3 for t in tokens):
        return None
    if tokens[-1] in ("M", "F", "X"):
        return tokens[-1]
    return _SEX_WORDS.get(tokens[0])


def _sex_glued(text: str) -> str | None:
    """`MOTID`: a national word with the separator and Latin code misread into one token."""
    token = text.strip().upper()
    if 4 <= len(token) <= 5 and token[:3] in _SEX_WORDS:
        return _SEX_WORDS[token[:3]]
    return None
