"""How the frames of a liveness capture are kept: one object, the JPEGs and their times in a zip."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UploadedFrame:
    timestamp_ms: int
    data: bytes


def pack_frames(frames: Sequence[UploadedFrame]) -> bytes:
    """One stored object per session: the JPEG frames and their timestamps in a zip (no compression:
    JPEG does not shrink)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("timestamps.json", json.dumps([f.timestamp_ms for f in frames]))
        for i, frame in enumerate(frames):
            archive.writestr(f"{i:05d}.jpg", frame.data)
    return buffer.getvalue()


def unpack_frames(data: bytes) -> list[UploadedFrame]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        stamps = json.loads(archive.read("timestamps.json"))
        return [UploadedFrame(int(t), archive.read(f"{i:05d}.jpg")) for i, t in enumerate(stamps)]
