"""The issuing state of an EU driving licence from the distinguishing sign printed in its EU flag
(top left of the front: `F`, `NL`, `D` ...; the signs of the 1949 Geneva convention). Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence

from idscan.documents.ocr import TextLine

# EU and EEA states that issue the card model, sign -> ICAO code
SIGNS = {
    "A": "AUT", "B": "BEL", "BG": "BGR", "CY": "CYP", "CZ": "CZE", "D": "D", "DK": "DNK", "E": "ESP",
    "EST": "EST", "F": "FRA", "FIN": "FIN", "FL": "LIE", "GR": "GRC", "H": "HUN", "HR": "HRV", "I": "ITA",
    "IRL": "IRL", "IS": "ISL", "L": "LUX", "LT": "LTU", "LV": "LVA", "M": "MLT", "N": "NOR", "NL": "NLD",
    "P": "PRT", "PL": "POL", "RO": "ROU", "S": "SWE", "SK": "SVK", "SLO": "SVN",
}  # fmt: skip
CORNER = 0.4  # the flag sits in the left 40 % and the top 40 % of the card


def sign_country(lines: Sequence[TextLine], shape: Sequence[int]) -> str | None:
    """The ICAO code of the sign standing alone in the front's top-left corner, or None."""
    h, w = int(shape[0]), int(shape[1])
    for ln in sorted(lines, key=lambda t: (t.cy, t.x0)):
        # the stars around the sign may be read as a stray mark (`+NL`)
        code = SIGNS.get(re.sub(r"[^A-Z]", "", ln.text.upper()))
        if code and ln.x1 < CORNER * w and ln.y1 < CORNER * h:
            return code
    return None
