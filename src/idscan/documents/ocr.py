"""RapidOCR (PP-OCR, ONNX) behind a small session (built once per process by the engine registry,
`idscan.engines`; nothing is downloaded).

We drive RapidOCR's detector, orientation classifier and recogniser ourselves instead of calling the
all-in-one pipeline, because we need the per-line 0/180 verdicts (to find upside-down documents) and a
per-call detector size (`limit_type=max`: a thin MRZ crop must not be upscaled to 736 px).
"""

from __future__ import annotations

import copy
import functools
import queue
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np
import numpy.typing as npt

from idscan.documents.mrz.charsets import CHEVRON_SHAPES
from idscan.lib import model_files
from idscan.lib.denormals import flush_denormal_weights
from idscan.lib.onnx_wire import ModelFormatError, float_initializer

RGBImage = npt.NDArray[np.uint8]
# What runs the text detector: onnxruntime in float32 everywhere, or ("auto") OpenVINO in bfloat16
# where the CPU computes it natively (see `native_bfloat16`; faster, but it loses EU licence fields).
Detector = Literal["auto", "onnxruntime"]
REC_BATCH = 2
REC_HEIGHT = 48  # the recogniser's input height; the minimum width is the same (no padding)
# Lines recognised per page read at most (see _widest); an identity document has well under 100.
MAX_LINES = 150
# Lines the orientation classifier sees first (the widest: the most text, the surest verdict).
CLS_SAMPLE = 8
CLS_THRESHOLD = 0.9  # RapidOCR's own: below it a 180-degree verdict is not acted on
# The recogniser's last layer (weights, bias) scores every class of its alphabet at every step.
REC_CLASSIFIER = ("linear_8.w_0", "linear_8.b_0")


@dataclass(frozen=True, slots=True)
class TextLine:
    """One detected line of text. `box` is 4 points (x, y) clockwise from top-left, in input pixels."""

    text: str
    score: float
    box: tuple[tuple[float, float], ...]
    upside_down: bool = False

    @property
    def x0(self) -> float:
        return min(p[0] for p in self.box)

    @property
    def x1(self) -> float:
        return max(p[0] for p in self.box)

    @property
    def y0(self) -> float:
        return min(p[1] for p in self.box)

    @property
    def y1(self) -> float:
        return max(p[1] for p in self.box)

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def thickness(self) -> float:
        """The line's own height, across its slant (a tilted line's box is taller than its print)."""
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = self.box[:4]
        return (float(np.hypot(x3 - x0, y3 - y0)) + float(np.hypot(x2 - x1, y2 - y1))) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def pixel_box(self) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) in whole pixels, covering the line."""
        return (int(self.x0), int(self.y0), int(self.x1 + 0.999), int(self.y1 + 0.999))


@dataclass(frozen=True, slots=True)
class Detected:
    """What the detector found on a page: each line's 4 corners in `bgr` pixels (the page as the
    detector saw it, `scale` times the caller's image)."""

    bgr: npt.NDArray[np.uint8]
    scale: float
    boxes: npt.NDArray[np.float32]  # N x 4 x 2, clockwise from top-left

    @property
    def quads(self) -> npt.NDArray[np.float32]:
        """The boxes in the caller's image pixels."""
        return np.asarray(self.boxes / self.scale, np.float32)


class OcrSession:
    """Thread-safe: `pipelines` RapidOCR pipelines of `threads` threads each, one call per pipeline at
    a time (a pipeline's detector size is per call state). Reads running at once take different
    pipelines. A second thread makes one read about a sixth faster for half again its CPU time, so
    concurrent reads cost least on one one-thread pipeline per core."""

    def __init__(self, threads: int = 2, pipelines: int = 1, detector: Detector = "onnxruntime") -> None:
        self._free: queue.SimpleQueue[Any] = queue.SimpleQueue()
        bfloat16 = detector == "auto" and native_bfloat16()
        for _ in range(max(1, pipelines)):
            self._free.put(_pipeline(threads, bfloat16))

    @property
    def detector_runtime(self) -> str:
        """`openvino-bf16` or `onnxruntime`: what runs the text detector."""
        with self._lease() as engine:
            bf16 = isinstance(engine._load_det_model().session, Bfloat16Detector)
        return "openvino-bf16" if bf16 else "onnxruntime"

    @contextmanager
    def _lease(self) -> Iterator[Any]:
        engine = self._free.get()
        try:
            yield engine
        finally:
            self._free.put(engine)

    def read(self, image: RGBImage, *, max_side: int = 960, min_score: float = 0.5) -> list[TextLine]:
        """Detect, orient and recognise every text line. `max_side` caps the detector's input size."""
        return self.recognise(self.detect(image, max_side=max_side), min_score=min_score)

    def detect(self, image: RGBImage, *, max_side: int = 960) -> Detected:
        """The text lines' outlines only: enough to decide how a page stands before any line is
        recognised (recognition is most of a read's cost)."""
        bgr: Any = np.ascontiguousarray(cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
        # small scans: print too small for the detector at their own size (labels ~8 px), so upscale
        h, w = bgr.shape[:2]
        scale = max_side / max(h, w) if max(h, w) < 0.9 * max_side else 1.0
        if scale != 1.0:
            bgr = cv2.resize(bgr, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_CUBIC)
        with self._lease() as engine:
            det = engine._load_det_model()
            det.limit_side_len = max_side
            det_res = det(bgr)
        boxes = det_res.boxes if det_res.boxes is not None else np.zeros((0, 4, 2), np.float32)
        return Detected(bgr, scale, _widest(np.asarray(boxes, np.float32).reshape(-1, 4, 2), MAX_LINES))

    def recognise(self, detected: Detected, *, min_score: float = 0.5) -> list[TextLine]:
        """Orient and recognise the lines `detect` found."""
        if len(detected.boxes) == 0:
            return []
        bgr, boxes, scale = detected.bgr, detected.boxes, detected.scale
        crops = [_crop_line(bgr, box) for box in boxes]
        with self._lease() as engine:
            flips = _orient(engine, crops)
            rec_in = _rec_input(
                [cv2.rotate(c, cv2.ROTATE_180) if f else c for c, f in zip(crops, flips, strict=True)]
            )
            rec_res = engine._load_rec_model()(rec_in)
        lines: list[TextLine] = []
        for box, text, score, flipped in zip(boxes, rec_res.txts or (), rec_res.scores, flips, strict=False):
            if not text.strip() or score < min_score:
                continue
            pts = tuple((float(x) / scale, float(y) / scale) for x, y in np.asarray(box).reshape(4, 2))
            lines.append(TextLine(text=text, score=float(score), box=pts, upside_down=flipped))
        return lines

    def recognize(self, crops: list[RGBImage]) -> list[tuple[str, float]]:
        """Recognise single-line crops (no detection, no orientation)."""
        if not crops:
            return []
        bgr = [np.ascontiguousarray(cv2.cvtColor(c, cv2.COLOR_RGB2BGR)) for c in crops]
        with self._lease() as engine:
            rec_res = engine._load_rec_model()(_rec_input(bgr))
        return [(t, float(s)) for t, s in zip(rec_res.txts or (), rec_res.scores, strict=False)]

    def reread_against_page(self, image: RGBImage, lines: list[TextLine]) -> list[TextLine]:
        """Lines the orientation classifier flipped against the page's majority were recognised
        upside down (a digit-heavy MRZ line looks alike both ways): recognise them as they stand."""
        wrong = [i for i, ln in enumerate(lines) if ln.upside_down]
        if not wrong or len(wrong) > len(lines) / 2:
            return lines
        bgr: Any = np.ascontiguousarray(cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
        crops = [_crop_line(bgr, np.array(lines[i].box, np.float32)) for i in wrong]
        with self._lease() as engine:
            rec_res = engine._load_rec_model()(_rec_input(crops))
        out = list(lines)
        for i, text, score in zip(wrong, rec_res.txts or (), rec_res.scores, strict=False):
            out[i] = TextLine(text, float(score), lines[i].box, upside_down=False)
        return out


# The fullwidth forms of ASCII (U+FF01-FF5E) and the ideographic space, as their ASCII selves.
_HALFWIDTH = {**{cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}, 0x3000: 0x20}


def halfwidth(text: str) -> str:
    """`text` with fullwidth Latin letters, digits and signs as ASCII. The recogniser, trained on
    Chinese print too, sometimes reads a Latin letter as its fullwidth twin (an `L` as U+FF2C); no
    document zone prints those forms, and a fullwidth less-than sign is an MRZ's filler."""
    return text.translate(_HALFWIDTH)


def _pipeline(threads: int, bfloat16: bool = False) -> Any:
    """A RapidOCR pipeline on the packaged models, with our sessions and batching."""
    from rapidocr import RapidOCR

    models = (model_files.DET, model_files.REC, model_files.CLS)
    det, rec, cls = (str(model_files.verified_path(m)) for m in models)
    params: dict[str, Any] = {
        "Global.log_level": "error",
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        "Det.model_path": det,
        "Det.limit_type": "max",
        "Det.limit_side_len": 960,
        "Rec.model_path": rec,
        "Cls.model_path": cls,
    }
    engine: Any = RapidOCR(params=params)
    # rebuilt with our options (RapidOCR has no setting for them): ~1 s once per pipeline
    engine._load_cls_model().session.session = _session(Path(cls).read_bytes(), threads)
    if bfloat16:
        engine._load_det_model().session = Bfloat16Detector(Path(det).read_bytes(), threads)
    else:
        engine._load_det_model().session.session = _session(Path(det).read_bytes(), threads)
    recogniser: Any = engine._load_rec_model()
    _printed_classes_only(recogniser, Path(rec).read_bytes(), threads)
    # RapidOCR pads every line of a batch of six to the widest, and to 320 px at least: a page
    # is mostly short labels, so most of the work was padding. Pairs of lines of similar width,
    # unpadded, recognise a page in three quarters of the time, with the same accuracy on the
    # benchmark (bench/documents.py).
    recogniser.rec_batch_num = REC_BATCH
    recogniser.rec_image_shape = [3, REC_HEIGHT, REC_HEIGHT]
    # The detector normalises the page with its mean and std as float64 lists, so a 960 px page
    # is computed in float64 and cast back (16 ms a read); the same values as float32 keep it so.
    detector: Any = engine._load_det_model()
    detector.mean = np.asarray(detector.mean, np.float32)
    detector.std = np.asarray(detector.std, np.float32)
    detector.get_preprocess = lambda: _page_input(detector)
    return engine


def _page_input(detector: Any) -> Any:
    """The detector's preprocessing for one call (RapidOCR asks for it anew at every detection, with
    the size limit of that call)."""
    return _page_input_type()(detector.limit_side_len, detector.limit_type, detector.mean, detector.std)


@functools.cache
def _page_input_type() -> Any:
    """RapidOCR's page preprocessing with the same arithmetic in place: it made three page-sized float
    copies and handed onnxruntime a transposed view, which it copied once more (about 2 % of a read).
    Defined once, on first use (RapidOCR is not imported with this module)."""
    from rapidocr.ch_ppocr_det.utils import DetPreProcess

    class PageInput(DetPreProcess):
        def __call__(self, img: Any) -> Any:
            resized = self.resize(img)
            if resized is None:
                return None
            page = resized.astype(np.float32)
            page *= self.scale
            page -= self.mean
            page /= self.std
            return np.ascontiguousarray(page.transpose(2, 0, 1))[np.newaxis]

    return PageInput


# Input shapes OpenVINO keeps prepared, about 10 MB each (a page is detected at 960 px by a multiple
# of 32, and documents come in a few shapes); past them the least recent is prepared again (ms).
DETECTOR_SHAPES = 16


@functools.cache
def native_bfloat16() -> bool:
    """The CPU multiplies bfloat16 natively (AVX512-BF16 or AMX). With `detector="auto"` the text
    detector runs on OpenVINO in bfloat16 there, in about 0.6 of onnxruntime's float32 time; elsewhere
    bfloat16 is emulated, slower than float32, and onnxruntime keeps the detector."""
    import openvino as ov

    return "BF16" in ov.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")


class Bfloat16Detector:
    """The text detector compiled by OpenVINO's CPU runtime in bfloat16, in the place of RapidOCR's
    onnxruntime session (called with the page tensor, returns the probability map). Only the
    detector: it sees a few page shapes, whereas line widths vary by the pixel and OpenVINO prepares
    every input shape once (see docs/documents.md)."""

    def __init__(self, model: bytes, threads: int) -> None:
        import openvino as ov

        flushed, _ = flush_denormal_weights(model)
        config = {
            "INFERENCE_PRECISION_HINT": "bf16",
            "INFERENCE_NUM_THREADS": threads,
            "NUM_STREAMS": 1,
            "PERFORMANCE_HINT": "LATENCY",
            # a worker's pipelines share the cores: none may pin its threads to them
            "ENABLE_CPU_PINNING": False,
            "CPU_RUNTIME_CACHE_CAPACITY": DETECTOR_SHAPES,
        }
        core = ov.Core()
        self._request = core.compile_model(core.read_model(flushed), "CPU", config).create_infer_request()

    def __call__(self, page: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        self._request.infer({0: page})
        return np.array(self._request.get_output_tensor(0).data)


def _printed_classes_only(recogniser: Any, model: bytes, threads: int) -> None:
    """The recogniser scores only the classes an identity document's zones can print.

    Its alphabet has 18,710 classes, nine in ten of them CJK ideographs and kana; scoring them all
    was about a tenth of recognition. The last layer's weights are replaced (in memory, before the
    session loads) by their columns for blank, space, everything below U+3000 (Latin, Greek, IPA,
    punctuation and symbols), the fullwidth forms and the CJK shapes of a chevron; the decoder gets
    the same classes in the same order. Where a step's best class was a dropped one, the best kept
    class wins instead, and a line's score (its characters' mean probability) is taken over the
    kept classes. The fullwidth forms are decoded as their ASCII selves (`halfwidth`)."""
    decoder = recogniser.postprocess_op
    weights, bias = (float_initializer(model, name) for name in REC_CLASSIFIER)
    alphabet: list[str] = decoder.character
    if weights.ndim != 2 or weights.shape[1] != len(alphabet) or bias.shape != (len(alphabet),):
        raise ModelFormatError(f"the recogniser's last layer {weights.shape} does not fit its alphabet")
    keep = kept_classes(alphabet)
    decoder.character = [halfwidth(alphabet[i]) for i in keep]
    decoder.dict = {char: i for i, char in enumerate(decoder.character)}
    recogniser.session.session = _session(
        model,
        threads,
        {REC_CLASSIFIER[0]: weights[:, keep], REC_CLASSIFIER[1]: bias[keep]},
    )


def kept_classes(alphabet: list[str]) -> list[int]:
    """The indices of the recogniser's classes `_printed_classes_only` keeps, in order."""
    return [
        i
        for i, char in enumerate(alphabet)
        if i == 0  # CTC's blank
        or (char and ord(char[0]) < 0x3000)
        or (char and 0xFF00 <= ord(char[0]) <= 0xFFEF)
        or char in CHEVRON_SHAPES
    ]


def _orient(engine: Any, crops: list[Any]) -> list[bool]:
    """Per line: upside down. The page's lines mostly share one orientation and the reader
    recognises the odd ones out again as they stand (`reread_against_page`), so when the widest
    `CLS_SAMPLE` lines agree, the rest are taken to stand the same way without classifying them."""
    cls = engine._load_cls_model()
    order = sorted(range(len(crops)), key=lambda i: -crops[i].shape[1] / max(1, crops[i].shape[0]))
    sample = order[:CLS_SAMPLE] if len(crops) > CLS_SAMPLE else order
    flips = dict(zip(sample, _flipped(cls([crops[i] for i in sample]).cls_res), strict=True))
    rest = [i for i in order if i not in flips]
    if rest and len(set(flips.values())) == 1:
        flips.update(dict.fromkeys(rest, next(iter(flips.values()))))
    elif rest:
        flips.update(zip(rest, _flipped(cls([crops[i] for i in rest]).cls_res), strict=True))
    return [flips[i] for i in range(len(crops))]


def _flipped(labels: Any) -> list[bool]:
    return [("180" in label and score > CLS_THRESHOLD) for label, score in labels]


def _session(model: bytes, threads: int, weights: dict[str, npt.NDArray[np.float32]] | None = None) -> Any:
    """An onnxruntime session without the thread pool's spin-waiting: RapidOCR's own session spins
    its idle worker between the many small runs of a page (one per pair of lines), which doubled the
    CPU time of a read for about the same wall time, and on a busy machine took a core from the
    other requests."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 4
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # Replaced weights go in as overriding initializers; the session reads them when it loads.
    values = [ort.OrtValue.ortvalue_from_numpy(np.ascontiguousarray(w)) for w in (weights or {}).values()]
    for name, value in zip(weights or {}, values, strict=True):
        options.add_initializer(name, value)
    # the detector's denormal weights cost two thirds of its time (see idscan.lib.denormals)
    flushed, _ = flush_denormal_weights(model)
    session = ort.InferenceSession(flushed, sess_options=options, providers=["CPUExecutionProvider"])
    session.idscan_weights = values  # onnxruntime reads them in place: they live as long as the session
    return session


def _widest(boxes: Any, limit: int) -> Any:
    """At most `limit` detected boxes, the widest (an MRZ row is the widest line of a document), in
    their reading order: a photo of a page of small print must not cost a recognition per word."""
    if len(boxes) <= limit:
        return boxes
    quads = np.asarray(boxes).reshape(len(boxes), 4, 2)
    widths = quads[:, :, 0].max(axis=1) - quads[:, :, 0].min(axis=1)
    keep = np.sort(np.argsort(-widths, kind="stable")[:limit])
    return np.asarray(boxes)[keep]


def _rec_input(crops: list[Any]) -> Any:
    from rapidocr.ch_ppocr_rec import TextRecInput

    return TextRecInput(img=crops, return_word_box=False)


def _crop_line(bgr: npt.NDArray[np.uint8], box: Any) -> Any:
    from rapidocr.utils.process_img import get_rotate_crop_image

    return get_rotate_crop_image(bgr, copy.deepcopy(box))
