"""Where the holder's signature is: the area a signature label names, or a scribble the OCR saw.

The detector often boxes a signature as "text" that reads as gibberish (`wwm`); a label such as
`Handtekening / Signature` names the area below it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from idscan.documents.ocr import TextLine
from idscan.documents.viz import plain

SIGNATURE_WORDS = (
    "signature",
    "handtekening",
    "unterschrift",
    "firma",
    "podpis",
    "assinatura",
    "namnteckning",
    "underskrift",
    "allekirjoitus",
    "alairas",
    "paraksts",
    "parasas",
    "allkiri",
    "potpis",
    "semnatura",
)
_WORDS = re.compile(rf"(?<![a-z])({'|'.join(SIGNATURE_WORDS)})")

Box = tuple[int, int, int, int]


def signature_boxes(lines: Sequence[TextLine], shape: Sequence[int]) -> tuple[Box, ...]:
    """Boxes to mask for the signature (the area under each signature label, widened)."""
    h_img, w_img = int(shape[0]), int(shape[1])
    out: list[Box] = []
    for ln in lines:
        if not _WORDS.search(plain(ln.text)):
            continue
        h = ln.height
        x0 = int(ln.x0 - 0.5 * h)
        x1 = int(max(ln.x1, ln.x0 + 16 * h) + h)  # signatures run wider than their label
        y0, y1 = int(ln.y1), int(ln.y1 + 3.5 * h)
        # a scribble the detector boxed just under the label extends the area to its real size
        for other in lines:
            overlaps = other.y0 < y1 and other.y1 > y0 and other.x1 > x0 and other.x0 < x1
            if other is not ln and overlaps and _looks_like_scribble(other.text):
                x0, y0 = min(x0, int(other.x0)), min(y0, int(other.y0))
                x1, y1 = max(x1, int(other.x1 + 1)), max(y1, int(other.y1 + 1))
        out.append((max(0, x0), max(0, y0), min(w_img, x1), min(h_img, y1)))
    return tuple(out)


def _looks_like_scribble(text: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", text)
    return len(set(letters.lower())) <= 3 or not re.search(r"[aeiouy]", text.lower())


_FIELD_SEVEN = re.compile(r"^\s*7\s*[.,:]")


def licence_signature_boxes(lines: Sequence[TextLine], shape: Sequence[int]) -> tuple[Box, ...]:
    """An EU driving licence signs in field `7.`: the signature runs to the right of the number, on
    its row and a little above and below it (a signature is taller than the printed text)."""
    h_img, w_img = int(shape[0]), int(shape[1])
    out: list[Box] = []
    for ln in lines:
        if not _FIELD_SEVEN.match(ln.text):
            continue
        h = ln.height
        x0, x1 = int(ln.x0 - 0.3 * h), int(max(ln.x1, ln.x0 + 14 * h))
        y0, y1 = int(ln.cy - 1.6 * h), int(ln.cy + 1.3 * h)
        out.append((max(0, x0), max(0, y0), min(w_img, x1), min(h_img, y1)))
    return tuple(out)
