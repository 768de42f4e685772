"""Checksum-guided correction of OCR'd MRZ lines, following notes/models.md.

Order: normalise characters, restore the line length inside the longest filler run, keep a read
that already validates (real documents break the standard), otherwise restrict every position to
its charset, apply the filler rules, and only then try single high-prior swaps in mixed fields: a
swap is accepted when exactly one candidate satisfies the check digit (and the composite, when
there is one). A check digit is never rewritten to fit its field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from idscan.documents.countries import is_known_code
from idscan.documents.mrz.charsets import (
    RIVALS,
    SWAPS,
    TO_DIGIT,
    TO_LETTER,
    fill_after_end,
    fill_names,
    normalise_line,
)
from idscan.documents.mrz.checkdigit import check_digit
from idscan.documents.mrz.layouts import CheckSpec, Layout, candidate_formats, layout_for
from idscan.documents.mrz.model import Kind, MrzFormat, MrzResult, Span
from idscan.documents.mrz.parser import parse_layout, text_at


@dataclass(frozen=True)
class Change:
    line: int
    pos: int  # -1 for a length fix, whose before/after are the whole line
    before: str
    after: str
    reason: str  # "length" | "charset" | "filler" | "check_digit"


@dataclass(frozen=True)
class Correction:
    raw_lines: tuple[str, ...]
    result: MrzResult | None  # None when the lines could not be given any MRZ shape
    changes: tuple[Change, ...]
    ambiguous: tuple[str, ...]  # checks where several swaps fitted: nothing was changed there

    @property
    def confident(self) -> bool:
        """Every check digit holds and every field is plausible (unchecked fields aside)."""
        return self.result is not None and self.result.valid


def _runs(line: str) -> list[tuple[int, int]]:
    runs, start = [], None
    for i, char in enumerate([*line, ""]):
        if char == "<" and start is None:
            start = i
        elif char != "<" and start is not None:
            runs.append((start, i - start))
            start = None
    return runs


# More missing or extra characters than this is a partial or different MRZ, not a miscount, unless
# the longest run is at least twice as long (RapidOCR shortens a name line's long padding a lot).
MAX_LENGTH_FIX = 4


def fix_length(line: str, target: int) -> str | None:
    """OCR miscounts long filler runs: add or remove fillers in the longest run, never by cutting or
    padding at the line end (that is where check digits live). None when no run can absorb it."""
    diff = target - len(line)
    if diff == 0:
        return line
    runs = _runs(line)
    if not runs:
        return None
    start, length = max(runs, key=lambda r: r[1])  # first of the longest on ties
    if abs(diff) > MAX_LENGTH_FIX and length < 2 * abs(diff):
        return None
    if diff < 0 and length > -diff:
        return line[:start] + line[start - diff :]
    if diff > 0 and length >= 2:
        return line[:start] + "<" * diff + line[start:]
    return None


def _guess_shape(lines: Sequence[str]) -> tuple[int, int] | None:
    if len(lines) == 3:
        return 3, 30
    if len(lines) != 2:
        return None
    mean = sum(len(x) for x in lines) / 2
    if mean < 33:
        return None  # two lines of ~30: a TD1 card with a line missing, not a TD2
    return 2, (44 if abs(mean - 44) < abs(mean - 36) else 36)


class _Editor:
    """Mutable working copy of the lines that records every change."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = [list(x) for x in lines]
        self.changes: list[Change] = []

    def text(self) -> list[str]:
        return ["".join(x) for x in self.lines]

    def set(self, line: int, pos: int, char: str, reason: str) -> None:
        before = self.lines[line][pos]
        if before != char:
            self.lines[line][pos] = char
            self.changes.append(Change(line, pos, before, char, reason))

    def set_span(self, span: Span, text: str, reason: str) -> None:
        for offset, char in enumerate(text):
            self.set(span.line, span.start + offset, char, reason)


# Letters a digit in a country code may stand for (`NL0` is NLD, `UT0` is UTO, `0<<` is D<<).
_CODE_LETTERS = {"0": "ODQ", "1": "IL", "2": "Z", "4": "A", "5": "S", "6": "G", "7": "T", "8": "B"}


def _code_reading(raw: str) -> str | None:
    """Soft code list: a code is changed only when it is unknown and exactly one reading of its
    digits as letters is a known code; anything else (`132` on a Romanian card) stays as read."""
    if is_known_code(raw):
        return None
    readings = [""]
    for char in raw:
        readings = [r + alt for r in readings for alt in _CODE_LETTERS.get(char, char)]
    known = {r for r in readings if is_known_code(r)}
    return known.pop() if len(known) == 1 else None


# Documents whose MRZ names use a national transliteration with digits (the Russian internal
# passport writes Ч as 3, Я as 8 ...): a digit there is a letter as printed, not a misread.
_DIGITS_IN_NAMES = frozenset({"PNRUS"})


def _coerce(editor: _Editor, layout: Layout, *, unchecked_only: bool) -> None:
    digits_in_names = editor.text()[0][:5] in _DIGITS_IN_NAMES
    for spec in layout.fields:
        raw = text_at(editor.text(), spec.span)
        if spec.kind is Kind.NAMES:
            letters = raw if digits_in_names else "".join(TO_LETTER.get(c, c) for c in raw)
            editor.set_span(spec.span, letters, "charset")
            filled = fill_names(letters) if spec.name == "names" else fill_after_end(letters)
            editor.set_span(spec.span, filled, "filler")
        elif spec.kind is Kind.ALNUM:
            single = spec.name == "document_number"
            editor.set_span(spec.span, fill_after_end(raw, single=single), "filler")
        elif spec.kind is Kind.CODE:
            known = _code_reading(raw)
            if known is not None:
                editor.set_span(spec.span, known, "charset")
        elif spec.kind is Kind.SEX and raw == "K":
            editor.set_span(spec.span, "<", "filler")  # same check value: safe on a valid read too
        elif spec.kind is Kind.DOC_TYPE:
            # The first character is always a letter (P, I, A, C, V); the second may be anything.
            first = Span(spec.span.line, spec.span.start, spec.span.start + 1)
            editor.set_span(first, TO_LETTER.get(raw[0], raw[0]), "charset")
        elif unchecked_only:
            continue
        elif spec.kind is Kind.DATE:
            editor.set_span(spec.span, "".join(TO_DIGIT.get(c, c) for c in raw), "charset")
    if unchecked_only:
        return
    for check in layout.checks:
        char = text_at(editor.text(), check.span)
        editor.set_span(check.span, TO_DIGIT.get(char, char), "charset")


def check_holds(lines: Sequence[str], check: CheckSpec) -> bool:
    covered = "".join(text_at(lines, s) for s in check.covers)
    found = text_at(lines, check.span)
    return found == check_digit(covered) or (check.filler_ok and found == "<" and not covered.strip("<"))


def _swap_positions(layout: Layout, spans: Sequence[Span]) -> list[tuple[int, int]]:
    """Positions inside mixed fields (document/personal numbers, optional data) of `spans`."""
    out = []
    for span in spans:
        for pos in range(span.start, span.end):
            if layout.kind_at(span.line, pos) is Kind.ALNUM:
                out.append((span.line, pos))
    return out


def _unique_swap(
    lines: list[str],
    positions: Sequence[tuple[int, int]],
    checks: Sequence[CheckSpec],
    rivals: Mapping[str, str],
) -> tuple[tuple[int, int, str] | None, bool]:
    """The one look-alike swap that makes every check in `checks` hold. A rival digit slip (3/8,
    1/7 ...) that fits too makes it ambiguous: letter/digit context looked like a good tie-breaker
    but turned single digit slips into wrong accepted values in the property tests, so it is not
    used. Returns (swap or None, ambiguous)."""
    alike: list[tuple[int, int, str]] = []
    rival: list[tuple[int, int, str]] = []
    for line, pos in positions:
        char = lines[line][pos]
        for alt in SWAPS.get(char, "") + rivals.get(char, ""):
            trial = list(lines)
            trial[line] = trial[line][:pos] + alt + trial[line][pos + 1 :]
            if all(check_holds(trial, c) for c in checks):
                (alike if alt in SWAPS.get(char, "") else rival).append((line, pos, alt))
    if len(alike) == 1 and not rival:
        return alike[0], False
    return None, bool(alike or rival)


def _digit_slip_fits(lines: Sequence[str], check: CheckSpec, rivals: Mapping[str, str]) -> bool:
    """Whether a misread of the check digit itself explains the failure as well as a field swap:
    the digit the field asks for is a known slip of the printed one (8 printed, 3 expected)."""
    covered = "".join(text_at(lines, s) for s in check.covers)
    return check_digit(covered) in rivals.get(text_at(lines, check.span), "")


def _swap_fields(
    editor: _Editor, layout: Layout, ambiguous: list[str], rivals: Mapping[str, str]
) -> list[Change]:
    made: list[Change] = []
    for check in layout.checks:
        if check.name == "composite" or check_holds(editor.text(), check):
            continue
        swap, unsure = _unique_swap(editor.text(), _swap_positions(layout, check.covers), [check], rivals)
        if swap is not None and _digit_slip_fits(editor.text(), check, rivals):
            ambiguous.append(check.name)
        elif swap is not None:
            line, pos, alt = swap
            editor.set(line, pos, alt, "check_digit")
            made.append(editor.changes[-1])
        elif unsure:
            ambiguous.append(check.name)
    return made


def _swap_composite(
    editor: _Editor, layout: Layout, made: list[Change], ambiguous: list[str], rivals: Mapping[str, str]
) -> None:
    composite = next((c for c in layout.checks if c.name == "composite"), None)
    if composite is None or check_holds(editor.text(), composite):
        return
    own = [c for c in layout.checks if c.name != "composite"]
    if all(check_holds(editor.text(), c) for c in own):
        # Fields covered only by the composite (TD1 optional data) may hold the error.
        guarded = {(s.line, p) for c in own for s in c.covers for p in range(s.start, s.end)}
        positions = [p for p in _swap_positions(layout, composite.covers) if p not in guarded]
        swap, unsure = _unique_swap(editor.text(), positions, [*own, composite], rivals)
        if swap is not None and _digit_slip_fits(editor.text(), composite, rivals):
            ambiguous.append("composite")
        elif swap is not None:
            line, pos, alt = swap
            editor.set(line, pos, alt, "check_digit")
            return
        if unsure:
            ambiguous.append("composite")
    # The composite disagrees with the swaps we made: they may be wrong, so take them back.
    for change in made:
        editor.set(change.line, change.pos, change.before, "check_digit")
    editor.changes = [c for c in editor.changes if c.reason != "check_digit"]


def _header_guess(line: str) -> str:
    """The first line's header with digits read as letters, so `1DFRA` / `ID0RA` still pick the
    right layout (`V` for visas, `IDFRA` for the French card) before any position is corrected."""
    head = [TO_LETTER.get(c, c) for c in line[:5]]
    if len(line) > 1 and line[1] == "0":
        head[1] = "D"  # `I0` is no document code; `ID` is
    return "".join(head) + line[5:]


def correct(lines: Sequence[str], *, today: date, guard_digit_slips: bool = True) -> Correction:
    """Correct one recogniser's read of an MRZ. Never raises on bad input; see `Correction`.

    `guard_digit_slips` (default) also refuses a look-alike swap when a digit-for-digit slip (3/8,
    1/7, 5/6 ...) elsewhere in the field, or in the check digit itself, would fit as well. It
    trades some corrections (more refusals in digit-heavy numbers) for no wrong accepted value
    under single digit slips; a second reader recovers most refusals in `reconcile`."""
    rivals = RIVALS if guard_digit_slips else {}
    raw = tuple(lines)
    clean = [x for x in (normalise_line(line) for line in lines) if x]
    shape = _guess_shape(clean)
    if shape is None:
        return Correction(raw, None, (), ())
    changes: list[Change] = []
    sized = []
    for index, line in enumerate(clean):
        fixed = fix_length(line, shape[1])
        if fixed is None:
            return Correction(raw, None, (), ())
        if fixed != line:
            changes.append(Change(index, -1, line, fixed, "length"))
        sized.append(fixed)
    formats = candidate_formats(shape[0], shape[1], _header_guess(sized[0]))
    if not formats:
        return Correction(raw, None, (), ())
    # Where the shape fits two layouts (French card or TD2), the one that corrects best.
    reads = [_correct_as(fmt, raw, sized, changes, today, rivals) for fmt in formats]
    return max(reads, key=_rank)


def _rank(read: Correction) -> tuple[bool, float]:
    result = read.result
    held = sum(c.valid for c in result.checks) / len(result.checks) if result and result.checks else 0.0
    return read.confident, held


def _correct_as(
    fmt: MrzFormat,
    raw: tuple[str, ...],
    sized: list[str],
    changes: list[Change],
    today: date,
    rivals: Mapping[str, str],
) -> Correction:
    editor = _Editor(sized)
    already_valid = parse_layout(layout_for(fmt, sized), sized, today).checks_valid
    ambiguous: list[str] = []
    # A read that validates as it is stays as it is, but for what no check digit sees: letters in
    # names, `K` in padding (K and < weigh the same) and country codes that only a digit spoils.
    _coerce(editor, layout_for(fmt, editor.text()), unchecked_only=already_valid)
    if not already_valid:
        layout = layout_for(fmt, editor.text())
        made = _swap_fields(editor, layout, ambiguous, rivals)
        _swap_composite(editor, layout, made, ambiguous, rivals)
    final = editor.text()
    result = parse_layout(layout_for(fmt, final), final, today)
    return Correction(raw, result, (*changes, *editor.changes), tuple(ambiguous))
