"""Opening untrusted image files within a memory bound.

    header = probe(data, policy)   # the header only: a format on the policy's list, within its caps
    image = decode(data, policy)   # 8-bit RGB, at most `policy.working_side` on its longer side

Every refusal is an `UnsupportedImageError` with a short `reason`; too many pixels is its subclass
`ImageTooLargeError`. How memory stays bounded, whatever the file claims:
- the pixel count and the sides are judged from the header, before any pixel is decoded;
- a JPEG at least twice the working size is decoded at 1/2, 1/4 or 1/8 scale (libjpeg's DCT scaling);
- the other formats can only be decoded whole: the decoded image is resized to the working size a
  strip of rows at a time (palettes converted strip by strip), and converted (16-bit scaled in
  integers, alpha flattened) only after that, so there is never a float64 or second full-size copy;
- each decode first reserves its estimated peak from one process-wide budget, so decodes running at
  once wait for each other instead of adding up, and a file that alone would not fit is refused.
Animated and multi-page files are read from their first frame; EXIF orientation is applied.
"""

from __future__ import annotations

import io
import math
import struct
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFile, PngImagePlugin, UnidentifiedImageError

from idscan.errors import ImageTooLargeError, UnsupportedImageError

RGBImage = npt.NDArray[np.uint8]

FORMAT_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "HEIF": "HEIC"}
_JPEG_FAMILY = {"JPEG", "MPO"}  # a phone's JPEG with extra pictures opens as MPO
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, RuntimeError)

# Bytes a pixel takes in Pillow's own image: three- and four-channel modes are stored in four.
_MODE_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}
# What a decoder holds besides Pillow's image, per pixel of the full image (measured at 40 MP):
# libwebp's animation decoder keeps two RGBA canvases; libheif a YUV and an RGB plane.
_DECODER_BYTES = {"WEBP": 12, "HEIF": 4}
# Per pixel of the working image: Pillow's copy, converted or flattened copies, the RGB array.
_WORKING_BYTES = 12
# Source pixels resized at once, and their cost (a crop, a converted or premultiplied copy).
_STRIP_PIXELS = 2_000_000
_STRIP_BYTES = 12
_PNG_TEXT_BYTES = 1024 * 1024  # text chunks a header may inflate to (Pillow's default: 64 MB)
# Room for one iPhone HEIC (24 MP, ~190 MB while libheif decodes it) or a few smaller images at once.
DEFAULT_BUDGET_BYTES = 200 * 1024 * 1024

_ORIENTATIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True, slots=True)
class ImagePolicy:
    """What one purpose accepts: an allow-list of Pillow format names and the size caps."""

    name: str  # what the image is for, in messages: "document photo", "liveness frame"
    formats: tuple[str, ...]
    max_pixels: int
    max_side: int = 16_384
    working_side: int | None = None  # longer side handed on; larger images are shrunk while decoded


@dataclass(frozen=True, slots=True)
class ImageHeader:
    format: str
    width: int
    height: int
    mode: str


@dataclass(frozen=True, slots=True)
class DecodedImage:
    pixels: RGBImage  # H x W x 3, uint8, RGB, orientation applied, at most the working size
    format: str  # Pillow format name
    source_mode: str  # the file's own pixel mode (CMYK, I;16, P ...)
    exif_orientation: int  # 1 = upright; 2..8 were applied
    frames: int  # frames/pages in the file; only the first is used
    original_size: tuple[int, int]  # width, height as the file declares them

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


class DecodeBudget:
    """Bytes that the decodes in flight in this process may hold together; each waits for its share."""

    def __init__(self, total: int) -> None:
        self.total = total
        self._free = total
        self._changed = threading.Condition()

    @contextmanager
    def hold(self, amount: int) -> Iterator[None]:
        amount = min(amount, self.total)
        with self._changed:
            self._changed.wait_for(lambda: self._free >= amount)
            self._free -= amount
        try:
            yield
        finally:
            with self._changed:
                self._free += amount
                self._changed.notify_all()


DECODE_BUDGET = DecodeBudget(DEFAULT_BUDGET_BYTES)

_setup_lock = threading.Lock()
_heif_ready = False


def _prepare(policy: ImagePolicy) -> None:
    global _heif_ready  # noqa: PLW0603 - one registration per process, no work at import time
    with _setup_lock:
        # Process-wide, and only ever lowered: no image we read or write carries a megabyte of text.
        PngImagePlugin.MAX_TEXT_MEMORY = min(PngImagePlugin.MAX_TEXT_MEMORY, _PNG_TEXT_BYTES)
        if "HEIF" in policy.formats and not _heif_ready:
            from pillow_heif import register_heif_opener

            register_heif_opener()
            _heif_ready = True


def format_list(policy: ImagePolicy) -> str:
    """'a JPEG, PNG, WebP or HEIC image', as the policy allows."""
    names = [FORMAT_NAMES.get(f, f) for f in policy.formats]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f"a {listed} image"


def _too_many(policy: ImagePolicy, size: tuple[int, int] | None) -> ImageTooLargeError:
    cap = f"at most {policy.max_pixels / 1e6:g} million pixels"
    said = f"The image is {size[0]} x {size[1]} pixels" if size else "The image has too many pixels"
    return ImageTooLargeError("decompression_bomb", f"{said}; a {policy.name} may have {cap}.")


def _open(data: bytes, policy: ImagePolicy) -> Image.Image:
    if not data:
        raise UnsupportedImageError("empty", "The file is empty.")
    _prepare(policy)
    try:
        with warnings.catch_warnings():
            # We judge the pixel count ourselves; Pillow's own warning must not escape.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=policy.formats)
    except Image.DecompressionBombError as exc:
        raise _too_many(policy, None) from exc
    except UnidentifiedImageError as exc:
        raise UnsupportedImageError("unknown_format", f"The file is not {format_list(policy)}.") from exc
    except _DECODE_ERRORS as exc:
        raise UnsupportedImageError("corrupt", "The image file is damaged.") from exc
    try:
        _check(image, policy)
    except BaseException:
        image.close()
        raise
    return image


def _check(image: Image.Image, policy: ImagePolicy) -> None:
    width, height = image.size
    kind = "JPEG" if image.format in _JPEG_FAMILY else str(image.format)
    if kind not in policy.formats:  # Image.open was told which formats to try; belt and braces
        raise UnsupportedImageError("unknown_format", f"The file is not {format_list(policy)}.")
    if width <= 0 or height <= 0:
        raise UnsupportedImageError("corrupt", "The image has no pixels.")
    if width * height > policy.max_pixels:
        raise _too_many(policy, (width, height))
    if max(width, height) > policy.max_side:
        raise ImageTooLargeError(
            "too_large", f"The image is {width} x {height} pixels; at most {policy.max_side} per side."
        )


def probe(data: bytes, policy: ImagePolicy) -> ImageHeader:
    """Judge a file from its header alone: format allowed, pixel count and sides within the caps."""
    image = _open(data, policy)
    with image:
        return ImageHeader(str(image.format), image.width, image.height, image.mode)


def _draft_size(width: int, height: int, side: int) -> tuple[int, int] | None:
    """The request that makes libjpeg scale by the largest power of two still reaching `side`."""
    longest = max(width, height)
    if longest < 2 * side:
        return None
    return max(1, width * side // longest), max(1, height * side // longest)


def _jpeg_scans(data: bytes) -> int:
    """Scans of the main image. libjpeg keeps every coefficient of the whole image in memory for a
    file of more than one scan (progressive or not), whatever the scale it decodes at."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:  # junk between segments: libjpeg skips it with a warning, so do we
            at += 1
            continue
        marker = data[at + 1]
        if marker == 0xDA:
            end = data.find(b"\xff\xd9", at)
            return data.count(b"\xff\xda", at, end if end >= 0 else len(data))
        if marker == 0xFF or 0xD0 <= marker <= 0xD8 or marker == 0x01:
            at += 1 if marker == 0xFF else 2
            continue
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return 1


def _coefficient_bytes(width: int, height: int, layers: list[tuple[int, int, int, int]]) -> int:
    """Two bytes for each of the 64 coefficients of every 8 x 8 block of every component."""
    layers = layers or [(1, 1, 1, 0)] * 3
    h_max = max(layer[1] for layer in layers) or 1
    v_max = max(layer[2] for layer in layers) or 1
    blocks = sum(
        math.ceil(width * layer[1] / h_max / 8) * math.ceil(height * layer[2] / v_max / 8) for layer in layers
    )
    return blocks * 64 * 2


def _fitted_size(size: tuple[int, int], side: int | None) -> tuple[int, int]:
    if side is None or max(size) <= side:
        return size
    scale = side / max(size)
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _cost(data: bytes, image: Image.Image, original: tuple[int, int], side: int | None) -> int:
    """Estimated peak bytes of decoding `image` (drafted already): an upper bound, not a guess. The
    larger of the load (Pillow's image and the decoder's own buffers) and what follows it (Pillow's
    image, the strips being resized, the working image); libjpeg and libheif free their buffers when
    the load ends, libwebp's animation decoder keeps its canvases until the file is closed."""
    image_bytes = image.width * image.height * _MODE_BYTES.get(image.mode, 4)
    decoder = original[0] * original[1] * _DECODER_BYTES.get(str(image.format), 0)
    if image.format in _JPEG_FAMILY and _jpeg_scans(data) > 1:
        decoder += _coefficient_bytes(*original, getattr(image, "layer", []))
    w, h = _fitted_size(image.size, side)
    after = _STRIP_PIXELS * _STRIP_BYTES + w * h * _WORKING_BYTES + (decoder if image.format == "WEBP" else 0)
    return image_bytes + max(decoder, after)


def _resizable(image: Image.Image) -> Image.Image:
    """Palettes cannot be averaged, nor bilevel images: convert them (a strip at a time)."""
    if image.mode == "1":
        return image.convert("L")
    if image.mode in ("P", "PA"):
        return image.convert("RGBA" if image.mode == "PA" or "transparency" in image.info else "RGB")
    return image


def _shrink(image: Image.Image, side: int | None) -> Image.Image:
    """The decoded image at the working size, resized (box filter) a strip of rows at a time: Pillow
    would otherwise convert a whole palette, 16-bit or alpha image before resizing it."""
    size = _fitted_size(image.size, side)
    if size == image.size:
        return _resizable(image)
    (width, height), (out_w, out_h) = image.size, size
    step = height / out_h  # source rows per output row
    rows = max(1, int(_STRIP_PIXELS / (width * step)))
    out: Image.Image | None = None
    for top in range(0, out_h, rows):
        bottom = min(out_h, top + rows)
        y0, y1 = top * step, bottom * step
        first, last = int(y0), min(height, math.ceil(y1))
        strip = _resizable(image.crop((0, first, width, last)))
        part = strip.resize(
            (out_w, bottom - top), Image.Resampling.BOX, box=(0, y0 - first, width, y1 - first)
        )
        out = out or Image.new(part.mode, size)
        out.paste(part, (0, top))
    assert out is not None  # out_h >= 1
    return out


def _to_rgb(image: Image.Image) -> RGBImage:
    """8-bit RGB: 16-bit scaled (Pillow's convert would clip), alpha flattened on white (a
    transparent card background reads as paper), CMYK and palettes converted."""
    mode = image.mode
    if mode.startswith("I;16") or mode == "I":
        wide = np.int64 if mode == "I" else np.int32  # of the shrunk image only
        values: npt.NDArray[np.signedinteger[Any]] = np.asarray(image).astype(wide)
        if mode != "I" or values.max(initial=0) > 255:  # round(v * 255 / 65535) = (v + 128) // 257
            values += 128
            values //= 257
        grey = np.clip(values, 0, 255, out=values).astype(np.uint8)
        return np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2))
    if mode == "F":
        grey = np.clip(np.asarray(image, dtype=np.float32), 0, 255).round().astype(np.uint8)
        return np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2))
    if mode in {"RGBA", "LA", "La", "RGBa"}:
        rgba = image if mode == "RGBA" else image.convert("RGBA")
        paper = Image.new("RGB", rgba.size, (255, 255, 255))
        paper.paste(rgba, (0, 0), rgba)  # blends by the alpha channel
        image, mode = paper, "RGB"
    rgb = image if mode == "RGB" else image.convert("RGB")
    return np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8))


def decode(data: bytes, policy: ImagePolicy, *, budget: DecodeBudget = DECODE_BUDGET) -> DecodedImage:
    """Decode an upload within the policy and the budget. Raises UnsupportedImageError (or its
    ImageTooLargeError) for anything we will not or cannot read."""
    image = _open(data, policy)
    with image:
        if ImageFile.LOAD_TRUNCATED_IMAGES:  # a process-wide switch someone may have flipped
            raise UnsupportedImageError("corrupt", "Refusing to decode with LOAD_TRUNCATED_IMAGES set.")
        original, source_mode = image.size, image.mode
        side = policy.working_side
        try:
            frames = int(getattr(image, "n_frames", 1))
            image.seek(0)
            draft = _draft_size(*original, side) if side and image.format in _JPEG_FAMILY else None
            if draft is not None:
                image.draft(None, draft)
        except _DECODE_ERRORS as exc:
            raise UnsupportedImageError("corrupt", "The image file is damaged.") from exc
        cost = _cost(data, image, original, side)
        if cost > budget.total:
            kind = FORMAT_NAMES.get(str(image.format), str(image.format))
            raise ImageTooLargeError(
                "too_large",
                f"A {kind} image of {original[0]} x {original[1]} pixels needs more memory to decode "
                "than we allow.",
            )
        with budget.hold(cost):
            try:
                image.load()
                orientation = int(image.getexif().get(0x0112, 1) or 1)
                small = _shrink(image, side)
                if orientation in _ORIENTATIONS:
                    small = small.transpose(_ORIENTATIONS[orientation])
                pixels = _to_rgb(small)
            except _DECODE_ERRORS as exc:
                reason = "truncated" if "truncated" in str(exc) else "corrupt"
                raise UnsupportedImageError(reason, "The image file is damaged or cut short.") from exc
    upright = orientation if orientation in _ORIENTATIONS else 1
    return DecodedImage(pixels, str(image.format), source_mode, upright, frames, original)
