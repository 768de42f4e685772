"""The RapidOCR session: packaged models only, one per process, per-line orientation."""

from __future__ import annotations

import dataclasses
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from idscan.documents import ocr
from idscan.engines import shared_engines
from idscan.lib import model_files
from tests.documents.synth import OCRB, need_fonts
from tests.documents.synth.render import SANS
from tests.support.factories import engines


def text_image(text: str, size: int = 40, face: Path = OCRB) -> np.ndarray:
    font = ImageFont.truetype(str(face), size)
    img = Image.new("RGB", (int(font.getlength(text)) + 60, size * 3), (235, 235, 230))
    ImageDraw.Draw(img).text((30, size), text, font=font, fill=(10, 10, 10))
    return np.asarray(img).copy()


def test_models_are_the_packaged_ones_with_their_pinned_digests() -> None:
    for model in (model_files.DET, model_files.REC, model_files.CLS):
        assert model_files.verified_path(model).is_file()


def test_one_session_per_thread_count() -> None:
    assert engines().ocr() is engines().ocr()


def test_reads_a_line_and_tells_upside_down() -> None:
    need_fonts()
    image = text_image("L898902C36NLD7408122F1204159")
    session = engines().ocr()
    upright = session.read(image)
    assert [ln.text.replace(" ", "") for ln in upright] == ["L898902C36NLD7408122F1204159"]
    assert not upright[0].upside_down
    flipped = session.read(np.ascontiguousarray(image[::-1, ::-1]))
    assert flipped[0].upside_down
    assert flipped[0].text.replace(" ", "") == "L898902C36NLD7408122F1204159"


def test_recognize_reads_crops_without_detection() -> None:
    need_fonts()
    [(text, score)] = engines().ocr().recognize([text_image("ERIKSSON", 30)])
    assert text == "ERIKSSON"
    assert score > 0.8


def test_an_empty_image_has_no_lines() -> None:
    assert engines().ocr().read(np.full((200, 300, 3), 255, np.uint8)) == []


def test_an_altered_model_is_refused_not_downloaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_files, "DET", dataclasses.replace(model_files.DET, sha256="0" * 64))
    with pytest.raises(model_files.ModelIntegrityError):
        ocr.OcrSession(1)


def test_fullwidth_forms_read_as_ascii() -> None:
    assert ocr.halfwidth("S\uff34OCKHOLM") == "STOCKHOLM"
    wide = "".join(chr(ord(c) + 0xFEE0) for c in "<<ERIKSSON") + "\u3000" + "\uff11\uff12"
    assert ocr.halfwidth("P<UTO" + wide) == "P<UTO<<ERIKSSON 12"
    assert ocr.halfwidth("ÆVARSDÓTTIR Ø く") == "ÆVARSDÓTTIR Ø く"  # other scripts untouched


def test_widest_keeps_the_widest_boxes_in_reading_order() -> None:
    def quad(x0: float, y0: float, width: float) -> list[list[float]]:
        return [[x0, y0], [x0 + width, y0], [x0 + width, y0 + 10], [x0, y0 + 10]]

    boxes = np.array([quad(0, 0, 30), quad(0, 20, 300), quad(0, 40, 10), quad(0, 60, 290), quad(0, 80, 50)])
    kept = ocr._widest(boxes, 3)
    assert [float(b[0][1]) for b in kept] == [20.0, 60.0, 80.0]  # the three widest, top to bottom
    assert ocr._widest(boxes, 5) is boxes


def test_a_page_of_small_print_is_recognised_up_to_the_line_limit() -> None:
    """A wall of words (a newspaper, a contract) must not cost one recognition per word."""
    need_fonts()
    font = ImageFont.truetype(str(OCRB), 22)
    img = Image.new("RGB", (1500, 1500), (240, 240, 236))
    draw = ImageDraw.Draw(img)
    for row in range(40):
        for col in range(8):
            draw.text((20 + col * 185, 20 + row * 36), f"W{row:02d}X{col}", font=font, fill=(15, 15, 15))
    lines = engines().ocr().read(np.asarray(img).copy())
    assert 100 < len(lines) <= ocr.MAX_LINES


def _page(words: list[str], flipped_rows: frozenset[int] = frozenset()) -> np.ndarray:
    """One word per row; the rows in `flipped_rows` printed upside down."""
    rows = [text_image(w, 32) for w in words]
    width = max(r.shape[1] for r in rows)
    page = np.full((sum(r.shape[0] for r in rows), width, 3), 235, np.uint8)
    y = 0
    for i, row in enumerate(rows):
        page[y : y + row.shape[0], : row.shape[1]] = row[::-1, ::-1] if i in flipped_rows else row
        y += row.shape[0]
    return page


WORDS = ["ERIKSSON", "ANNA MARIA", "UTOPIA", "15.04.2012", "L898902C3", "STOCKHOLM", "ZENITH", "12345678"]
WORDS += ["PASSPORT", "SPECIMEN", "NATIONALITY"]


def test_a_page_upside_down_is_told_from_a_sample_of_its_lines() -> None:
    """More lines than the classifier's sample: when the sample agrees, every line takes its
    verdict, and the upside-down lines are still recognised the right way up."""
    need_fonts()
    assert len(WORDS) > ocr.CLS_SAMPLE
    session = engines().ocr()
    page = _page(WORDS)
    upright = session.read(page)
    flipped = session.read(np.ascontiguousarray(page[::-1, ::-1]))
    assert len(upright) == len(WORDS)
    assert len(flipped) == len(WORDS)
    assert not any(ln.upside_down for ln in upright)
    assert all(ln.upside_down for ln in flipped)
    assert sorted(ln.text for ln in flipped) == sorted(ln.text for ln in upright)


def test_a_sample_that_disagrees_has_every_line_classified() -> None:
    """Half the rows upside down: the sample splits, so each line gets its own verdict."""
    need_fonts()
    flipped_rows = frozenset(range(0, len(WORDS), 2))
    lines = engines().ocr().read(_page(WORDS, flipped_rows))
    # NFKC: the recogniser's alphabet has full-width twins of some capitals
    by_text = {unicodedata.normalize("NFKC", ln.text).replace(" ", ""): ln.upside_down for ln in lines}
    for i, word in enumerate(WORDS):
        assert by_text.get(word.replace(" ", "")) == (i in flipped_rows), word


def read_in_background(session: ocr.OcrSession, image: np.ndarray) -> threading.Event:
    """Start a read on another thread; the event is set when it has finished."""
    done = threading.Event()
    threading.Thread(target=lambda: (session.read(image), done.set()), daemon=True).start()
    return done


def test_reads_at_once_take_different_pipelines() -> None:
    """With two pipelines, a read proceeds while the other pipeline is busy (with one, it would
    wait), and reads running at once give what one read alone gives."""
    need_fonts()
    image = text_image("L898902C36NLD7408122F1204159")
    session = shared_engines(2, ocr_pipelines=2).ocr()  # the service's layout: two of one thread
    alone = session.read(image)
    with session._lease():  # one pipeline busy, as with another document being read
        done = read_in_background(session, image)
        assert done.wait(60), "a read waited for the busy pipeline although another was free"
    with ThreadPoolExecutor(2) as pool:
        together = list(pool.map(session.read, [image] * 4))
    assert all([ln.text for ln in r] == [ln.text for ln in alone] for r in together)


def test_a_single_pipeline_serialises_reads() -> None:
    need_fonts()
    session = shared_engines(2, ocr_pipelines=1).ocr()  # the CLI's layout: one of two threads
    with session._lease():
        done = read_in_background(session, text_image("ERIKSSON"))
        assert not done.wait(1.0)  # the only pipeline is taken: the read waits for it
    assert done.wait(60)


@pytest.fixture(scope="module")
def full_alphabet_pipeline() -> Any:
    """A pipeline whose recogniser scores all 18,710 classes, as RapidOCR ships it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ocr, "_printed_classes_only", lambda *_: None)
        return ocr._pipeline(1)


def test_the_recogniser_keeps_what_documents_print_and_drops_the_ideographs(
    full_alphabet_pipeline: Any,
) -> None:
    from idscan.documents.mrz.charsets import CHEVRON_SHAPES

    alphabet: list[str] = full_alphabet_pipeline._load_rec_model().postprocess_op.character
    kept = {alphabet[i] for i in ocr.kept_classes(alphabet)}
    assert alphabet[0] == "blank"
    assert {"blank", " ", "<", "A", "z", "0", "É", "Æ", "Ø", "ß", "Ł", "Ö", "Λ", "/", "-"} <= kept
    shapes = set(CHEVRON_SHAPES) & set(alphabet)  # the alphabet's shapes of a chevron
    assert {"く", "〈"} <= shapes <= kept
    assert not {"中", "国", "護", "照"} & kept
    assert len(kept) < len(alphabet) / 8
    # every text the recogniser gives goes through this one decoder: fullwidth forms come out as ASCII
    with engines().ocr()._lease() as engine:
        assert engine._load_rec_model().postprocess_op.character == [
            ocr.halfwidth(alphabet[i]) for i in ocr.kept_classes(alphabet)
        ]
    assert "\uff2c" in kept  # a fullwidth L: kept as a class of its own, decoded as L


def test_the_kept_classes_read_printed_lines_as_the_whole_alphabet_does(
    full_alphabet_pipeline: Any,
) -> None:
    need_fonts()
    lines = [
        text_image("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", 28),
        text_image("L898902C36UTO7408122F1204159ZE184226B<<<<<10", 28),
        text_image("Date of birth / Date de naissance", 30, SANS),
        text_image("12 AUG/AOÛT 1974", 30, SANS),
        text_image("ÆVARSDÓTTIR ØSTERGÅRD", 30, SANS),
        text_image("Geburtsort / Place of birth: MÜNCHEN", 26, SANS),
    ]
    crops = [np.ascontiguousarray(line[:, :, ::-1]) for line in lines]  # the recogniser takes BGR
    with engines().ocr()._lease() as engine:
        kept = engine._load_rec_model()(ocr._rec_input(crops))
    whole = full_alphabet_pipeline._load_rec_model()(ocr._rec_input(crops))
    assert list(kept.txts) == list(whole.txts)
    # a probability over fewer classes is never lower, and on print the dropped classes hold little
    for k, w in zip(kept.scores, whole.scores, strict=True):
        assert w - 1e-4 <= k <= w + 0.02


def test_the_page_input_is_rapidocr_s_own_bit_for_bit() -> None:
    from rapidocr.ch_ppocr_det.utils import DetPreProcess

    with engines().ocr()._lease() as engine:
        detector = engine._load_det_model()
    rng = np.random.default_rng(3)
    for shape in ((676, 960, 3), (500, 301, 3), (1400, 900, 3)):
        page = rng.integers(0, 256, shape, dtype=np.uint8)
        theirs = DetPreProcess(960, "max", detector.mean, detector.std)(page)
        ours = ocr._page_input(detector)(page)
        assert ours.flags.c_contiguous
        assert ours.dtype == theirs.dtype == np.float32
        assert np.array_equal(ours, theirs)


def test_the_detector_runs_in_bfloat16_only_where_the_cpu_computes_it() -> None:
    native = ocr.native_bfloat16()
    assert ocr.OcrSession(1, detector="auto").detector_runtime == (
        "openvino-bf16" if native else "onnxruntime"
    )
    assert ocr.OcrSession(1).detector_runtime == "onnxruntime"  # the default


def test_both_detector_runtimes_find_the_same_lines() -> None:
    if not ocr.native_bfloat16():
        pytest.skip("this CPU computes no bfloat16 natively: the detector stays on onnxruntime here")
    need_fonts()
    page = _page(WORDS)
    float32 = ocr.OcrSession(1, detector="onnxruntime")
    bfloat16 = ocr.OcrSession(1, detector="auto")
    found32, found16 = float32.detect(page), bfloat16.detect(page)
    assert len(found16.boxes) == len(found32.boxes) == len(WORDS)
    assert float(np.abs(found16.boxes - found32.boxes).max()) <= 3
    read = [ln.text for ln in bfloat16.recognise(found16)]
    assert read == [ln.text for ln in float32.recognise(found32)] == WORDS
