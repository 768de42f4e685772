"""Document-portrait versions of face photos: an ID-style crop, printed on a card, photographed and
rectified back to `size` pixels, with the losses each step brings."""

from __future__ import annotations

import random

import cv2
import numpy as np

from idscan.vision.detection import detect_faces
from idscan.vision.sessions import VisionModels
from tests.vision.synth.warp import Image


def id_photo_crop(image: Image, models: VisionModels, aspect: float = 0.8) -> Image | None:
    """Head and shoulders as on a passport photo: the face box takes ~62% of the width."""
    faces = detect_faces(image, models.detector())
    if not faces:
        return None
    x, y, w, h = faces[0].box
    crop_w = w / 0.62
    crop_h = crop_w / aspect
    cx, cy = x + w / 2, y + h * 0.45
    m = np.array([[1, 0, crop_w / 2 - cx], [0, 1, crop_h * 0.45 - cy]], np.float32)
    out = cv2.warpAffine(image, m, (round(crop_w), round(crop_h)), borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(out, np.uint8)


def card_portrait(
    image: Image, models: VisionModels, size: tuple[int, int] = (120, 150), seed: int = 0
) -> Image:
    """The portrait as the document reader would crop it from a phone photo of the card."""
    rng = random.Random(seed)
    crop = id_photo_crop(image, models)
    if crop is None:
        raise ValueError("no face to print")
    # Print: at 2x the final resolution, with less contrast and colour, and a faint security pattern.
    w, h = size
    printed = cv2.resize(crop, (w * 2, h * 2), interpolation=cv2.INTER_AREA).astype(np.float32)
    grey = printed.mean(axis=2, keepdims=True)
    printed = 0.75 * printed + 0.25 * grey
    printed = 0.82 * printed + 0.18 * 150.0
    yy, xx = np.mgrid[0 : h * 2, 0 : w * 2]
    pattern = 6.0 * np.sin((xx + yy) / 3.0 + rng.uniform(0, 6)) * np.sin((xx - yy) / 5.0)
    printed += pattern[:, :, None]
    # Photograph and rectify: blur, glare gradient, white balance, noise, JPEG, back to `size`.
    shot = cv2.GaussianBlur(printed, (0, 0), rng.uniform(0.8, 1.4))
    glare = rng.uniform(0, 35) * np.clip(1 - np.hypot(xx - rng.uniform(0, w * 2), yy) / (w * 2), 0, 1)
    shot = shot + glare[:, :, None]
    shot = shot * np.array([rng.uniform(0.9, 1.05), 1.0, rng.uniform(0.9, 1.08)], np.float32)
    noise = np.random.default_rng(seed).normal(0, 3.0, shot.shape)
    shot = np.clip(shot + noise, 0, 255).astype(np.uint8)
    small = cv2.resize(shot, (w, h), interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(70, 85)])
    assert ok
    return np.asarray(cv2.imdecode(buf, cv2.IMREAD_COLOR), np.uint8)
