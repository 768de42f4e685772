"""The one registry of model sessions: OCR, the MRZ reader, face detection, face recognition and
face mesh, each loaded lazily, once per process, after its file's digest is checked.

Built by the composition roots (`bootstrap.py`, the CLI commands, benchmarks) and handed to the
engines, which never reach for a global. One thread setting for every model: OpenCV's thread count
is process-wide, so it is set here, once, and nowhere else.
"""

from __future__ import annotations

import threading

import cv2

from idscan.documents.mrz_reader import TesseractMrz
from idscan.documents.ocr import Detector, OcrSession
from idscan.lib import model_files
from idscan.vision.sessions import ModelConfig, VisionModels


class Engines:
    def __init__(
        self,
        threads: int = 2,
        trackers: int = 2,
        ocr_pipelines: int = 1,
        ocr_detector: Detector = "onnxruntime",
    ) -> None:
        self.threads = threads
        self.ocr_detector = ocr_detector
        self.ocr_pipelines = _pipelines(ocr_pipelines, threads)
        self.vision = VisionModels(ModelConfig(threads=threads, trackers=trackers))
        self._lock = threading.Lock()
        self._ocr: OcrSession | None = None
        self._mrz: TesseractMrz | None = None

    def ocr(self) -> OcrSession:
        with self._lock:
            if self._ocr is None:
                # the threads are shared: n pipelines of threads/n, so the cores are not oversubscribed
                threads = self.threads // self.ocr_pipelines
                self._ocr = OcrSession(threads, self.ocr_pipelines, self.ocr_detector)
            return self._ocr

    def mrz(self) -> TesseractMrz:
        with self._lock:
            if self._mrz is None:
                self._mrz = TesseractMrz(self.threads)
            return self._mrz

    def warm_up(self) -> None:
        """Load everything now instead of on the first request."""
        self.ocr()
        self.mrz()
        self.vision.warm_up()


def verify_model_files() -> None:
    """Every model file present with its pinned digest; raises ModelIntegrityError otherwise."""
    for model in model_files.ALL_MODELS:
        model_files.verified_path(model)


def _pipelines(wanted: int, threads: int) -> int:
    """OCR pipelines share the threads: never more of them than threads."""
    return max(1, min(wanted, threads))


_lock = threading.Lock()
_shared: dict[tuple[int, int, int, str], Engines] = {}


def shared_engines(
    threads: int = 2, trackers: int = 2, ocr_pipelines: int = 1, ocr_detector: Detector = "onnxruntime"
) -> Engines:
    """The process-wide registry for a thread count (created on first call, never at import)."""
    with _lock:
        key = (threads, trackers, _pipelines(ocr_pipelines, threads), ocr_detector)
        if key not in _shared:
            if not _shared:
                cv2.setNumThreads(threads)  # process-wide in OpenCV: the first registry decides
            _shared[key] = Engines(threads, trackers, ocr_pipelines, ocr_detector)
        return _shared[key]
