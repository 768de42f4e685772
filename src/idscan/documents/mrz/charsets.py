"""Which characters OCR confuses in an MRZ, and which may stand at each kind of position.

The confusions are the OCR-B look-alikes (notes/models.md): O/0, I/1, B/8, S/5, Z/2, G/6. In digit-only
positions a few more letters can only have been digits (D, Q, L, T). G/6 and K/`<` have equal check
values modulo 10, so no check digit can choose between them: they are fixed only by position rules.
"""

from __future__ import annotations

import re

TO_DIGIT = {
    "O": "0",
    "Q": "0",
    "D": "0",
    "I": "1",
    "L": "1",
    "Z": "2",
    "S": "5",
    "G": "6",
    "T": "7",
    "B": "8",
}
TO_LETTER = {"0": "O", "1": "I", "2": "Z", "5": "S", "6": "G", "8": "B"}
# High-prior single swaps tried in mixed letter/digit fields, guided by the check digit: every
# confusion of the two tables above in both directions, so that a real OCR slip always has the truth
# among the candidates, and a second fitting candidate makes the corrector refuse instead of guess.
SWAPS: dict[str, str] = {}
for _letter, _digit in [*TO_DIGIT.items(), *((v, k) for k, v in TO_LETTER.items())]:
    SWAPS[_letter] = "".join(sorted(set(SWAPS.get(_letter, "")) | {_digit}))
    SWAPS[_digit] = "".join(sorted(set(SWAPS.get(_digit, "")) | {_letter}))

# Digit-for-digit slips seen in OCR-B reads. Never applied as corrections (no letter/digit cue tells
# which digit is wrong), but a rival that also fits the check digit makes a correction ambiguous.
_DIGIT_SLIPS = ("08", "09", "17", "38", "56", "68", "89")
RIVALS: dict[str, str] = {}
for _pair in _DIGIT_SLIPS:
    RIVALS[_pair[0]] = RIVALS.get(_pair[0], "") + _pair[1]
    RIVALS[_pair[1]] = RIVALS.get(_pair[1], "") + _pair[0]

# Typographic forms of the chevron that any OCR returns for it.
_TYPOGRAPHIC_CHEVRONS: dict[str, str] = {"«": "<<", "\u2039": "<", "\uff1c": "<", "〈": "<", "≤": "<"}
# With the shapes the page recogniser returns for it in photos (RapidOCR's CJK alphabet even offers
# hiragana "ku"), which the MRZ reader also maps. The OCR session keeps the CJK ones in its
# recogniser's alphabet.
CHEVRON_SHAPES: dict[str, str] = {**_TYPOGRAPHIC_CHEVRONS, "(": "<", "{": "<", "く": "<", "ㄑ": "<"}
_FILLER_FORMS = str.maketrans(_TYPOGRAPHIC_CHEVRONS)


def compact(text: str) -> str:
    """Letters and digits only, upper case: how a printed number and an MRZ number are compared."""
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def normalise_line(text: str) -> str:
    """Upper-case, drop blanks, map chevron look-alikes to `<`."""
    return re.sub(r"\s+", "", text.translate(_FILLER_FORMS)).upper()


def fill_after_end(raw: str, *, single: bool = False) -> str:
    """`K` read for `<` in a field's padding. In the stretch at the end of the field made only of
    `<` and `K`, every `K` after a `<<` (after a `<` for a document number) is filler: the content
    has ended there. A `K` that ends the content (`JACK<<<`, an initial `K<<<`) stays."""
    suffix = len(raw)
    while suffix > 0 and raw[suffix - 1] in "<K":
        suffix -= 1
    marker = "<" if single else "<<"
    cut = raw.find(marker, suffix)
    if cut < 0:
        return raw
    return raw[:cut] + raw[cut:].replace("K", "<")


def fill_names(raw: str) -> str:
    """In a names field the padding starts at the second `<<` (after surname `<<` given names)."""
    first = raw.find("<<")
    if first < 0:
        return raw
    given_start = first + 2
    while given_start < len(raw) and raw[given_start] == "<":
        given_start += 1
    return raw[:given_start] + fill_after_end(raw[given_start:])
