"""Finding MRZ lines among OCR lines, the morphological fallback, and the Tesseract-MRZ second read."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from idscan.documents.mrz_reader import (
    MrzLineBox,
    _widened,
    centre_band,
    clean,
    complete_block,
    find_mrz_lines,
    level_crop,
    line_crop,
    locate_mrz_band,
    mrz_likeness,
    mrz_model_path,
    normalise_for_tesseract,
    read_mrz,
)
from idscan.documents.ocr import TextLine
from tests.documents.synth import Document, make_document, need_fonts
from tests.support.factories import engines


def line(text: str, x0: float, y0: float, x1: float, y1: float) -> TextLine:
    return TextLine(text, 0.95, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)))


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("\uff30くDくく\uff25RIKSSON<くNOAH<くく", "P<D<<ERIKSSON<<NOAH<<<"),  # full-width, hiragana ku
        ("P<UTO ERIKSSON«ANNA\u2039MARIA", "P<UTOERIKSSON<<ANNA<MARIA"),
        ("l898902c3", "L898902C3"),
    ],
)
def test_clean_maps_recogniser_quirks(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


def test_labels_do_not_look_like_an_mrz() -> None:
    assert mrz_likeness("Date of expiry/ Date d'expiration Holder's signature/ Signature du titulaire") < 0.75
    assert mrz_likeness("COUNTRY CODE PASSPORT NUMBER DATE OF BIRTH") < 0.75
    assert mrz_likeness("L898902C36UTO7408122F1204159ZE184226B<<<<<10") == 1.0


def test_bottom_block_and_pieces_joined() -> None:
    lines = [
        line("Surname / Nom", 400, 100, 560, 120),
        line("ERIKSSON", 400, 122, 560, 150),
        line("P<UTOERIKSSON<<ANNA<MARIA<<<<<<", 60, 700, 800, 740),
        line("<<<<<<<<<<<<<", 810, 702, 1180, 738),  # the detector split the filler run off
        line("L898902C36UTO7408122F1204159ZE184226B<<<<<10", 60, 760, 1180, 800),
    ]
    found = find_mrz_lines(lines)
    assert [f.rapid for f in found] == [
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    ]
    assert found[0].box == (60, 700, 1180, 740)


def slanted(text: str, x0: float, y0: float, length: float, height: float, degrees: float) -> TextLine:
    """A line whose print runs downhill by `degrees`, as a quad of its own corners."""
    dx, dy = np.cos(np.radians(degrees)), np.sin(np.radians(degrees))
    top = ((x0, y0), (x0 + length * dx, y0 + length * dy))
    bottom = ((top[1][0] - height * dy, top[1][1] + height * dx), (x0 - height * dy, y0 + height * dx))
    return TextLine(text, 0.95, (*top, *bottom))


def test_slanted_mrz_lines_stay_apart() -> None:
    """On a page photographed askew each line's box is far taller than its print, and the boxes of
    two MRZ lines overlap by more than half: they are still two lines, not one of 88 characters."""
    first = slanted("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", 80, 780, 1060, 36, 3.0)
    second = slanted("L898902C36UTO7408122F1204159ZE184226B<<<<<10", 80, 824, 1060, 36, 3.0)
    assert second.cy - first.cy < 0.5 * first.height  # what grouped them before
    found = find_mrz_lines([first, second])
    assert [f.rapid for f in found] == [first.text, second.text]
    assert all(abs(f.slant - 3.0) < 0.1 and abs(f.thickness - 36) < 0.5 for f in found)


def askew_passport() -> tuple[Document, npt.NDArray[np.uint8]]:
    """A generated passport and its page photographed turned 4 degrees clockwise (the lines run
    downhill)."""
    need_fonts()
    doc = make_document(9, kind="passport", with_face=False)
    page = doc.sides[0].image
    h, w = page.shape[:2]
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), -4.0, 1.0)
    return doc, cv2.warpAffine(page, turn, (w, h), borderMode=cv2.BORDER_REPLICATE)


def test_a_slanted_mrz_is_read_level_by_tesseract() -> None:
    doc, askew = askew_passport()
    session = engines().ocr()
    reads = read_mrz(askew, session.read(askew), session, engines().mrz())
    assert list(reads.tesseract) == doc.mrz


def test_print_far_off_on_an_mrz_row_is_not_joined_to_it() -> None:
    """Both sides of a card in one photo: the front's document number stands level with the back's
    MRZ line, far to its left; pieces of one MRZ line stand a character or two apart."""
    lines = [
        line("564961417", 370, 509, 441, 526),
        line("IRESP5649614177<<<<<<", 676, 514, 880, 540),
        line("<<<<<<<<<", 890, 514, 1023, 540),  # the detector split the filler run off
        line("8809025F2805128ESP<<<<<<<<<<<8", 675, 544, 1024, 570),
        line("PEETERS<<PIOTR<<<<<<<<<<<<<<<<", 675, 574, 1025, 600),
    ]
    found = find_mrz_lines(lines)
    assert [f.rapid for f in found] == [
        "IRESP5649614177<<<<<<<<<<<<<<<",
        "8809025F2805128ESP<<<<<<<<<<<8",
        "PEETERS<<PIOTR<<<<<<<<<<<<<<<<",
    ]
    assert found[0].box[0] == 676


def test_print_beside_the_document_on_an_mrz_rows_baseline_is_cut_off() -> None:
    """A card lying on a printed page: the page's words stand on the MRZ rows' baselines, a
    character or two from the card's edge. An MRZ's lines start and end together, so a piece of a
    row wholly outside the other rows' span is not part of the line."""
    lines = [
        line("210", 0, 890, 172, 935),  # the page's print, left of the card
        line("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", 195, 892, 1050, 935),
        line("L898902C36UTO7408122F1204159ZE184226B<<<<<10", 195, 940, 1050, 983),
        line("B12", 1070, 942, 1180, 983),  # ... and right of it
    ]
    found = find_mrz_lines(lines)
    assert [f.rapid for f in found] == [lines[1].text, lines[2].text]
    assert [f.box for f in found] == [(195, 892, 1050, 935), (195, 940, 1050, 983)]
    # the detector stopped short inside the second row's fillers: the first keeps its own filler run
    split = [
        line("P<UTOERIKSSON<<ANNA<MARIA<<<<<<", 195, 892, 800, 935),
        line("<<<<<<<<<<<<<", 810, 892, 1050, 935),
        line("L898902C36UTO7408122F1204159ZE184226B", 195, 940, 760, 983),
    ]
    assert find_mrz_lines(split)[0].rapid == "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"


def test_a_cards_garbled_names_line_joins_the_two_lines_above_it() -> None:
    """A card's MRZ has three lines of 30. On a patterned background the names line's fillers read
    as `C` and `Z`, so alone it does not look like an MRZ line; below the other two, starting where
    they start, it is their third line."""
    names = line("MARTINCZMAELYSZGAELLE<MARRIE", 62, 690, 1119, 760)
    card = [
        line("IDFRAX4RTBPFW46<<<<<<<<<<<<<<<", 65, 555, 1230, 620),
        line("9007138F3002119FRA<<<<<<<<<<<6", 60, 622, 1240, 688),
    ]
    assert mrz_likeness(names.text) < 0.75
    assert [f.rapid for f in find_mrz_lines([*card, names])] == [*(c.text for c in card), names.text]
    # not where the block's own left edge is not, nor beside a passport's two lines of 44
    aside = line(names.text, 400, 690, 1240, 760)
    assert len(find_mrz_lines([*card, aside])) == 2
    passport = [
        line("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", 60, 700, 1180, 740),
        line("L898902C36UTO7408122F1204159ZE184226B<<<<<10", 60, 746, 1180, 786),
    ]
    below = line("MARTINCZMAELYSZGAELLE<MARRIE", 60, 792, 1000, 832)
    assert len(find_mrz_lines([*passport, below])) == 2
    # on a slanting card each row's box is taller than the lines' pitch: neither row is its own third
    askew = [
        slanted("IDFRAX4RTBPFW46<<<<<<<<<<<<<<<", 65, 555, 1170, 60, 4.0),
        slanted("9007138F3002119FRA<<<<<<<<<<<6", 65, 625, 1170, 60, 4.0),
    ]
    assert [f.rapid for f in find_mrz_lines(askew)] == [a.text for a in askew]


def test_a_slanting_row_cut_short_is_read_along_its_slant() -> None:
    """The detector stopped inside a slanting row's filler run: widened to the block, the row is read
    along its slant (a level band would lose its far end and take in the next line's)."""
    doc, askew = askew_passport()
    session = engines().ocr()
    lines = session.read(askew)
    row = next(ln for ln in lines if clean(ln.text).startswith(doc.mrz[0][:10]))
    a, b, c, d = (np.array(p, np.float64) for p in row.box)
    corners = (a, a + 0.6 * (b - a), d + 0.6 * (c - d), d)
    short = TextLine(row.text[:26], row.score, tuple((float(x), float(y)) for x, y in corners))
    cut = [short if ln is row else ln for ln in lines]
    assert find_mrz_lines(cut)[0].rapid == clean(row.text[:26])  # the row as the detector left it
    reads = read_mrz(askew, cut, session, engines().mrz())
    assert list(reads.tesseract) == doc.mrz
    assert [r.replace("0", "O") for r in reads.rapid] == [t.replace("0", "O") for t in doc.mrz]


def test_a_slanting_row_widened_at_the_image_edge_stays_inside_it() -> None:
    """The widened box also masks the MRZ when it is redacted: it never reaches past the image."""
    row = MrzLineBox((100, 930, 600, 990), "P<UTOERIKSSON<<ANNA<<<<<<<<", 0.9, 4.0, 35.0)
    wide = _widened(row, 100, 1050, 1000)
    assert (wide.box[0], wide.box[2]) == (100, 1050)
    assert 0 <= wide.box[1] < 990
    assert wide.box[3] == 1000  # the far end runs downhill, past the edge
    level = _widened(replace(row, box=(100, 100, 600, 160)), 100, 1050, 1000)
    assert (level.box[1] + level.box[3]) / 2 > 130 + 10  # its middle follows the slant downhill


def test_a_centred_crop_keeps_a_line_at_the_image_edge_in_its_middle() -> None:
    image = np.full((100, 300, 3), 200, np.uint8)
    image[88:100, 20:280] = 0  # a line whose box reaches the bottom edge
    plain = line_crop(image, (20, 84, 280, 100))
    centred = line_crop(image, (20, 84, 280, 100), centred=True)
    assert plain.shape[0] == 20  # the edge cut the bottom margin off
    assert centred.shape[0] == 24
    assert centred.shape[1] == plain.shape[1]


def test_a_steep_row_is_cut_as_it_stands_not_levelled() -> None:
    """A hostile photo can make a "row" run at any angle: levelling a steep one would cut a crop
    many times longer than the image (1 / cos of the slant). It is cut from its box instead."""
    image = np.full((400, 600, 3), 230, np.uint8)
    steep = MrzLineBox((100, 20, 130, 380), "P<UTO" + "<" * 39, 0.9, slant=89.9, thickness=30.0)
    crop = level_crop(image, steep)
    # the box with line_crop's margins (levelled it would have been ~17,000 px long)
    assert crop.shape[0] <= 1.5 * 360
    assert crop.shape[1] <= 30 + 0.7 * 360
    level = MrzLineBox((50, 100, 550, 130), "P<UTO" + "<" * 39, 0.9, slant=5.0, thickness=28.0)
    assert level_crop(image, level).shape[0] == 42  # levelled: 1.5 times the print's own height


def test_mrz_model_is_found_without_importing_its_package() -> None:
    assert mrz_model_path().name == "mrz.traineddata"


@pytest.mark.parametrize("kind", ["passport", "identity_card", "td2_identity_card"])
def test_both_readers_read_a_clean_card(kind: str) -> None:
    need_fonts()
    doc = make_document(5, kind=kind, with_face=False)
    side = next(s for s in doc.sides if s.mrz)
    session = engines().ocr()
    reads = read_mrz(side.image, session.read(side.image), session, engines().mrz())
    assert list(reads.tesseract) == doc.mrz
    # RapidOCR alone confuses O/0 in letter positions; the corrector fixes that, not the reader
    assert [r.replace("0", "O") for r in reads.rapid] == [t.replace("0", "O") for t in doc.mrz]
    assert len(reads.boxes) == len(doc.mrz)


def test_band_fallback_finds_the_mrz_rows() -> None:
    need_fonts()
    side = make_document(8, kind="passport", with_face=False).sides[0]
    band = locate_mrz_band(side.image)
    assert band is not None
    x0, y0, x1, y1 = side.regions["mrz"]
    bx0, by0, bx1, by1 = band
    assert by0 <= y0 + 10
    assert by1 >= y1 - 10
    assert bx1 - bx0 > 0.6 * (x1 - x0)


def test_no_mrz_on_a_blank_page() -> None:
    blank = np.full((500, 800, 3), 240, np.uint8)
    reads = read_mrz(blank, [], engines().ocr(), engines().mrz())
    assert not reads.found


@pytest.mark.parametrize("seed", [5, 6])
@pytest.mark.parametrize("into", [0.5, 0.6])
def test_a_crop_that_catches_half_the_next_line_still_reads_its_own(seed: int, into: float) -> None:
    """A small booklet page: lines stand so close that the padded crop holds half the next line,
    which Tesseract reads together with its own as one long garbled line."""
    need_fonts()
    doc = make_document(seed, kind="passport", with_face=False)
    side = doc.sides[0]
    x0, y0, x1, y1 = side.regions["mrz"]
    pitch = (y1 - y0) // 2
    crop = side.image[y0 - pitch // 3 : y0 + pitch + round(into * pitch), x0 - 10 : x1 + 10]
    crop = cv2.resize(crop, None, fx=0.55, fy=0.55, interpolation=cv2.INTER_AREA)
    tess = engines().mrz()
    assert len(tess._read(normalise_for_tesseract(crop))[0]) > 46  # the attack: one read of both lines
    assert tess.read_line(crop) == doc.mrz[0]


def test_centre_band_keeps_the_middle_line_of_ink() -> None:
    norm = np.full((66, 400), 255, np.uint8)
    norm[5:8, :] = 0  # the last rows of the line above
    norm[20:44, 10:390:3] = 0  # the line itself
    norm[54:66, 10:390:2] = 0  # the top of the line below
    band = centre_band(norm)
    assert 24 <= band.shape[0] <= 36
    assert (band[0] == 255).all()
    assert (band[-1] == 255).all()
    assert centre_band(np.full((66, 400), 255, np.uint8)).shape == (66, 400)  # no ink: as it was


def test_the_lines_of_a_block_are_read_side_by_side_in_their_order() -> None:
    """Each reader serves one thread at a time: lines read together, and by threads at once,
    come back as each reads alone, in the order asked."""
    need_fonts()
    docs = [make_document(seed, kind="passport", with_face=False) for seed in (5, 6)]
    crops = []
    for doc in docs:
        side = doc.sides[0]
        x0, y0, x1, y1 = side.regions["mrz"]
        half = (y1 - y0) // 2
        crops += [line_crop(side.image, (x0, y0 + i * half, x1, y0 + (i + 1) * half)) for i in (0, 1)]
    tess = engines().mrz()
    alone = [tess.read_line(crop, 44) for crop in crops]
    assert alone == [*docs[0].mrz, *docs[1].mrz]
    assert tess.read_lines([(crop, 44) for crop in crops]) == tuple(alone)
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda crop: tess.read_line(crop, 44), crops * 3))
    assert together == alone * 3
    assert tess.read_lines([]) == ()


def test_tesseract_reads_an_empty_crop_as_nothing() -> None:
    assert engines().mrz().read_line(np.zeros((0, 0, 3), np.uint8)) == ""


@pytest.mark.parametrize("missing", [0, 1])
def test_a_line_the_detector_missed_is_read_beside_the_one_it_found(missing: int) -> None:
    need_fonts()
    doc = make_document(5, kind="passport", with_face=False)
    image = doc.sides[0].image
    session = engines().ocr()
    found = find_mrz_lines(session.read(image))
    assert len(found) == 2
    rows = complete_block(image, found[1 - missing], session)
    assert [r.box[1] for r in rows] == sorted(r.box[1] for r in rows)
    assert [r.rapid.replace("0", "O") for r in rows] == [t.replace("0", "O") for t in doc.mrz]
    # the strip it read lies over the line that was there
    guess, truth = rows[missing].box, found[missing].box
    assert abs((guess[1] + guess[3]) / 2 - (truth[1] + truth[3]) / 2) < 0.5 * (truth[3] - truth[1])


def test_no_neighbour_is_invented_beside_a_lone_line() -> None:
    need_fonts()
    image = make_document(5, kind="passport", with_face=False).sides[0].image.copy()
    session = engines().ocr()
    first, second = find_mrz_lines(session.read(image))
    x0, y0, x1, y1 = second.box
    image[y0 - 4 : y1 + 4, x0 - 4 : x1 + 4] = np.median(image[y0:y1, x0:x1].reshape(-1, 3), axis=0)
    assert complete_block(image, first, session) == [first]
