"""Find the MRZ on an upright document image and read it twice: RapidOCR and Tesseract (MRZ model).

The two reads are independent recognisers (different networks, different training data); the MRZ
package's corrector and reconciler decide what to believe. Here we only find lines and read them.
"""

from __future__ import annotations

import itertools
import queue
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from idscan.documents.mrz.charsets import CHEVRON_SHAPES
from idscan.documents.ocr import OcrSession, RGBImage, TextLine
from idscan.lib import model_files

MRZ_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
MRZ_LENGTHS = (30, 36, 44)
_FILLERS = str.maketrans(CHEVRON_SHAPES)
_NOT_MRZ = re.compile(r"[^A-Z0-9<]")
# px of a line's characters handed to Tesseract (the crop is half as tall again with its margin).
# 28 px in single-line mode read more real lines exactly (85 of 101 against 78) and faster, yet lost
# whole documents in the benchmark (two hard synthetic cards, one real passport): kept at 44.
TESS_HEIGHT = 44
LENGTH_SLACK = 2  # characters a read may be off an MRZ length before its crop is read again
RUN_GAP = 2.0  # line heights between two pieces of one MRZ line at most
LEVEL_DEGREES = 1.0  # a line slanting less is cut out as it stands
LEVEL_MAX_DEGREES = 20.0  # ... and one slanting more (the page was levelled before; see _upright)
TESS_UNSURE = 40  # below this mean confidence a read is taken again (two lines read as one score ~35)
BAND_INK = 140  # below this a normalised pixel is ink (the paper is ~255 after normalisation)
BAND_EDGE = 0.15  # rows with less ink than this share of the line's own are the gap between lines


@dataclass(frozen=True)
class MrzLineBox:
    """One MRZ line on the upright image: its axis-aligned box and the RapidOCR text."""

    box: tuple[int, int, int, int]  # x0, y0, x1, y1
    rapid: str
    score: float
    slant: float = 0.0  # degrees the print runs downhill to the right (a page photographed askew)
    thickness: float = 0.0  # the print's own height across the slant (0: the box's)


@dataclass(frozen=True)
class MrzReads:
    """Two independent reads of the same lines, top to bottom; `boxes` locate each line."""

    rapid: tuple[str, ...]
    tesseract: tuple[str, ...]
    boxes: tuple[tuple[int, int, int, int], ...]

    @property
    def found(self) -> bool:
        return bool(self.boxes)


def clean(text: str) -> str:
    text = re.sub(
        r"\s+", "", unicodedata.normalize("NFKC", text.translate(_FILLERS)).upper().translate(_FILLERS)
    )
    return _NOT_MRZ.sub("", text)


def mrz_likeness(text: str) -> float:
    """0..1: how much a recognised string looks like an MRZ line (alphabet, fillers, length).
    Lower-case letters count against it: an MRZ has none, printed labels do."""
    raw = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text.translate(_FILLERS)).translate(_FILLERS))
    if len(raw) < 20:
        return 0.0
    alphabet = sum(c in MRZ_ALPHABET for c in raw) / len(raw)
    fillers = min(1.0, raw.count("<") / 3)
    digits = min(1.0, sum(c.isdigit() for c in raw) / 6)
    length = max(0.0, 1 - min(abs(len(raw) - n) for n in MRZ_LENGTHS) / 10)
    return alphabet * (0.4 + 0.3 * max(fillers, digits) + 0.3 * length)


def find_mrz_lines(lines: Sequence[TextLine]) -> list[MrzLineBox]:
    """Pick the MRZ lines among OCR lines: MRZ-like strings, pieces on one baseline joined, the
    bottom-most block of 2-3 lines of similar height kept."""
    # the detector may split a line anywhere (`7002047M2109033AUT` + `<<<<<<<<<<<4`), so any
    # fragment in the MRZ alphabet may join a row; the joined row must look like an MRZ line
    candidates = [ln for ln in lines if _is_fragment(ln.text)]
    rows: list[list[TextLine]] = []
    for ln in sorted(candidates, key=lambda t: t.cy):
        # by the lines' own heights: on a slanted page two MRZ lines' boxes overlap by more than half
        if rows and abs(rows[-1][0].cy - ln.cy) < 0.5 * max(ln.thickness, rows[-1][0].thickness):
            rows[-1].append(ln)
        else:
            rows.append([ln])
    every = [run for same_height in rows for run in _runs(same_height)]
    joined = [(line, run) for run in every if (line := _joined(run)) is not None]
    block = _bottom_block([line for line, _ in joined])
    runs = {id(line): run for line, run in joined}
    trimmed = _trim_to_block(block, [runs[id(line)] for line in block])
    return _with_third_line(trimmed, every)


def _with_third_line(block: list[MrzLineBox], runs: list[list[TextLine]]) -> list[MrzLineBox]:
    """A card's MRZ has three lines of 30: with two found, the third stands right below them (or
    above), starting where they start. A names line misread on a patterned background (`<` read
    as `C` or `Z`) does not look like an MRZ line on its own; beside the other two it is one, and
    Tesseract reads it again."""
    if len(block) != 2 or any(abs(len(b.rapid) - 30) > 2 for b in block):
        return block

    def middle(line: MrzLineBox) -> float:
        return (line.box[1] + line.box[3]) / 2

    h = max(b.box[3] - b.box[1] for b in block)
    near = max(b.thickness for b in block) or h
    left = min(b.box[0] for b in block)
    # by the rows' middles: on a slanting page a row's box is taller than the pitch of the lines
    pitch = middle(block[1]) - middle(block[0])
    candidates = [line for run in runs if (line := _joined(run, min_likeness=0.0)) is not None]
    for where, y in ((2, middle(block[1]) + pitch), (0, middle(block[0]) - pitch)):
        for line in candidates:
            if (
                abs(middle(line) - y) < 0.5 * pitch
                and abs(line.box[0] - left) <= near
                and 0.6 < (line.box[3] - line.box[1]) / h < 1.6
            ):
                return [*block[:where], line, *block[where:]]
    return block


def _joined(run: list[TextLine], min_likeness: float = 0.75) -> MrzLineBox | None:
    """A row's pieces as one MRZ line, or None when together they do not read like one."""
    raw = "".join(t.text for t in run)
    text = clean(raw)
    if len(text) < 26 or mrz_likeness(raw) < min_likeness:
        return None
    box = (
        int(min(t.x0 for t in run)),
        int(min(t.y0 for t in run)),
        int(max(t.x1 for t in run)),
        int(max(t.y1 for t in run)),
    )
    widest = max(run, key=lambda t: t.x1 - t.x0)
    (ax, ay), (bx, by) = widest.box[0], widest.box[1]
    slant = float(np.degrees(np.arctan2(by - ay, bx - ax)))
    return MrzLineBox(box, text, min(t.score for t in run), slant, widest.thickness)


def _trim_to_block(block: list[MrzLineBox], runs: list[list[TextLine]]) -> list[MrzLineBox]:
    """An MRZ's lines start and end together: pieces of a row lying wholly before the other rows'
    start (or after their end) are print beside the document on the same baseline (the page a card
    lies on, the other side photographed next to it) when the rest of the row starts (ends) with
    them. The detector often stops short inside a filler run, so a row reaching past a short
    neighbour keeps its reach."""
    if len(block) < 2:
        return block
    out = []
    for i, (line, run) in enumerate(zip(block, runs, strict=True)):
        others = block[:i] + block[i + 1 :]
        left, right = min(b.box[0] for b in others), max(b.box[2] for b in others)
        near = max(line.thickness, 1.0)  # about a character's width
        kept = [t for t in run if t.x1 > left or _filler_run(t)]
        kept = kept if kept and abs(kept[0].x0 - left) <= near else run
        rest = [t for t in kept if t.x0 < right or _filler_run(t)]
        kept = rest if rest and abs(rest[-1].x1 - right) <= near else kept
        trimmed = _joined(kept) if len(kept) < len(run) else None
        out.append(trimmed or line)
    return out


def _filler_run(piece: TextLine) -> bool:
    """Mostly MRZ fillers: the MRZ's own print, never the print beside it."""
    text = clean(piece.text)
    return text.count("<") >= len(text) / 2


def _runs(row: list[TextLine]) -> list[list[TextLine]]:
    """A row's pieces left to right, split where a gap is wider than a few characters: the detector
    splits an MRZ line at most a character or two apart, while print beside it (the other side of
    a card photographed next to it) lies far off."""
    row = sorted(row, key=lambda t: t.x0)
    runs = [[row[0]]]
    for prev, ln in itertools.pairwise(row):
        if ln.x0 - prev.x1 > RUN_GAP * max(prev.thickness, ln.thickness):
            runs.append([ln])
        else:
            runs[-1].append(ln)
    return runs


def _is_fragment(text: str) -> bool:
    """Could be (part of) an MRZ line: MRZ alphabet only, no lower case, a few characters at least."""
    raw = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text.translate(_FILLERS)).translate(_FILLERS))
    return len(raw) >= 3 and sum(c in MRZ_ALPHABET for c in raw) >= 0.9 * len(raw)


def _bottom_block(rows: list[MrzLineBox]) -> list[MrzLineBox]:
    """The lowest run of up to 3 consecutive lines with similar heights and widths."""
    if not rows:
        return []
    block = [rows[-1]]
    for row in reversed(rows[:-1]):
        ref = block[0]
        ref_h, h = ref.box[3] - ref.box[1], row.box[3] - row.box[1]
        gap = ref.box[1] - row.box[3]
        similar = 0.6 < h / max(ref_h, 1) < 1.6 and gap < 1.6 * ref_h
        if not similar or len(block) == 3:
            break
        block.insert(0, row)
    return block


def locate_mrz_band(image: RGBImage) -> tuple[int, int, int, int] | None:
    """Fallback when OCR found no MRZ-like text: the classic morphological MRZ band finder
    (black-hat to lift dark text, a wide closing to join the characters of a line)."""
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    h, w = gray.shape
    scale = 800 / w
    small = cv2.resize(gray, (800, max(1, round(h * scale))))
    blackhat = cv2.morphologyEx(small, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 7)))
    grad = cv2.convertScaleAbs(cv2.Sobel(blackhat, cv2.CV_32F, 1, 0, ksize=-1))
    grad = cv2.morphologyEx(grad, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (21, 5)))
    _, thresh = cv2.threshold(grad, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    thresh = cv2.morphologyEx(thresh, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (27, 15)))
    contours, _ = cv2.findContours(thresh, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    best = None
    for c in contours:
        x, y, cw, ch = cv2.boundingRect(c)
        if cw > 0.6 * small.shape[1] and 3 < cw / max(ch, 1) < 40 and (best is None or y > best[1]):
            best = (x, y, cw, ch)
    if best is None:
        return None
    fx, fy, fw, fh = (v / scale for v in best)
    pad = 0.15 * fh
    return (
        max(0, int(fx - pad)),
        max(0, int(fy - pad)),
        min(w, int(fx + fw + pad)),
        min(h, int(fy + fh + pad)),
    )


def read_mrz(image: RGBImage, lines: Sequence[TextLine], ocr: OcrSession, tess: TesseractMrz) -> MrzReads:
    """Both reads of the MRZ on the upright `image`; `lines` is RapidOCR's full-page result."""
    found = find_mrz_lines(lines)
    if len(found) == 1:
        found = complete_block(image, found[0], ocr)
    if len(found) < 2:
        band = locate_mrz_band(image)
        if band is None:
            return MrzReads((), (), ())
        x0, y0, x1, y1 = band
        crop = np.ascontiguousarray(image[y0:y1, x0:x1])
        sub = ocr.read(crop, max_side=max(320, min(1280, x1 - x0)))
        shifted = [
            TextLine(t.text, t.score, tuple((x + x0, y + y0) for x, y in t.box), t.upside_down) for t in sub
        ]
        found = find_mrz_lines(shifted)
        if len(found) < 2:
            return MrzReads((), (), ())
    found = _full_width(image, found, ocr)
    # every line of one MRZ has the block's length: the MRZ length RapidOCR read most often
    lengths = Counter(len(r.rapid) for r in found if len(r.rapid) in MRZ_LENGTHS).most_common(1)
    length = lengths[0][0] if lengths else None
    reads = tess.read_lines([(level_crop(image, row), length) for row in found])
    return MrzReads(tuple(r.rapid for r in found), reads, tuple(r.box for r in found))


@dataclass(frozen=True)
class ZoneReads:
    """Both reads of the one-line zone of an ISO/IEC 18013 driving licence (30 characters, `D1NLD...`)."""

    rapid: str
    tesseract: str
    box: tuple[int, int, int, int]


ZONE_LENGTH = 30


def read_licence_zone(image: RGBImage, lines: Sequence[TextLine], tess: TesseractMrz) -> ZoneReads | None:
    """The licence's one-line zone among the page's OCR lines, read again by the MRZ-trained reader.
    Looked for only where no ICAO MRZ was found: a single MRZ-like row of about 30 characters that
    starts with `D` (the document code of a driving licence)."""
    for row in reversed(find_mrz_lines(lines)):
        if row.rapid.startswith("D") and abs(len(row.rapid) - ZONE_LENGTH) <= 2:
            return ZoneReads(row.rapid, tess.read_line(level_crop(image, row), ZONE_LENGTH), row.box)
    return None


def complete_block(image: RGBImage, row: MrzLineBox, ocr: OcrSession) -> list[MrzLineBox]:
    """One MRZ line found: the detector missed its neighbour (a faint or tightly spaced line). An
    MRZ has at least two lines of one width and pitch: read the strips just above and below."""
    x0, y0, x1, y1 = row.box
    h, pitch = y1 - y0, round(1.15 * (y1 - y0))
    out = [row]
    for dy in (-pitch, pitch):
        box = (x0, max(0, y0 + dy), x1, min(image.shape[0], y1 + dy))
        if box[3] - box[1] < 0.6 * h:
            continue
        [(text, score)] = ocr.recognize([line_crop(image, box, pad=0.15)])
        if len(clean(text)) >= 26 and mrz_likeness(text) >= 0.75:
            out.append(MrzLineBox(box, clean(text), score))
    return sorted(out, key=lambda r: r.box[1])


def _full_width(image: RGBImage, rows: list[MrzLineBox], ocr: OcrSession) -> list[MrzLineBox]:
    """All lines of an MRZ share one start and one end; the detector sometimes stops short inside a
    faint filler run. Widen such a row to the block and let RapidOCR read the wider crop again."""
    x0, x1 = min(r.box[0] for r in rows), max(r.box[2] for r in rows)
    out = []
    for row in rows:
        if row.box[2] - row.box[0] >= 0.96 * (x1 - x0):
            out.append(row)
            continue
        if _slants(row):
            # a slanting row is widened along its own slant: a level band would leave its far end
            # and take in the next line's
            wide = _widened(row, x0, x1, image.shape[0])
            [(text, score)] = ocr.recognize([level_crop(image, wide)])
        else:
            wide = replace(row, box=(x0, row.box[1], x1, row.box[3]))
            [(text, score)] = ocr.recognize([line_crop(image, wide.box, pad=0.15)])
        text = clean(text)
        out.append(replace(wide, rapid=text, score=score) if len(text) > len(row.rapid) else row)
    return out


def _widened(row: MrzLineBox, x0: int, x1: int, height: int) -> MrzLineBox:
    """The slanting row running from x0 to x1: its box is the one the print would fill there (inside
    an image `height` pixels tall: the box also masks the MRZ when it is redacted)."""
    tan = float(np.tan(np.radians(row.slant)))
    cx, cy = (row.box[0] + row.box[2]) / 2, (row.box[1] + row.box[3]) / 2
    mid = cy + tan * ((x0 + x1) / 2 - cx)
    half = (row.thickness / float(np.cos(np.radians(row.slant))) + abs(tan) * (x1 - x0)) / 2
    return replace(row, box=(x0, max(0, round(mid - half)), x1, min(height, round(mid + half))))


def _slants(row: MrzLineBox) -> bool:
    """Whether a row is cut out turned level. A steeper "row" is no line of an upright page;
    levelling it would also cut a crop far longer than the image (its length grows as 1 / cos of
    the slant)."""
    return LEVEL_DEGREES <= abs(row.slant) <= LEVEL_MAX_DEGREES and row.thickness > 0


def level_crop(image: RGBImage, row: MrzLineBox) -> RGBImage:
    """`line_crop` of a row, turned level first when it slants: the box of a slanting line is
    taller than its print and holds parts of its neighbours, and Tesseract reads slanting print
    badly."""
    if not _slants(row):
        return line_crop(image, row.box, centred=True)
    x0, y0, x1, y1 = row.box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    length = (x1 - x0) / np.cos(np.radians(row.slant))
    # the same margins as line_crop's around a level box of the print's own height
    out_w = round(length + 2 * 0.35 * row.thickness)
    out_h = round(1.5 * row.thickness)
    turn = cv2.getRotationMatrix2D((cx, cy), row.slant, 1.0)
    turn[0, 2] += out_w / 2 - cx
    turn[1, 2] += out_h / 2 - cy
    level = cv2.warpAffine(
        image, turn, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return np.ascontiguousarray(level)


def line_crop(
    image: RGBImage, box: tuple[int, int, int, int], pad: float = 0.35, *, centred: bool = False
) -> RGBImage:
    """The box with margins. `centred`: where the image's edge cuts a margin, the edge is repeated
    to fill it, so the line stays in the crop's middle (else the line beside it may take the
    middle, and Tesseract reads that one)."""
    x0, y0, x1, y1 = box
    h, w = image.shape[:2]
    pad_y, pad_x = round(0.25 * (y1 - y0)), round(pad * (y1 - y0))
    top, bottom, left, right = y0 - pad_y, y1 + pad_y, x0 - pad_x, x1 + pad_x
    crop = np.ascontiguousarray(image[max(0, top) : min(h, bottom), max(0, left) : min(w, right)])
    cut = (max(0, -top), max(0, bottom - h), max(0, -left), max(0, right - w))
    if not centred or not any(cut) or crop.size == 0:
        return crop
    return np.ascontiguousarray(cv2.copyMakeBorder(crop, *cut, cv2.BORDER_REPLICATE))


def normalise_for_tesseract(crop: RGBImage) -> npt.NDArray[np.uint8]:
    """Grey, divided by its own blurred background (uneven light, glare), scaled to TESS_HEIGHT."""
    gray: Any = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY).astype(np.float32)
    scale = TESS_HEIGHT * 1.5 / max(gray.shape[0], 1)
    gray = cv2.resize(
        gray,
        (max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale))),
        interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA,
    )
    background = cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15)))
    background = cv2.GaussianBlur(background, (0, 0), 8)
    norm = np.clip(gray / np.maximum(background, 1) * 255, 0, 255)
    return np.asarray(norm, np.uint8)


def centre_band(norm: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """The crop's middle line of print only: the rows of ink that run on from the crop's middle."""
    ink = (norm < BAND_INK).mean(axis=1)
    h = len(ink)
    mid = h // 2
    peak = float(ink[max(0, mid - h // 6) : mid + h // 6 + 1].max())
    if peak <= 0:
        return norm
    lo = hi = mid
    while lo > 0 and ink[lo - 1] > BAND_EDGE * peak:
        lo -= 1
    while hi < h - 1 and ink[hi + 1] > BAND_EDGE * peak:
        hi += 1
    pad = round(0.2 * (hi - lo + 1))
    top, bottom = max(0, lo - pad), min(h, hi + pad + 1)
    if bottom - top < 0.25 * h:  # a speck, not a line: keep the crop as it was
        return norm
    return np.ascontiguousarray(norm[top:bottom])


def mrz_model_path() -> Path:
    """The model file after its digest check (raises ModelIntegrityError when absent or altered)."""
    return model_files.verified_path(model_files.MRZ_MODEL)


class TesseractMrz:
    """tesserocr with the MRZ model: `readers` API objects, each used by one thread at a time, so
    the lines of one MRZ are read side by side (Tesseract releases the GIL and runs on one core)
    and concurrent requests do not queue behind one reader."""

    def __init__(self, readers: int = 1) -> None:
        import tesserocr

        model = mrz_model_path()
        self._modes = (tesserocr.PSM.SINGLE_BLOCK, tesserocr.PSM.RAW_LINE)
        self._apis: queue.SimpleQueue[Any] = queue.SimpleQueue()
        for _ in range(max(1, readers)):
            # single-block mode: single-line mode (7) returns nothing on some clean crops
            api: Any = tesserocr.PyTessBaseAPI(
                path=str(model.parent), lang="mrz", psm=tesserocr.PSM.SINGLE_BLOCK
            )
            api.SetVariable("tessedit_char_whitelist", MRZ_ALPHABET)
            api.SetVariable("load_system_dawg", "0")
            api.SetVariable("load_freq_dawg", "0")
            self._apis.put(api)
        self._pool = ThreadPoolExecutor(max(1, readers), thread_name_prefix="tesseract")
        self._image_cls: Any = __import__("PIL.Image", fromlist=["Image"])

    def read_lines(self, crops: Sequence[tuple[RGBImage, int | None]]) -> tuple[str, ...]:
        """`read_line` for each (crop, length), side by side on the readers; in their order."""
        if len(crops) <= 1:
            return tuple(self.read_line(crop, length) for crop, length in crops)
        return tuple(self._pool.map(lambda item: self.read_line(*item), crops))

    def read_line(self, crop: RGBImage, length: int | None = None) -> str:
        """The MRZ line in the middle of `crop`; `length` is the block's line length when known."""
        if crop.size == 0:
            return ""

        def off(text: str) -> int:
            return abs(len(text) - length) if length else min(abs(len(text) - n) for n in MRZ_LENGTHS)

        norm = normalise_for_tesseract(crop)
        best, confidence = self._read(norm)
        if off(best) > LENGTH_SLACK or confidence < TESS_UNSURE:
            # Where lines stand close (a small booklet page, a card photographed beside another)
            # the padded crop catches half the neighbouring line, and Tesseract reads both as one
            # garbled line: read the middle line alone and keep the read Tesseract is surer of. Only
            # then: on a normal crop the margin helps Tesseract (cutting it always lost reads).
            band = centre_band(norm)
            if band.shape != norm.shape:
                again, sure = self._read(band)
                if off(best) > LENGTH_SLACK:
                    best = again if off(again) < off(best) else best
                elif off(again) <= LENGTH_SLACK and sure > confidence:
                    best = again
        return best

    def _read(self, norm: npt.NDArray[np.uint8]) -> tuple[str, int]:
        """The longest line read, and Tesseract's mean confidence (0-100) in what it read."""
        best, confidence = "", 0
        api = self._apis.get()
        try:
            for mode in self._modes:
                api.SetPageSegMode(mode)
                api.SetImage(self._image_cls.fromarray(norm))
                text: str = api.GetUTF8Text()
                confidence = int(api.MeanTextConf())
                # a padded crop may catch a sliver of the neighbouring line: keep the longest
                best = max((clean(t) for t in text.splitlines()), key=len, default="")
                if len(best) >= 20:
                    break
        finally:
            self._apis.put(api)
        return best, confidence
