"""Decode untrusted upload bytes into an RGB array, and measure whether the image is usable.

Decoding is `idscan.lib.imagefile` under the document photo's policy: JPEG, PNG, WebP and HEIC/HEIF
(what phones and browsers send), at most 40 MP, judged from the header before any pixel is decoded,
and decoded at no more than twice the reader's working width (a JPEG at reduced scale). Every way a
file can be hostile or unusable ends in `UnsupportedImageError(reason)` (the pipeline reports
`unsupported_file`), never in a crash or an unbounded allocation.

TIFF and PDF scans are not taken: no phone or browser sends them, the upload page asks for a photo,
and neither can be decoded at reduced scale (libtiff decodes whole strips and tiles, in 16-bit and
CMYK variants that cost the most per pixel), so the format would add attack surface for no user.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from idscan.documents.codes import AttemptCode
from idscan.lib.imagefile import DecodedImage, ImagePolicy, decode

RGBImage = npt.NDArray[np.uint8]

DOCUMENT_PHOTO = ImagePolicy(
    "document photo",
    ("JPEG", "PNG", "WEBP", "HEIF"),
    max_pixels=40_000_000,
    # Twice the flattened document's width (ReadParams.max_width, which the reader passes): a
    # document filling half the photo still gives the reader every pixel it uses.
    working_side=2 * 1280,
)


def decode_image(data: bytes, policy: ImagePolicy = DOCUMENT_PHOTO) -> DecodedImage:
    """Decode an upload. Raises UnsupportedImageError for anything we will not or cannot read."""
    return decode(data, policy)


# --- Quality checks on a decoded (or rectified) image; thresholds are parameters. ---
# Defaults were set on the shared real fixtures (scans and photos, 250-1900 px wide, all readable):
# none of them trips a check, while a Gaussian blur of sigma >= 3 px or a specular highlight
# covering ~6 % of the image does.


@dataclass(frozen=True)
class QualityIssue:
    code: AttemptCode  # image_too_small | image_too_blurry | image_glare
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
    # inRange: the same mask as np.all(image >= level, axis=2), a tenth of the time on a photo
    bounds = np.full(3, level, np.uint8), np.full(3, 255, np.uint8)
    blown = (cv2.inRange(image, *bounds) > 0).astype(np.uint8)
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
    return (
        QualityIssue(AttemptCode.IMAGE_TOO_SMALL, short, min_short_side) if short < min_short_side else None
    )


def check_blur(image: RGBImage, *, min_sharpness: float = 10.0, width: int = 1000) -> QualityIssue | None:
    score = sharpness(image, width=width)
    return QualityIssue(AttemptCode.IMAGE_TOO_BLURRY, score, min_sharpness) if score < min_sharpness else None


def check_glare(image: RGBImage, *, level: int = 250, max_fraction: float = 0.06) -> QualityIssue | None:
    fraction = glare_fraction(image, level=level)
    return QualityIssue(AttemptCode.IMAGE_GLARE, fraction, max_fraction) if fraction > max_fraction else None


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
