"""Decode untrusted upload bytes into an RGB array, and measure whether the image is usable.

Every way a file can be hostile or unusable ends in `UnsupportedFileError(reason)` (the pipeline
reports `unsupported_file`), never in a crash: empty, truncated, unknown or disallowed format,
decompression bombs (pixel count checked from the header, before any pixel is decoded), absurd
dimensions. Animated or multi-page files (APNG, animated WebP, multi-page TIFF, iPhone MPO) are
read from their first frame: a document photo is always the first picture, and rejecting them would
refuse ordinary phone uploads. EXIF orientation is applied. CMYK, 16-bit, palette and alpha images
come out as 8-bit RGB, alpha flattened on white (a transparent card background reads as paper).
"""

from __future__ import annotations

import io
import struct
import threading
import warnings
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

RGBImage = npt.NDArray[np.uint8]

DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_SIDE = 16_384
# Pillow format names we accept (a JPEG with extra pictures from a phone opens as format "MPO").
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF", "TIFF")

_heif_lock = threading.Lock()
_heif_ready = False


class UnsupportedFileError(ValueError):
    """An upload we will not decode; `reason` is a short machine-readable word."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class DecodedImage:
    pixels: RGBImage  # H x W x 3, uint8, RGB, orientation applied
    format: str  # Pillow format name
    source_mode: str  # the file's own pixel mode (CMYK, I;16, P ...)
    exif_orientation: int  # 1 = upright; 2..8 were applied
    frames: int  # frames/pages in the file; only the first is used

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


def _register_heif() -> None:
    global _heif_ready  # noqa: PLW0603 - one registration per process, no work at import time
    with _heif_lock:
        if not _heif_ready:
            from pillow_heif import register_heif_opener

            register_heif_opener()
            _heif_ready = True


def _open(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # We judge the pixel count ourselves below; Pillow's own warning must not escape.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except Image.DecompressionBombError as exc:
        raise UnsupportedFileError("decompression_bomb", str(exc)) from exc
    except UnidentifiedImageError as exc:
        raise UnsupportedFileError(
            "unknown_format", "not a JPEG, PNG, WebP, HEIC/HEIF or TIFF image"
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise UnsupportedFileError("corrupt", str(exc)) from exc


def _to_rgb(image: Image.Image) -> RGBImage:
    mode = image.mode
    if mode in {"I;16", "I;16L", "I;16B", "I;16N", "I"}:
        # Pillow's convert("L") clips 16-bit values instead of scaling them.
        wide = np.asarray(image, dtype=np.float64)
        peak = 65535.0 if mode != "I" or wide.max(initial=0) > 255 else 255.0
        grey = np.clip(wide * (255.0 / peak), 0, 255).round().astype(np.uint8)
        return np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2))
    if mode == "F":
        grey = np.clip(np.asarray(image, dtype=np.float64), 0, 255).round().astype(np.uint8)
        return np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2))
    if mode in {"RGBA", "LA", "PA", "La", "RGBa"} or (mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(paper, rgba)
    return np.ascontiguousarray(np.asarray(image.convert("RGB"), dtype=np.uint8))


def decode_image(
    data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS, max_side: int = DEFAULT_MAX_SIDE
) -> DecodedImage:
    """Decode an upload. Raises UnsupportedFileError for anything we will not or cannot read."""
    if not data:
        raise UnsupportedFileError("empty", "0 bytes")
    _register_heif()
    image = _open(data)
    try:
        width, height = image.size
        if width <= 0 or height <= 0:
            raise UnsupportedFileError("corrupt", "zero-sized image")
        if width * height > max_pixels:
            raise UnsupportedFileError("decompression_bomb", f"{width}x{height} exceeds {max_pixels} pixels")
        if max(width, height) > max_side:
            raise UnsupportedFileError("too_large", f"{width}x{height} exceeds {max_side} px per side")
        if ImageFile.LOAD_TRUNCATED_IMAGES:  # a process-wide switch someone may have flipped
            raise UnsupportedFileError("corrupt", "refusing to decode with LOAD_TRUNCATED_IMAGES set")
        try:
            frames = int(getattr(image, "n_frames", 1))
            image.seek(0)
            fmt = str(image.format)
            source_mode = image.mode
            orientation = int(image.getexif().get(0x0112, 1) or 1)
            image.load()
            upright = ImageOps.exif_transpose(image) or image
            pixels = _to_rgb(upright)
        except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
            raise UnsupportedFileError(
                "truncated" if "truncated" in str(exc) else "corrupt", str(exc)
            ) from exc
    finally:
        image.close()
    return DecodedImage(pixels, fmt, source_mode, orientation if 1 <= orientation <= 8 else 1, frames)


# --- Quality checks on a decoded (or rectified) image; thresholds are parameters. ---
# Defaults were set on the shared real fixtures (scans and photos, 250-1900 px wide, all readable):
# none of them trips a check, while a Gaussian blur of sigma >= 3 px or a specular highlight
# covering ~6 % of the image does.


@dataclass(frozen=True)
class QualityIssue:
    code: str  # image_too_small | image_too_blurry | image_glare
    value: float
    threshold: float


@dataclass(frozen=True)
class QualityThresholds:
    min_short_side: int = 150  # px; the smallest real fixture (250 x 159) still reads exactly
    min_sharpness: float = 10.0  # variance of the Laplacian, image at most `sharpness_width` wide
    sharpness_width: int = 1000  # px: larger images are shrunk first, so phone photos compare
    glare_level: int = 250  # a pixel whose channels are all >= this is blown out
    max_glare_fraction: float = 0.06  # of the image area, the largest glare blob


def _grey(image: RGBImage) -> npt.NDArray[np.uint8]:
    return np.asarray(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), dtype=np.uint8)


def sharpness(image: RGBImage, *, width: int = 1000) -> float:
    """Variance of the Laplacian of the greyscale image, shrunk to at most `width` px wide (higher is
    sharper). Small images are not enlarged: upscaling would make every small scan look blurred."""
    grey = _grey(image)
    if grey.shape[1] > width:
        height = max(1, round(grey.shape[0] * width / grey.shape[1]))
        grey = np.asarray(cv2.resize(grey, (width, height), interpolation=cv2.INTER_AREA), dtype=np.uint8)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def glare_fraction(
    image: RGBImage, *, level: int = 250, halo: int = 200, max_holes: float = 0.1, ring: int = 5
) -> float:
    """Area fraction of the largest glare blob. A blown-out region counts as glare only when it
    looks like a highlight, not like white paper: it hides the print under it (few unsaturated holes
    inside its outline, whereas a white card is full of ink) and it fades out into a bright halo
    (the median of a `ring`-px band around it is at least `halo`)."""
    blown = np.all(image >= level, axis=2).astype(np.uint8)
    if not blown.any():
        return 0.0
    grey = _grey(image)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(blown, connectivity=8)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * ring + 1, 2 * ring + 1))
    best = 0
    for index in (np.argsort(-stats[1:count, cv2.CC_STAT_AREA])[:5] + 1).tolist():
        area = int(stats[index, cv2.CC_STAT_AREA])
        if area < 0.002 * blown.size:
            break
        if _spans_the_image(stats[index], blown.shape):
            continue  # the paper or scanner bed around the document, not a highlight on it
        mask = (labels == index).astype(np.uint8)
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        outline = np.zeros_like(mask)
        cv2.drawContours(outline, contours, -1, (1,), thickness=-1)
        band = cv2.dilate(outline, kernel).astype(bool) & ~outline.astype(bool)
        filled = int(outline.sum())
        if band.sum() < 20 or 1 - area / max(filled, 1) > max_holes:
            continue
        if float(np.median(grey[band])) >= halo:
            best = max(best, filled)
    return best / float(blown.size)


def _spans_the_image(stat: npt.NDArray[np.int32], shape: tuple[int, ...]) -> bool:
    """A blown region from one edge of the picture to the opposite one is background (white paper
    around a scanned card, a gap between two sides on one page): a highlight sits on the document."""
    x, y = int(stat[cv2.CC_STAT_LEFT]), int(stat[cv2.CC_STAT_TOP])
    w, h = int(stat[cv2.CC_STAT_WIDTH]), int(stat[cv2.CC_STAT_HEIGHT])
    return (x == 0 and x + w == shape[1]) or (y == 0 and y + h == shape[0])


def check_size(image: RGBImage, *, min_short_side: int = 150) -> QualityIssue | None:
    short = float(min(image.shape[:2]))
    return QualityIssue("image_too_small", short, min_short_side) if short < min_short_side else None


def check_blur(image: RGBImage, *, min_sharpness: float = 10.0, width: int = 1000) -> QualityIssue | None:
    score = sharpness(image, width=width)
    return QualityIssue("image_too_blurry", score, min_sharpness) if score < min_sharpness else None


def check_glare(image: RGBImage, *, level: int = 250, max_fraction: float = 0.06) -> QualityIssue | None:
    fraction = glare_fraction(image, level=level)
    return QualityIssue("image_glare", fraction, max_fraction) if fraction > max_fraction else None


def assess_quality(image: RGBImage, thresholds: QualityThresholds | None = None) -> tuple[QualityIssue, ...]:
    """All quality problems, in reporting order: too small first (then the rest is meaningless)."""
    t = thresholds or QualityThresholds()
    small = check_size(image, min_short_side=t.min_short_side)
    if small is not None:
        return (small,)
    found = (
        check_blur(image, min_sharpness=t.min_sharpness, width=t.sharpness_width),
        check_glare(image, level=t.glare_level, max_fraction=t.max_glare_fraction),
    )
    return tuple(issue for issue in found if issue is not None)
