"""Choose the base read line by line from two recognisers, and a witness for every line.

Two readers often fail on different lines (one garbles the names, the other a number line). Each
line of the base is taken from reader A or B, whichever combination corrects best; for every line
the *other* reader's version of that line, set into the base, is the witness that confirms or
disputes the fields on it. When the readers return different numbers of lines, whole reads are
compared instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import product

from idscan.documents.mrz.charsets import normalise_line
from idscan.documents.mrz.corrector import Correction, correct
from idscan.documents.mrz.model import MrzResult


@dataclass(frozen=True)
class Witness:
    result: MrzResult  # the base with this line as the other reader read it, corrected
    confident: bool
    from_a: bool  # the witness line is reader A's (the base line there is B's)
    resized: bool = False  # the witness line had to be lengthened or shortened
    base_resized: bool = False  # the base's own line had to be
    line: str = ""  # the other reader's line as read (normalised), for character alignment


@dataclass(frozen=True)
class Mix:
    base: Correction
    witnesses: dict[int, Witness]  # line index -> witness; absent when the other reader has none


def _resized(read: Correction, line: int) -> bool:
    return any(c.reason == "length" and c.line == line for c in read.changes)


def _line(lines: Sequence[str], index: int) -> str:
    return lines[index] if index < len(lines) else ""


def _lines(reads: Sequence[str] | None) -> list[str]:
    return [x for x in (normalise_line(r) for r in reads or ()) if x]


def mix_reads(
    reads_a: Sequence[str],
    reads_b: Sequence[str] | None,
    score: Callable[[Correction], tuple[bool, int, int]],
    *,
    today: date,
    guard_digit_slips: bool,
) -> Mix:
    a_lines, b_lines = _lines(reads_a), _lines(reads_b)
    cache: dict[tuple[int, ...], Correction] = {}

    def read(combo: tuple[int, ...]) -> Correction:
        if combo not in cache:
            lines = [(a_lines, b_lines)[c][i] for i, c in enumerate(combo)]
            cache[combo] = correct(lines, today=today, guard_digit_slips=guard_digit_slips)
        return cache[combo]

    if b_lines and len(b_lines) == len(a_lines) <= 3:
        # Best combination; on a tie the one with more of reader A's lines.
        base_combo = max(product((0, 1), repeat=len(a_lines)), key=lambda c: (score(read(c)), -sum(c)))
        witnesses = {}
        for i in range(len(a_lines)):
            flipped = tuple(1 - c if j == i else c for j, c in enumerate(base_combo))
            other = read(flipped)
            if other.result is not None and a_lines[i] != b_lines[i]:
                witnesses[i] = Witness(
                    other.result,
                    other.confident,
                    from_a=flipped[i] == 0,
                    resized=_resized(other, i),
                    base_resized=_resized(read(base_combo), i),
                    line=(a_lines, b_lines)[flipped[i]][i],
                )
            elif other.result is not None:  # both readers saw the same line: it witnesses itself
                witnesses[i] = Witness(other.result, other.confident, from_a=True)
        return Mix(read(base_combo), witnesses)
    a = correct(a_lines, today=today, guard_digit_slips=guard_digit_slips)
    b = correct(b_lines, today=today, guard_digit_slips=guard_digit_slips) if b_lines else None
    candidates = [r for r in (a, b) if r is not None and r.result is not None]
    if not candidates:
        return Mix(a, {})
    base = max(candidates, key=score)  # reader A wins ties
    rest = [r for r in candidates if r is not base]
    runner_up = rest[0] if rest else None
    if (
        runner_up is None
        or runner_up.result is None
        or base.result is None
        or runner_up.result.format is not base.result.format
    ):
        return Mix(base, {})
    return Mix(
        base,
        {
            i: Witness(
                runner_up.result,
                runner_up.confident,
                runner_up is a,
                _resized(runner_up, i),
                _resized(base, i),
                _line(a_lines if runner_up is a else b_lines, i),
            )
            for i in range(len(base.result.lines))
        },
    )
