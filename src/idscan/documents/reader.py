"""The document engine's one entry point: photos in, a `DocumentReading` out. Pure (no I/O, no settings).

Per side: decode, judge quality, flatten, OCR once, turn upright, read the MRZ twice, map the visual
zone (on a side without an MRZ: a US/Canadian front's labels, else one PDF417 search for the back's
AAMVA barcode), find the portrait. Then: reconcile the MRZ reads with the print, classify, pair the
sides, assemble fields (from the MRZ and print, or from the barcode compared with the print) and
apply the transaction's rules to pick the attempt code.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date

import cv2
import numpy as np
import numpy.typing as npt

from idscan.documents.aamva import AamvaRecord
from idscan.documents.aamva_fields import address_boxes, barcode_fields, read_card_barcode
from idscan.documents.classify import Classification, DocumentType, Side, classify, type_from_title
from idscan.documents.decide import LicenceFacts, decide
from idscan.documents.engines import DocumentEngines
from idscan.documents.fields import build_fields
from idscan.documents.imageio import DOCUMENT_PHOTO, assess_quality, decode_image
from idscan.documents.licence_categories import (
    Category,
    back_table,
    code_lines,
    complete_table,
    front_categories,
    is_table_side,
)
from idscan.documents.licence_fields import licence_fields
from idscan.documents.licence_mrz import ZoneVerdict, judge_zone
from idscan.documents.licence_sign import flag_box, sign_code, sign_country, sign_crop
from idscan.documents.locate import Located, locate
from idscan.documents.mrz import Reconciled, reconcile
from idscan.documents.mrz_reader import MRZ_LENGTHS, MrzReads, ZoneReads, read_licence_zone, read_mrz
from idscan.documents.ocr import Detected, OcrSession, RGBImage, TextLine
from idscan.documents.portrait import find_portrait
from idscan.documents.reading import Box, DocumentReading, ReadParams, SideReading
from idscan.documents.redact import BARCODE_CARRIES, MRZ_STRETCHES, carries, mrz_char_boxes
from idscan.documents.signature import licence_signature_boxes, signature_boxes
from idscan.documents.viz import Probe, VisualField, numbered_licence_fields, read_visual_zone
from idscan.documents.viz_aamva import aamva_front_fields, front_subfile
from idscan.documents.viz_fallback import guided_fields, near_names

AAMVA_TYPES = frozenset({DocumentType.DRIVING_LICENSE, DocumentType.IDENTITY_CARD})
# numbered EU licence fields (1., 2., 4b., 5. ...) that make a side a licence's front
LICENCE_FRONT_FIELDS = 3
BARCODE_SIDE_MAX_FIELDS = 3  # labelled visual-zone fields from which a side counts as a printed front
# fewer text lines than this inside an outline without an MRZ (and this many more around it): not a
# document side but a frame in one
OUTLINE_MIN_LINES = 5
FRAME_SHARE = 0.25  # ... and only when the outline covers less of the photo than this
DESKEW_DEGREES = 2.5  # below this the OCR copes; above it line boxes start to overlap
LONG_OUTLINE = 2.5  # length/thickness of a line outline of about 4 characters
SLOPE_OUTLINE = 4.0  # ... and of about 8, long enough to measure a page's slant by


def _turn_lines(lines: Sequence[TextLine], w: int, h: int) -> list[TextLine]:
    """The same lines after the image is turned by 180 degrees (no need to OCR again)."""
    out = []
    for ln in lines:
        pts = tuple((w - 1 - x, h - 1 - y) for x, y in ln.box)
        out.append(TextLine(ln.text, ln.score, pts[2:] + pts[:2], not ln.upside_down))
    return out


class Budget:
    """The work a side may take beyond its first page read (see `ReadParams`); past it, optional
    passes are skipped and named in `skipped`."""

    def __init__(self, rereads: int, probes: int, barcodes: int = 0) -> None:
        self._left = {"reread": rereads, "probe": probes, "barcode": barcodes}
        self.skipped: list[str] = []

    def allows(self, kind: str, step: str) -> bool:
        if self._left[kind] > 0:
            self._left[kind] -= 1
            return True
        self.skipped.append(step)
        return False


def _upright(
    located: Located, ocr: OcrSession, max_side: int, budget: Budget, detected: Detected | None = None
) -> tuple[Located, list[TextLine], int]:
    """OCR the flattened image and turn it upright: 90 degrees when most long line outlines stand
    taller than wide, level when they slant, 180 from the per-line classifier. The first two are
    decided from the detector's outlines alone, so a page is recognised once, as it stands at last.
    `detected`: the outlines already found on `located` at `max_side`, if any."""
    detected = detected or ocr.detect(located.image, max_side=max_side)
    turns = 0
    if _mostly_tall(detected.quads) and budget.allows("reread", "quarter_turn"):
        # turn a quarter and detect again; if that left it upside down, the 180-degree step below
        # fixes it without another read
        located, turns = located.turned(1), 1
        detected = ocr.detect(located.image, max_side=max_side)
    angle = outline_angle(detected.quads)
    if abs(angle) > DESKEW_DEGREES and budget.allows("reread", "deskew"):
        # a tilted photo without an outline: straighten, detect again
        located = located.deskewed(angle)
        detected = ocr.detect(located.image, max_side=max_side)
    lines = ocr.recognise(detected)
    if lines and sum(ln.upside_down for ln in lines) > len(lines) / 2:
        h, w = located.image.shape[:2]
        located, lines, turns = located.turned(2), _turn_lines(lines, w, h), (turns + 2) % 4
    return located, ocr.reread_against_page(located.image, lines), turns


def _edge_lengths(quads: npt.NDArray[np.float32]) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Each outline's length (its top edge) and thickness (its left edge)."""
    length = np.hypot(*(quads[:, 1] - quads[:, 0]).T)
    thickness = np.hypot(*(quads[:, 3] - quads[:, 0]).T)
    return length, thickness


def _mostly_tall(quads: npt.NDArray[np.float32]) -> bool:
    """Most outlines of a few characters or more (one side 2.5 times the other) stand taller than
    wide: the page lies on its side."""
    if len(quads) == 0:
        return False
    width = quads[:, :, 0].max(axis=1) - quads[:, :, 0].min(axis=1)
    height = quads[:, :, 1].max(axis=1) - quads[:, :, 1].min(axis=1)
    long = np.maximum(width, height) >= LONG_OUTLINE * np.maximum(np.minimum(width, height), 1)
    return bool(long.any()) and int((height[long] > 1.5 * width[long]).sum()) > int(long.sum()) / 2


def outline_angle(quads: npt.NDArray[np.float32]) -> float:
    """Median slope, in degrees, of the top edges of the longer lines (0 = level)."""
    if len(quads) == 0:
        return 0.0
    length, thickness = _edge_lengths(quads)
    dx, dy = (quads[:, 1] - quads[:, 0]).T
    # about 8 characters or more, and running sideways (up to ~33 degrees)
    keep = (length >= SLOPE_OUTLINE * np.maximum(thickness, 1)) & (dx > 1.5 * np.abs(dy))
    if int(keep.sum()) < 3:
        return 0.0
    return float(np.median(np.degrees(np.arctan2(dy[keep], dx[keep]))))


def _probe(image: RGBImage, ocr: OcrSession, budget: Budget) -> Probe:
    def probe(box: tuple[int, int, int, int]) -> str:
        if not budget.allows("probe", "probe"):
            return ""
        x0, y0, x1, y1 = box
        crop = image[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)]
        if crop.size == 0:
            return ""
        lines = ocr.read(np.ascontiguousarray(crop), max_side=max(64, *crop.shape[:2]))
        return " ".join(ln.text for ln in sorted(lines, key=lambda t: t.x0))

    return probe


class _SideWork:
    """Intermediate per-side state (mutable while reading; frozen into SideReading at the end)."""

    def __init__(
        self,
        reading: SideReading,
        visual: dict[str, VisualField],
        barcode: AamvaRecord | None = None,
        aamva_front: str | None = None,
        licence: EuLicenceSide | None = None,
    ) -> None:
        self.reading = reading
        self.visual = visual
        self.barcode = barcode  # the AAMVA record of a US/Canadian card's back
        self.aamva_front = aamva_front  # DL | ID: the side is the printed front of such a card
        self.licence = licence or EuLicenceSide()


class EuLicenceSide:
    """What a side without an ICAO MRZ shows of an EU driving licence (all empty elsewhere)."""

    def __init__(
        self,
        zone: ZoneReads | None = None,
        front_codes: tuple[str, ...] = (),
        table: tuple[Category, ...] = (),
        numbered: int = 0,
        codes: int = 0,
    ) -> None:
        self.zone = zone  # the ISO/IEC 18013 one-line zone's two reads
        self.front_codes = front_codes  # categories listed in field 9.
        self.table = table  # the back's dated category rows
        self.numbered = numbered  # numbered licence fields read (1., 2., 4b., 5. ...)
        self.codes = codes  # lines that start with a category code
        self.sign: str | None = None  # the issuing state the flag's sign names, read from the flag

    @property
    def is_front(self) -> bool:
        return self.numbered >= LICENCE_FRONT_FIELDS

    @property
    def is_back(self) -> bool:
        return is_table_side(self.table, self.codes) and not self.is_front


def read_side(
    data: bytes,
    params: ReadParams,
    engines: DocumentEngines,
    timings: dict[str, float],
    tag: str,
) -> _SideWork:
    t0 = time.perf_counter()
    budget = Budget(params.max_rereads, params.max_probes, params.max_barcode_reads)
    # raises UnsupportedImageError: the caller maps it to unsupported_file
    decoded = decode_image(data, replace(DOCUMENT_PHOTO, working_side=2 * params.max_width))
    quality = tuple(q.code for q in assess_quality(decoded.pixels))
    t1 = time.perf_counter()
    ocr, tess = engines.ocr(), engines.mrz()
    located = locate(decoded.pixels, params.max_width)
    located, lines, turns = _upright(located, ocr, 960, budget)
    t2 = time.perf_counter()
    mrz = read_mrz(located.image, lines, ocr, tess)
    again = _whole_photo(decoded.pixels, located, lines, mrz, ocr, params)
    if again is not None and budget.allows("reread", "whole_photo"):
        whole, found = again
        whole, whole_lines, whole_turns = _upright(whole, ocr, 960, budget, found)
        retry = read_mrz(whole.image, whole_lines, ocr, tess)
        if retry.found and not mrz_cut_short(retry, whole.image.shape[1]):
            located, lines, turns, mrz = whole, whole_lines, whole_turns, retry
    zone = None if mrz.found else read_licence_zone(located.image, lines, tess)
    t3 = time.perf_counter()
    machine_rows = (*mrz.boxes, *((zone.box,) if zone else ()))
    mrz_lines = set(map(id, _mrz_text_lines(lines, machine_rows)))
    visual = read_visual_zone(
        lines, [ln for ln in lines if id(ln) in mrz_lines], _probe(located.image, ocr, budget)
    )
    aamva_front: str | None = None
    barcode: tuple[AamvaRecord, Box] | None = None
    licence = EuLicenceSide()
    if not mrz.found:
        page = [ln for ln in lines if id(ln) not in mrz_lines]
        visual, aamva_front, licence, search = _without_mrz(lines, page, visual, zone, params)
        if licence.is_front and sign_country(lines, located.image.shape) is None:
            licence.sign = _flag_sign(located.image, ocr, budget)
        if search and budget.allows("barcode", "barcode"):
            barcode = read_card_barcode(located, decoded.pixels)
    portrait = find_portrait(located.image, engines.vision)
    t4 = time.perf_counter()
    regions: dict[str, tuple[tuple[int, int, int, int], ...]] = {k: (v.box,) for k, v in visual.items()}
    if barcode is not None:
        # the barcode holds every value it encodes: redacting one of them masks it whole
        for name in BARCODE_CARRIES:
            regions[name] = (*regions.get(name, ()), barcode[1])
    if machine_rows:
        x0 = min(b[0] for b in machine_rows)
        regions["mrz"] = (
            (
                x0,
                min(b[1] for b in machine_rows),
                max(b[2] for b in machine_rows),
                max(b[3] for b in machine_rows),
            ),
        )
    # neither the portrait's framing nor the area under a signature label reaches into the MRZ
    mrz_top = min((b[1] for b in machine_rows), default=located.image.shape[0])
    if portrait is not None:
        regions["portrait"] = (_above(portrait.mask_box, mrz_top),)
    sig = tuple(_above(b, mrz_top) for b in signature_boxes(lines, located.image.shape))
    if licence.is_front:
        sig += tuple(_above(b, mrz_top) for b in licence_signature_boxes(lines, located.image.shape))
    if sig:
        regions["signature"] = sig
    for key, value in (("decode", t1 - t0), ("ocr", t2 - t1), ("mrz", t3 - t2), ("visual", t4 - t3)):
        timings[f"{tag}.{key}"] = value
    reading = SideReading(
        side="front",
        image=located.image,
        located=located.found,
        fully_visible=located.fully_visible,
        quarter_turns=turns,
        lines=tuple(lines),
        mrz_reads=(mrz.rapid, mrz.tesseract),
        mrz_boxes=mrz.boxes,
        portrait=portrait,
        regions=regions,
        quality=quality,
        homography=tuple(tuple(float(v) for v in row) for row in located.homography),
        skipped=tuple(budget.skipped),
    )
    return _SideWork(reading, visual, barcode[0] if barcode else None, aamva_front, licence)


def _whole_photo(
    pixels: RGBImage,
    located: Located,
    lines: Sequence[TextLine],
    mrz: MrzReads,
    ocr: OcrSession,
    params: ReadParams,
) -> tuple[Located, Detected | None] | None:
    """The whole photo to read again (with its line outlines when they are already found), when the
    outline found may be a printed frame inside a document that fills the photo: it cuts the MRZ,
    runs into the photo's border with no MRZ inside, or holds hardly any print with more around it
    (the portrait's frame)."""
    if not located.found:
        return None
    if mrz_cut_short(mrz, located.image.shape[1]) or (not mrz.found and not located.fully_visible):
        return locate(pixels, params.max_width, outline=False), None
    return None if mrz.found else _frame_in_page(pixels, located, lines, ocr, params)


def _frame_in_page(
    pixels: RGBImage, located: Located, lines: Sequence[TextLine], ocr: OcrSession, params: ReadParams
) -> tuple[Located, Detected | None] | None:
    """The whole photo and its line outlines when the outline holds hardly any print and the whole
    photo clearly more: the outline is a frame inside the document (the portrait's, on a page whose
    own edges are out of the photo). Decided from the detector's outlines alone, a fraction of a read."""
    if len(lines) >= OUTLINE_MIN_LINES or located.quad is None:
        return None
    # a side photographed whole (a card's back with little print) fills more of the photo
    area = cv2.contourArea(np.asarray(located.quad, np.float32))
    if area > FRAME_SHARE * pixels.shape[0] * pixels.shape[1]:
        return None
    whole = locate(pixels, params.max_width, outline=False)
    detected = ocr.detect(whole.image, max_side=960)
    return (whole, detected) if len(detected.boxes) >= len(lines) + OUTLINE_MIN_LINES else None


def _without_mrz(
    lines: Sequence[TextLine],
    page: Sequence[TextLine],
    visual: dict[str, VisualField],
    zone: ZoneReads | None,
    params: ReadParams,
) -> tuple[dict[str, VisualField], str | None, EuLicenceSide, bool]:
    """A side without an ICAO MRZ: a US/Canadian front (its fields and subfile), an EU licence's
    side, or neither; and whether to look for a PDF417 barcode on it."""
    printed = aamva_front_fields(lines)
    if printed:
        # a US/Canadian front: read by its own labels only. The European tables would read its
        # dates day first and take words printed as values for labels (`LAST NAME, SUFIX`).
        return printed, front_subfile(lines), EuLicenceSide(), False
    licence = EuLicenceSide(
        zone,
        front_categories(page),
        back_table(page, params.today),
        len(numbered_licence_fields(page)),
        code_lines(page),
    )
    # An EU licence's side has no PDF417; nor has a side whose print already reads as labelled
    # fields (an ID card's front): the search (~250 ms) is left out there.
    search = zone is None and not licence.is_back and len(visual) < BARCODE_SIDE_MAX_FIELDS
    return visual, None, licence, search


def _flag_sign(image: RGBImage, ocr: OcrSession, budget: Budget) -> str | None:
    """The sign in the EU flag when the page read missed it (a lone `D` or `I` among the stars):
    the flag's middle recognised on its own."""
    box = flag_box(image)
    if box is None or not budget.allows("probe", "flag_sign"):
        return None
    [(text, _score)] = ocr.recognize([sign_crop(image, box)])
    return sign_code(text, alone=True)


def mrz_cut_short(mrz: MrzReads, width: int) -> bool:
    """MRZ rows that run into the left or right edge of the flattened image while some row is short
    of an MRZ length: the outline cut characters off."""
    if not mrz.found:
        return False
    touches = any(b[0] <= 0.005 * width or b[2] >= 0.995 * width - 1 for b in mrz.boxes)
    short = any(len(r) not in MRZ_LENGTHS for r in (*mrz.rapid, *mrz.tesseract) if r)
    return touches and short


def _above(box: tuple[int, int, int, int], limit: int) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    return (x0, y0, x1, max(y0, min(y1, limit - 2)))


def _mrz_text_lines(lines: Sequence[TextLine], boxes: Sequence[tuple[int, int, int, int]]) -> list[TextLine]:
    """OCR lines that lie inside the MRZ rows (kept out of the visual-zone mapping)."""
    out = []
    for ln in lines:
        for x0, y0, x1, y1 in boxes:
            if y0 - 2 <= ln.cy <= y1 + 2 and ln.x1 >= x0 and ln.x0 <= x1:
                out.append(ln)
                break
    return out


def _reconcile(work: _SideWork, params: ReadParams, elsewhere: dict[str, str]) -> Reconciled | None:
    """The MRZ of one side, checked against the print; `elsewhere` is what the document's other side
    prints (a card's number is on the front, its MRZ on the back), used where this side has none."""
    rapid, tess = work.reading.mrz_reads
    if not rapid and not tess:
        return None
    printed = elsewhere | {k: v.text for k, v in work.visual.items()}
    # The MRZ-trained reader goes first: it knows `<` from `K` and O from 0 by position; when it
    # read nothing the general reader stands alone.
    first, second = (tess, rapid) if tess and all(tess) else (rapid, tess)
    rec = reconcile(list(first), list(second) or None, printed, today=params.today)
    if rec.result is None:
        return rec
    mrz_lines = _mrz_text_lines(work.reading.lines, work.reading.mrz_boxes)
    guided = guided_fields(work.reading.lines, rec.result, work.visual, mrz_lines)
    if guided:
        work.visual.update(guided)
        printed = elsewhere | {k: v.text for k, v in work.visual.items()}
        rec = reconcile(list(first), list(second) or None, printed, today=params.today)
    unsettled = [n for n in ("surname", "given_names") if n in rec.unconfirmed and n not in work.visual]
    near = near_names(work.reading.lines, rec.result, unsettled, mrz_lines) if rec.result else {}
    if not near:
        return rec
    voted = reconcile(
        list(first), list(second) or None, printed | {k: v.text for k, v in near.items()}, today=params.today
    )
    work.visual.update({k: v for k, v in near.items() if k in voted.confirmed})
    return voted


def _mrz_regions(work: _SideWork, rec: Reconciled) -> None:
    """Each redactable value's stretch of the MRZ, with its own check digit (which would leak it)."""
    result = rec.result
    if result is None or not work.reading.mrz_boxes:
        return
    regions = dict(work.reading.regions)
    boxes = work.reading.mrz_boxes
    printed = work.visual.get("personal_number")
    optional = result.field("optional_data")
    for target, stretches in MRZ_STRETCHES.items():
        for name in stretches:
            if name == "optional_data" and not carries(
                optional.raw if optional else None, printed.value if printed else None
            ):
                continue
            for span in result.redaction_spans(name):
                if span.line < len(boxes):
                    length = len(result.lines[span.line])
                    box = mrz_char_boxes(boxes[span.line], length, span.start, span.end)
                    regions[target] = (*regions.get(target, ()), box)
    work.reading = replace(work.reading, regions=regions)


def _read_sides(
    front: bytes, back: bytes | None, params: ReadParams, engines: DocumentEngines, timings: dict[str, float]
) -> list[_SideWork]:
    """Each side's work. The sides are independent until they are reconciled, so the back is read on
    a second thread while this one reads the front: much of a side's read is one-core work (decoding,
    locating, the visual zone, Tesseract's lines one by one) that would leave the other core idle."""
    if back is None:
        return [read_side(front, params, engines, timings, "front")]
    with ThreadPoolExecutor(1, thread_name_prefix="document-back") as pool:
        other = pool.submit(read_side, back, params, engines, timings, "back")
        first = read_side(front, params, engines, timings, "front")
        return [first, other.result()]


def read_document(
    front: bytes, back: bytes | None, params: ReadParams, engines: DocumentEngines
) -> DocumentReading:
    """Read one document from its front (and optional back) photo with the models of `engines`.
    Raises `UnsupportedImageError`."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    works = _read_sides(front, back, params, engines, timings)
    recs = [
        _reconcile(w, params, {k: v.text for o in works if o is not w for k, v in o.visual.items()})
        for w in works
    ]
    classes = [_classify(w, r) for w, r in zip(works, recs, strict=True)]
    for w, r, c in zip(works, recs, classes, strict=True):
        w.reading = replace(w.reading, side=c.side.value)
        if r is not None:
            _mrz_regions(w, r)
    main = next((i for i, r in enumerate(recs) if r is not None and r.result is not None), None)
    coded = next((i for i, w in enumerate(works) if w.barcode is not None), None)
    if main is None and coded is not None:
        main = coded  # no MRZ anywhere: a US/Canadian card's barcode is the document's data
    licence = _eu_licence(works, classes, params) if main is None and coded is None else None
    if licence is not None:
        main = licence.main
        classes = [replace(c, issuing_country=licence.country or c.issuing_country) for c in classes]
    main = main or 0
    rec, cls = recs[main], classes[main]
    visual: dict[str, VisualField] = {}
    for w in works:
        for k, v in w.visual.items():
            visual.setdefault(k, v)
    record = works[main].barcode
    if record is not None:
        printed = {k: v for o in works if o is not works[main] for k, v in o.visual.items()}
        fields = barcode_fields(record, printed, document_type=cls.document_type.value, today=params.today)
        for i, other in enumerate(works):
            boxes = address_boxes(other.reading.lines, record) if i != main else ()
            if boxes:
                # the printed address too, found by what the barcode says it is
                regions = dict(other.reading.regions)
                regions["address"] = (*regions.get("address", ()), *boxes)
                other.reading = replace(other.reading, regions=regions)
    else:
        fields = build_fields(
            rec,
            visual,
            document_type=cls.document_type.value,
            issuing_country=cls.issuing_country,
            today=params.today,
        )
    if licence is not None:
        fields = licence_fields(
            fields, visual, licence.verdict.zone, licence.front_codes, licence.table, cls.issuing_country
        )
    code, checks = decide(
        [w.reading for w in works],
        [w.visual for w in works],
        recs,
        classes,
        fields,
        params,
        barcodes=[w.barcode for w in works],
        aamva_fronts=[w.aamva_front is not None for w in works],
        licence=licence.facts if licence is not None else None,
    )
    timings["total"] = time.perf_counter() - start
    result = rec.result if rec is not None else None
    passed = sum(c.passed for c in checks)
    return DocumentReading(
        code=code,
        document_type=cls.document_type.value,
        issuing_country=cls.issuing_country,
        file_name=cls.file_name() if cls.side is Side.FRONT else replace(cls, side=Side.FRONT).file_name(),
        fields=fields,
        checks=tuple(checks),
        mrz_lines=result.lines if result else (licence.lines if licence else ()),
        mrz_format=result.format.value if result else ("DL" if licence and licence.lines else None),
        mrz_accepted=bool(rec and rec.accepted) or bool(licence and licence.verdict.valid),
        sides=tuple(w.reading for w in works),
        score=passed / max(1, len(checks)),
        timings=timings,
    )


class _EuLicence:
    """An EU driving licence's document-level reading: which side is the front, the zone's verdict
    (where a side carries one), the categories of both sides."""

    def __init__(
        self,
        works: Sequence[_SideWork],
        main: int,
        zone_side: int | None,
        verdict: ZoneVerdict,
        today: date,
    ) -> None:
        self.main = main
        self.verdict = verdict
        self.front_codes = next((w.licence.front_codes for w in works if w.licence.front_codes), ())
        back = next((w for w in works if w.reading.side == "back"), None)
        self.table = (
            complete_table(back.reading.lines, back.licence.table, self.front_codes, today)
            if back is not None
            else ()
        )
        zone = verdict.zone
        self.country = zone.issuing_country if zone is not None and verdict.valid else None
        self.lines = (zone.line,) if zone is not None else ()
        self.facts = LicenceFacts(
            backs=tuple(w.reading.side == "back" for w in works),
            zone_side=zone_side,
            zone_found=zone is not None,
            zone_valid=verdict.valid,
            readers_agree=verdict.readers_agree,
        )


def _eu_licence(
    works: Sequence[_SideWork], classes: Sequence[Classification], params: ReadParams
) -> _EuLicence | None:
    """The sides make (part of) an EU driving licence: a licence title, numbered fields, the one-line
    zone or the categories table. None otherwise."""
    if not any(
        c.document_type is DocumentType.DRIVING_LICENSE
        or w.licence.is_front
        or w.licence.is_back
        or w.licence.zone
        for w, c in zip(works, classes, strict=True)
    ):
        return None
    zone_side = next((i for i, w in enumerate(works) if w.licence.zone is not None), None)
    verdict = ZoneVerdict(None, False)
    if zone_side is not None:
        reads = works[zone_side].licence.zone
        assert reads is not None
        verdict = judge_zone((reads.tesseract, reads.rapid), params.today)
        _zone_regions(works[zone_side], reads, verdict)
    main = next((i for i, c in enumerate(classes) if c.side is Side.FRONT), 0)
    return _EuLicence(works, main, zone_side, verdict, params.today)


# where the zone repeats the licence number (with its check digit, which would leak it)
ZONE_NUMBER_SPANS = {"FRA": (5, 15), "NLD": (6, 16)}


def _zone_regions(work: _SideWork, reads: ZoneReads, verdict: ZoneVerdict) -> None:
    zone = verdict.zone
    span = ZONE_NUMBER_SPANS.get(zone.issuing_country) if zone is not None else None
    if span is None:
        return
    regions = dict(work.reading.regions)
    box = mrz_char_boxes(reads.box, len(zone.line) if zone else 30, *span)
    regions["document_number"] = (*regions.get("document_number", ()), box)
    work.reading = replace(work.reading, regions=regions)


def _classify(work: _SideWork, rec: Reconciled | None) -> Classification:
    if work.barcode is not None:
        # the barcode side is the back; its subfile says licence or identity card
        kind = DocumentType.DRIVING_LICENSE if work.barcode.subfile == "DL" else DocumentType.IDENTITY_CARD
        return Classification(kind, Side.BACK, work.barcode.country, two_sided=True)
    if work.aamva_front is not None:
        texts = [ln.text for ln in work.reading.lines]
        title = type_from_title(texts)
        kind = DocumentType.IDENTITY_CARD if work.aamva_front == "ID" else DocumentType.DRIVING_LICENSE
        return Classification(title if title in AAMVA_TYPES else kind, Side.FRONT, None, two_sided=True)
    result = rec.result if rec is not None else None
    eu = work.licence
    if result is None and eu.is_back:
        # the categories table: the back of an EU licence (a Dutch one carries its zone there too)
        return Classification(DocumentType.DRIVING_LICENSE, Side.BACK, None, two_sided=True)
    names = any(k in work.visual for k in ("surname", "given_names"))
    texts = [ln.text for ln in sorted(work.reading.lines, key=lambda t: t.cy)]
    found = classify(
        mrz_format=result.format.value if result else None,
        document_code=(result.lines[0][:2] if result else None),
        mrz_issuer=result.value("issuing_country") if result else None,
        texts=texts,
        has_portrait=work.reading.portrait is not None,
        has_name_fields=names,
    )
    if result is None and eu.zone is not None and not eu.is_front and found.side is Side.BACK:
        # a zone with no name or portrait beside it: a (Dutch) back whose table did not read
        return Classification(DocumentType.DRIVING_LICENSE, Side.BACK, None, two_sided=True)
    if result is None and (
        eu.is_front or eu.zone is not None or found.document_type is DocumentType.DRIVING_LICENSE
    ):
        # an EU licence's front (numbered fields, a licence title or the zone): its back holds the categories
        country = (
            found.issuing_country or sign_country(work.reading.lines, work.reading.image.shape) or eu.sign
        )
        return Classification(DocumentType.DRIVING_LICENSE, Side.FRONT, country, two_sided=True)
    return found
