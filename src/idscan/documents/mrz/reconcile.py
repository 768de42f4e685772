"""Combine two independent recognisers' reads of one MRZ, and the visual zone, field by field.

Check digits guard numbers and dates; nothing guards names, nationality, issuing state or sex. Those
are accepted only when both readers agree after correction, or when the printed visual zone
confirms one of the two readings (notes/models.md: every wrong read that slipped through on real
images was in the name line).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

from idscan.documents.countries import is_known_code, nationality_words
from idscan.documents.mrz.charsets import compact
from idscan.documents.mrz.checkdigit import char_value
from idscan.documents.mrz.corrector import Correction, check_holds, correct
from idscan.documents.mrz.layouts import CheckSpec, layout_for
from idscan.documents.mrz.linemix import Witness, mix_reads
from idscan.documents.mrz.model import Kind, MrzField, MrzFormat, MrzResult, Span
from idscan.documents.mrz.parser import parse_layout, text_at

UNCHECKED_FIELDS = frozenset({"surname", "given_names", "nationality", "issuing_country", "sex"})
# The first letter of the document code each format may carry (ICAO 9303: P passports, V visas, A, C
# or I other travel documents; D: driving licences issued in the card format).
DOCUMENT_LETTERS = {
    MrzFormat.TD3: "P",
    MrzFormat.MRV_A: "V",
    MrzFormat.MRV_B: "V",
    MrzFormat.TD1: "ACID",
    MrzFormat.TD2: "ACID",
    MrzFormat.FRA_CNI: "I",
}
# ICAO 9303 part 3 transliterations that differ from simply dropping the accent.
_TRANSLIT = str.maketrans(
    {
        "Ä": "AE",
        "Ö": "OE",
        "Ü": "UE",
        "Å": "AA",
        "Æ": "AE",
        "Ø": "OE",
        "ß": "SS",
        "Þ": "TH",
        "Ð": "D",
        "Ñ": "N",
        "Œ": "OE",
        "Ĳ": "IJ",
    }
)


@dataclass(frozen=True)
class Reconciled:
    result: MrzResult | None
    confirmed: frozenset[str]  # unchecked fields both readers agree on, or the visual zone confirms
    unconfirmed: frozenset[str]  # unchecked fields with no such confirmation
    conflicts: tuple[str, ...]  # check-digit fields the readers dispute in a way no digit settles
    reads: tuple[Correction, ...]  # each reader's own correction (A first)

    @property
    def accepted(self) -> bool:
        """Check digits hold, the readers do not contradict each other, every unchecked field confirmed."""
        return self.result is not None and self.result.valid and not self.conflicts and not self.unconfirmed


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.upper())
    return " ".join(re.sub(r"[^A-Z0-9]+", " ", "".join(c for c in decomposed if c.isascii())).split())


def _latin_forms(text: str) -> set[str]:
    upper = text.upper()
    return {_plain(upper), _plain(upper.translate(_TRANSLIT))}


def visual_confirms(name: str, mrz_value: str | None, visual: str, *, truncated: bool = False) -> bool:
    """Whether the printed value confirms the MRZ value of an unchecked field."""
    if mrz_value is None or not visual.strip():
        return False
    if name == "sex":
        tokens = re.split(r"[\s/]+", visual.strip().upper())
        return bool(tokens) and tokens[-1] == mrz_value  # bilingual prints end with the Latin code
    if name in {"nationality", "issuing_country"}:
        # The code itself, the country's name, or a nationality word (UTOPIAN, DUTCH, NEDERLANDSE),
        # anywhere in a bilingual print such as "MAGYAR/HUNGARIAN".
        words = {mrz_value} | {w for w in (_plain(x) for x in nationality_words(mrz_value)) if w}
        tokens = _plain(visual).split(" ")
        grams = {" ".join(tokens[i : i + n]) for n in (1, 2, 3) for i in range(len(tokens) - n + 1)}
        return bool(grams & words)
    mrz = _plain(mrz_value)
    forms = _latin_forms(visual)
    # A long name is cut at the end of the MRZ field; the print keeps it whole.
    return mrz in forms or (truncated and any(f.startswith(mrz) for f in forms))


def _region(result: MrzResult, name: str) -> Span | None:
    """The layout region to copy from the other read: names are swapped as one field."""
    layout = layout_for(result.format, result.lines)
    for spec in layout.fields:
        if spec.name == name or (spec.name == "names" and name in {"surname", "given_names"}):
            return spec.span
    return None


def _merge_checked(result: MrzResult, witnesses: Mapping[int, Witness], today: date) -> MrzResult:
    """Take each field whose own check digit fails in `result` from its line's witness, where it
    holds there (or from a mix of the two reads). Kept only if the composite, when the format has
    one, holds over the merged lines."""
    layout = layout_for(result.format, result.lines)
    lines = list(result.lines)
    changed = False
    for check in layout.checks:
        witness = witnesses.get(check.span.line)
        if check.name == "composite" or witness is None or check_holds(lines, check):
            continue
        other = witness.result
        twin = {c.name: c for c in layout_for(other.format, other.lines).checks}.get(check.name)
        if other.format is not result.format or twin != check:
            continue
        if check_holds(other.lines, check):
            for span in (*check.covers, check.span):
                row = lines[span.line]
                lines[span.line] = row[: span.start] + text_at(other.lines, span) + row[span.end :]
            changed = True
        elif _combine(lines, other.lines, check):
            changed = True
    composite = next((c for c in layout.checks if c.name == "composite"), None)
    if not changed or (composite is not None and not check_holds(lines, composite)):
        return result
    return parse_layout(layout_for(result.format, lines), lines, today)


def _conflicts(result: MrzResult, witnesses: Mapping[int, Witness], *, base_valid: bool) -> tuple[str, ...]:
    """Check-digit fields the readers disagree on in a way no digit can settle: both reads valid
    but different, or a near-identical read that differs only by a collision (G/6, K/<, L/1 weigh
    the same), which the other read's own failure elsewhere does not make wrong."""
    out = []
    for f in result.fields:
        witness = witnesses.get(f.span.line)
        theirs = witness.result.field(f.name) if witness is not None else None
        if witness is None or theirs is None or not f.check_digit:
            continue
        if theirs.raw == f.raw or len(theirs.raw) != len(f.raw):
            continue
        diffs = [(x, y) for x, y in zip(f.raw, theirs.raw, strict=True) if x != y]
        collision = len(diffs) <= 2 and any(char_value(x) % 10 == char_value(y) % 10 for x, y in diffs)
        if (base_valid and witness.confident) or collision:
            out.append(f.name)
    return tuple(out)


def _settle_by_print(
    result: MrzResult,
    witnesses: Mapping[int, Witness],
    conflicts: tuple[str, ...],
    visual: Mapping[str, str],
    today: date,
) -> tuple[MrzResult, tuple[str, ...]]:
    """Two readings of a checked field that the digits cannot tell apart (`55837602` and `SS837602`
    weigh the same): the printed value, a third and independent read, settles it when it is
    exactly one of the two. The other reader's reading is taken only if every digit still holds."""
    left = []
    for name in conflicts:
        ours = result.field(name)
        witness = witnesses.get(ours.span.line) if ours is not None else None
        theirs = witness.result.field(name) if witness is not None else None
        printed = compact(visual.get(name, ""))
        if ours is None or witness is None or theirs is None or not printed:
            left.append(name)
            continue
        if compact(ours.raw) == printed:
            continue  # the print confirms the reading we hold
        if compact(theirs.raw) != printed:
            left.append(name)
            continue
        lines = list(result.lines)
        checks = [c for c in layout_for(result.format, lines).checks if c.name == name]
        for span in (ours.span, *(c.span for c in checks)):
            _patch_text(lines, span, text_at(witness.result.lines, span))
        swapped = parse_layout(layout_for(result.format, lines), lines, today)
        if swapped.checks_valid:
            result = swapped
        else:
            left.append(name)
    return result, tuple(left)


def _combine(lines: list[str], other: Sequence[str], check: CheckSpec) -> bool:
    """Both reads fail `check`. When they differ at exactly two characters of the field and agree
    on its check digit, each read probably has one slip where the other is right: take the mix of
    the two that satisfies the digit, if exactly one does. (If both carried the same slip the
    truth would not be among the mixes, hence no more than two differences.)"""
    if text_at(lines, check.span) != text_at(other, check.span):
        return False
    spots = [
        (s.line, p)
        for s in check.covers
        for p in range(s.start, s.end)
        if lines[s.line][p] != other[s.line][p]
    ]
    if len(spots) != 2:
        return False
    fits = []
    for line, pos in spots:  # each mix keeps ours at one spot and takes theirs at the other
        trial = list(lines)
        trial[line] = trial[line][:pos] + other[line][pos] + trial[line][pos + 1 :]
        if check_holds(trial, check):
            fits.append(trial)
    if len(fits) != 1:
        return False
    lines[:] = fits[0]
    return True


def _patch(lines: list[str], source: MrzResult, region: Span | None) -> None:
    if region is not None:
        _patch_text(lines, region, text_at(source.lines, region))


def _patch_text(lines: list[str], region: Span, text: str) -> None:
    row = lines[region.line]
    lines[region.line] = row[: region.start] + text + row[region.end :]


def _plausible(f: MrzField) -> bool:
    """A value an unchecked field can hold: a known code, a name of letters, a sex code."""
    if f.kind is Kind.CODE:
        return is_known_code(f.raw)
    if f.kind is Kind.NAMES:
        return all("A" <= c <= "Z" or c == "<" for c in f.raw)
    if f.kind is Kind.SEX:
        return f.raw in {"M", "F", "X", "<"}
    return True


def _aligned(ours: str, theirs: str, span: Span) -> str | None:
    """The other reader's characters for `span` of our line, aligned character by character (so a
    character it dropped or added elsewhere in the line does not shift the field). None when the
    span meets an insertion or deletion."""
    out = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, ours, theirs, autojunk=False).get_opcodes():
        lo, hi = max(i1, span.start), min(i2, span.end)
        if lo >= hi:
            continue
        if tag not in {"equal", "replace"} or (i2 - i1) != (j2 - j1):
            return None
        out.append(theirs[j1 + lo - i1 : j1 + hi - i1])
    text = "".join(out)
    return text if len(text) == span.end - span.start else None


def _witness_reads(result: MrzResult, witness: Witness, region: Span, today: date) -> list[MrzResult]:
    """The other reader's version of `region`: in context (its line corrected within our read),
    and aligned on our line when a lost or extra character shifted its line."""
    reads = [witness.result]
    aligned = _aligned(result.lines[region.line], witness.line, region) if witness.line else None
    if aligned is not None and aligned != text_at(witness.result.lines, region):
        lines = list(result.lines)
        _patch_text(lines, region, aligned)
        reads.append(parse_layout(layout_for(result.format, lines), lines, today))
    return reads


def _settle_unchecked(
    result: MrzResult, witnesses: Mapping[int, Witness], visual: Mapping[str, str], today: date
) -> tuple[list[str], set[str], set[str]]:
    """Decide each unchecked field: confirmed (readers agree, or the print confirms one reading) or
    not; and which reading the lines keep. Surname and given names share one MRZ field, so the
    names field is taken from the other read only if no part confirmed here would change."""
    confirmed: set[str] = set()
    unconfirmed: set[str] = set()
    wants_theirs: dict[Span, tuple[MrzResult, list[str]]] = {}
    keeps_ours: dict[Span, list[str]] = {}
    for f in result.fields:
        region = _region(result, f.name)
        if f.name not in UNCHECKED_FIELDS or region is None:
            continue
        witness = witnesses.get(region.line)
        sources = _witness_reads(result, witness, region, today) if witness is not None else []
        theirs = [(src, found) for src in sources if (found := src.field(f.name)) is not None]
        # Reader A's reading wins a tie only where its line holds up (check digits in context) and
        # came out at the right length; a line that did not is a worse witness than one that did.
        prefer_other = witness is not None and (
            (witness.from_a and witness.confident and not witness.resized)
            or (witness.base_resized and not witness.resized and witness.confident)
        )
        printed = visual.get(f.name, "")
        # A name that runs to the end of the field may have been cut short there.
        cut = f.name == "given_names" or (f.name == "surname" and result.field("given_names") is None)
        truncated = cut and not f.raw.endswith("<")
        seen = [src for src, t in theirs if visual_confirms(f.name, t.value, printed, truncated=truncated)]
        good = [src for src, t in theirs if _plausible(t) and (not _plausible(f) or prefer_other)]
        if any(t.value == f.value for _, t in theirs) or visual_confirms(
            f.name, f.value, printed, truncated=truncated
        ):
            confirmed.add(f.name)
            keeps_ours.setdefault(region, []).append(f.name)
        elif seen:
            confirmed.add(f.name)
            wants_theirs.setdefault(region, (seen[0], []))[1].append(f.name)
        elif (voted := _voted_name(result, f, [t for _, t in theirs], printed, region, today)) is not None:
            confirmed.add(f.name)
            wants_theirs.setdefault(region, (voted, []))[1].append(f.name)
        else:
            unconfirmed.add(f.name)
            # Keep the reading that can be right (`NLD`, not `MLD`); between two plausible ones the
            # first reader's, as callers put the MRZ-trained recogniser first.
            if good:
                wants_theirs.setdefault(region, (good[0], []))[1].append(f.name)
    lines = list(result.lines)
    for region, (other, names) in wants_theirs.items():
        kept = keeps_ours.get(region, [])
        parts = [f for f in result.fields if f.name in UNCHECKED_FIELDS and _region(result, f.name) == region]
        worse = any(_plausible(f) and not _plausible_named(other, f.name) for f in parts)
        if not worse and all(other.value(name) == result.value(name) for name in kept if name in confirmed):
            _patch(lines, other, region)
        else:  # a confirmed part would change: keep ours, and ours is not what the print said
            for name in names:
                if name in confirmed:
                    confirmed.discard(name)
                    unconfirmed.add(name)
    return lines, confirmed, unconfirmed


def _voted_name(
    result: MrzResult, f: MrzField, theirs: Sequence[MrzField], printed: str, region: Span, today: date
) -> MrzResult | None:
    """Three reads of a name, none agreeing whole: ours, the other reader's and the print. The
    print's form wins a per-character vote when each of its letters, and each join between two
    letters (nothing added, nothing cut), is read the same by at least one of the two MRZ readers,
    and ours differs from it in at most two places; `result` with the name so replaced, or None."""
    if f.kind is not Kind.NAMES or not f.value or not printed.strip() or not theirs:
        return None
    forms = [x.replace(" ", "<") for x in _latin_forms(printed) if x and not any(c.isdigit() for c in x)]
    ours = f.raw.rstrip("<")
    for form in forms:
        if form == ours:
            continue
        backed = [_backing(form, ours)] + [_backing(form, t.raw.rstrip("<")) for t in theirs]
        votes = [any(b[k] for b in backed) for k in range(2 * len(form) + 1)]
        matcher = SequenceMatcher(None, form, ours, autojunk=False)
        slips = sum(tag != "equal" for tag, *_ in matcher.get_opcodes())
        if not all(votes) or slips > 2:
            continue
        row = result.lines[region.line]
        body = row[region.start : region.end]
        at, end = f.span.start - region.start, f.span.end - region.start
        names = body[:at] + form + body[end:]
        excess = len(names) - len(body)
        if excess > 0 and not names.endswith("<" * excess):
            continue  # the print's form does not fit the field
        lines = list(result.lines)
        _patch_text(lines, region, names[: len(body)].ljust(len(body), "<"))
        voted = parse_layout(layout_for(result.format, lines), lines, today)
        if voted.value(f.name) == form.replace("<", " "):
            return voted
    return None


def _backing(form: str, read: str) -> list[bool]:
    """Which parts of `form` a reader's `read` agrees with: slot 2k+1 is letter k, slot 2k the join
    before it (slot 0 the start, the last slot the end); a join is backed when the reader has the
    two letters side by side, with nothing of its own between them (or before / after them)."""
    at: list[int | None] = [None] * len(form)
    for block in SequenceMatcher(None, form, read, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            at[block.a + k] = block.b + k
    slots = [False] * (2 * len(form) + 1)
    for k, i in enumerate(at):
        slots[2 * k + 1] = i is not None
        before = at[k - 1] if k else -1
        slots[2 * k] = i is not None and before is not None and i == before + 1
    slots[-1] = bool(at) and at[-1] == len(read) - 1
    return slots


def _plausible_named(result: MrzResult, name: str) -> bool:
    found = result.field(name)
    return found is not None and _plausible(found)


def _score(read: Correction) -> tuple[bool, int, int]:
    result = read.result
    if result is None:
        return (False, -99, -99)
    failed = sum(not c.valid for c in result.checks)
    odd = sum(not _plausible(f) for f in result.fields if f.name in UNCHECKED_FIELDS)
    return (read.confident, -failed, -odd)


def reconcile(
    reads_a: Sequence[str],
    reads_b: Sequence[str] | None,
    visual: Mapping[str, str] | None = None,
    *,
    today: date,
    guard_digit_slips: bool = True,
) -> Reconciled:
    """Reconcile two recognisers' MRZ reads. `visual` maps field names (surname, given_names,
    nationality, issuing_country, sex) to the printed values; either reader may be missing.

    Check-digit fields come from whichever read validates them. An unchecked field both readers
    agree on, or that the print confirms, is `confirmed`; otherwise it is `unconfirmed` and holds
    the plausible reading, preferring reader A (put the MRZ-trained recogniser first)."""
    a = correct(reads_a, today=today, guard_digit_slips=guard_digit_slips)
    b = correct(reads_b, today=today, guard_digit_slips=guard_digit_slips) if reads_b else None
    reads = tuple(r for r in (a, b) if r is not None)
    mix = mix_reads(reads_a, reads_b, _score, today=today, guard_digit_slips=guard_digit_slips)
    if mix.base.result is None:
        return Reconciled(None, frozenset(), frozenset(), (), reads)
    result = mix.base.result
    if not result.checks_valid:
        result = _merge_checked(result, mix.witnesses, today)
    conflicts = _conflicts(result, mix.witnesses, base_valid=mix.base.confident)
    if conflicts:
        result, conflicts = _settle_by_print(result, mix.witnesses, conflicts, visual or {}, today)
    lines, confirmed, unconfirmed = _settle_unchecked(result, mix.witnesses, visual or {}, today)
    if lines != list(result.lines):
        result = parse_layout(layout_for(result.format, lines), lines, today)
    if result.lines and result.lines[0][:1] not in DOCUMENT_LETTERS.get(result.format, result.lines[0][:1]):
        # no check digit covers the document code: a misread first letter (`R<ESP...` for `P<ESP...`)
        # would be accepted as long as the rest holds
        unconfirmed = {*unconfirmed, "document_type"}
    return Reconciled(result, frozenset(confirmed), frozenset(unconfirmed), conflicts, reads)
