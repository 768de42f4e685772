"""Reading a liveness capture from disk: a folder of frames or a short video (for the CLI and tests).

A folder holds images sorted by name; timestamps come from `timestamps.json` (a list in name order, or
an object name → ms), else from all-digit file names (`000123.jpg` = 123 ms), else from `fps`.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

from idscan.vision.images import decode_image
from idscan.vision.liveness_track import Frame

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}


def frames_from_dir(folder: Path, fps: float = 10.0) -> list[Frame]:
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    stamps_file = folder / "timestamps.json"
    stamps: list[int]
    if stamps_file.is_file():
        data = json.loads(stamps_file.read_text())
        stamps = [int(data[p.name]) for p in files] if isinstance(data, dict) else [int(v) for v in data]
    elif files and all(p.stem.isdigit() for p in files):
        stamps = [int(p.stem) for p in files]
    else:
        stamps = [round(i * 1000.0 / fps) for i in range(len(files))]
    if len(stamps) != len(files):
        raise ValueError(f"{len(files)} frames but {len(stamps)} timestamps in {folder}")
    return [Frame(t, decode_image(p.read_bytes())) for p, t in zip(files, stamps, strict=True)]


def frames_from_video(path: Path) -> list[Frame]:
    """Decode every frame with its presentation time (WebM/MP4 through OpenCV's bundled FFmpeg)."""
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise ValueError(f"cannot open video {path}")
    frames: list[Frame] = []
    try:
        while True:
            ok, image = capture.read()
            if not ok:
                break
            t = round(float(capture.get(cv2.CAP_PROP_POS_MSEC)))
            if frames and t <= frames[-1].timestamp_ms:
                t = frames[-1].timestamp_ms + 1  # some containers repeat the last timestamp
            frames.append(Frame(t, np.asarray(image, np.uint8)))
    finally:
        capture.release()
    return frames


def load_frames(source: Path, fps: float = 10.0) -> list[Frame]:
    return frames_from_dir(source, fps) if source.is_dir() else frames_from_video(source)


def write_frames_dir(frames: list[Frame], folder: Path, quality: int = 90) -> None:
    """The inverse of frames_from_dir (JPEG frames and timestamps.json)."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for i, frame in enumerate(frames):
        name = f"frame_{i:04d}.jpg"
        cv2.imwrite(str(folder / name), frame.image, [cv2.IMWRITE_JPEG_QUALITY, quality])
        names.append(name)
    (folder / "timestamps.json").write_text(
        json.dumps({n: f.timestamp_ms for n, f in zip(names, frames, strict=True)})
    )
