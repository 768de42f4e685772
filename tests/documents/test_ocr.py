"""The RapidOCR session: packaged models only, one per process, per-line orientation."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from idscan.documents import ocr
from tests.documents.synth import OCRB, need_fonts


def text_image(text: str, size: int = 40) -> np.ndarray:
    font = ImageFont.truetype(str(OCRB), size)
    img = Image.new("RGB", (int(font.getlength(text)) + 60, size * 3), (235, 235, 230))
    ImageDraw.Draw(img).text((30, size), text, font=font, fill=(10, 10, 10))
    return np.asarray(img).copy()


def test_models_are_the_packaged_ones() -> None:
    root = ocr.model_dir()
    for name in (ocr.DET_MODEL, ocr.REC_MODEL, ocr.CLS_MODEL):
        assert (root / name).is_file()


def test_one_session_per_thread_count() -> None:
    assert ocr.ocr_session(2) is ocr.ocr_session(2)


def test_reads_a_line_and_tells_upside_down() -> None:
    need_fonts()
    image = text_image("L898902C36NLD7408122F1204159")
    session = ocr.ocr_session(2)
    upright = session.read(image)
    assert [ln.text.replace(" ", "") for ln in upright] == ["L898902C36NLD7408122F1204159"]
    assert not upright[0].upside_down
    flipped = session.read(np.ascontiguousarray(image[::-1, ::-1]))
    assert flipped[0].upside_down
    assert flipped[0].text.replace(" ", "") == "L898902C36NLD7408122F1204159"


def test_recognize_reads_crops_without_detection() -> None:
    need_fonts()
    [(text, score)] = ocr.ocr_session(2).recognize([text_image("ERIKSSON", 30)])
    assert text == "ERIKSSON"
    assert score > 0.8


def test_an_empty_image_has_no_lines() -> None:
    assert ocr.ocr_session(2).read(np.full((200, 300, 3), 255, np.uint8)) == []


def test_missing_models_are_refused_not_downloaded(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setattr(ocr, "model_dir", lambda: tmp_path)
    with pytest.raises(ocr.OcrUnavailableError):
        ocr.OcrSession(1)
