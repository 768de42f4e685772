"""The report's embedded fonts: DejaVu (Debian `fonts-dejavu-core`, Bitstream Vera licence) when
installed, else the Bitstream Vera files that ship inside reportlab (Latin-1 only).

DejaVu is preferred because holders' names go well beyond Latin-1 (ő, Ş, Cyrillic). Fonts are
registered once per process; reportlab embeds a subset of every TrueType font it uses.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

import reportlab  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]

log = logging.getLogger(__name__)

DEJAVU_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/local/share/fonts/dejavu"))
_DEJAVU = {
    "regular": "DejaVuSans.ttf",
    "bold": "DejaVuSans-Bold.ttf",
    "italic": "DejaVuSans-Oblique.ttf",
    "mono": "DejaVuSansMono.ttf",
}
_VERA = {"regular": "Vera.ttf", "bold": "VeraBd.ttf", "italic": "VeraIt.ttf", "mono": "Vera.ttf"}


@dataclass(frozen=True, slots=True)
class FontSet:
    regular: str
    bold: str
    italic: str
    mono: str
    family: str  # "DejaVu" or "Vera"


@functools.cache
def report_fonts() -> FontSet:
    files = _dejavu_files()
    family = "DejaVu"
    if files is None:
        log.warning("DejaVu fonts not found (Debian fonts-dejavu-core); reports fall back to Latin-1 Vera")
        base = Path(reportlab.__file__).parent / "fonts"
        files = {style: base / name for style, name in _VERA.items()}
        family = "Vera"
    names = {style: f"idscan-{family}-{style}" for style in files}
    for style, path in files.items():
        pdfmetrics.registerFont(TTFont(names[style], str(path)))
    pdfmetrics.registerFontFamily(
        names["regular"], normal=names["regular"], bold=names["bold"], italic=names["italic"]
    )
    return FontSet(names["regular"], names["bold"], names["italic"], names["mono"], family)


def _dejavu_files() -> dict[str, Path] | None:
    for folder in DEJAVU_DIRS:
        files = {style: folder / name for style, name in _DEJAVU.items()}
        if all(path.is_file() for path in files.values()):
            return files
    return None
