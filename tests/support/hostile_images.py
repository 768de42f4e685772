"""Hostile images, generated on the spot (never committed as binaries): small files whose headers
promise many pixels, in every format an upload may claim to be.

`*_claiming(width, height)` patches the size fields of a tiny valid file: the header says
`width` x `height`, the body holds a few pixels, so anything that decodes it fails (or, without a
pixel check, first allocates the whole claimed image). `*_blank(...)` are real, valid images of that
size, mostly empty, so they compress to a few KB and decode in full.
"""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import numpy as np
from PIL import Image


def encode(image: Image.Image, fmt: str, **params: Any) -> bytes:
    out = io.BytesIO()
    if fmt == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_blank(width: int, height: int, *, channels: int = 1, bits: int = 8) -> bytes:
    """A valid PNG of black pixels (grey, or RGB with `channels=3`), deflated as a stream so that no
    more than one row is ever in memory here: 39.7 MP of grey come to ~38 KB."""
    colour_type = {1: 0, 3: 2, 4: 6}[channels]
    row = b"\x00" * (1 + width * channels * bits // 8)  # filter byte, then the samples
    deflate = zlib.compressobj(9)
    body = b"".join(deflate.compress(row) for _ in range(height)) + deflate.flush()
    header = struct.pack(">IIBBBBB", width, height, bits, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def png_claiming(width: int, height: int, *, channels: int = 1) -> bytes:
    data = bytearray(encode(Image.new("L", (1, 1)), "PNG"))
    start = 8 + 8  # signature, then the IHDR chunk's length and type
    data[start : start + 8] = struct.pack(">II", width, height)
    data[start + 9] = {1: 0, 3: 2, 4: 6}[channels]  # colour type
    data[start + 13 : start + 17] = struct.pack(">I", zlib.crc32(bytes(data[start - 4 : start + 13])))
    return bytes(data)


def png_text_bomb(chunks: int = 80) -> bytes:
    """A 1x1 PNG carrying `chunks` compressed text chunks that each inflate to 1 MB."""
    data = encode(Image.new("L", (1, 1)), "PNG")
    text = b"".join(
        _chunk(b"zTXt", f"k{i}".encode() + b"\x00\x00" + zlib.compress(b"a" * 1_000_000, 9))
        for i in range(chunks)
    )
    return data[:33] + text + data[33:]  # after the signature and IHDR


def jpeg_blank(width: int, height: int, *, progressive: bool = False, mode: str = "L") -> bytes:
    """A valid JPEG of one flat colour (`width * height` bytes of memory here while encoding)."""
    return encode(Image.new(mode, (width, height), 128), "JPEG", quality=50, progressive=progressive)


def jpeg_claiming(width: int, height: int) -> bytes:
    data = bytearray(encode(Image.new("RGB", (16, 16), (90, 120, 150)), "JPEG"))
    sof = data.index(b"\xff\xc0")  # baseline start of frame: length, precision, height, width
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def webp_claiming(width: int, height: int) -> bytes:
    """A lossless WebP (VP8L) whose bitstream header holds the size: 14 bits each, at most 16384."""
    data = bytearray(encode(Image.new("RGB", (16, 16), (90, 120, 150)), "WEBP", lossless=True))
    at = data.index(b"VP8L") + 8 + 1  # chunk type, chunk size, then the 0x2f signature byte
    (bits,) = struct.unpack("<I", data[at : at + 4])
    bits = (bits & ~0x0FFFFFFF) | (width - 1) | ((height - 1) << 14)
    data[at : at + 4] = struct.pack("<I", bits)
    return bytes(data)


def heic_claiming(width: int, height: int) -> bytes:
    """An HEIC whose image spatial extents (`ispe`) claim the size; the HEVC body is 64 x 64."""
    data = bytearray(encode(Image.new("RGB", (64, 64), (90, 120, 150)), "HEIF", quality=50))
    at = data.index(b"ispe") + 4 + 4  # box type, then version and flags
    data[at : at + 8] = struct.pack(">II", width, height)
    return bytes(data)


def tiff_blank16(width: int, height: int) -> bytes:
    """A valid 16-bit greyscale, deflated TIFF (the issue's: 36 MP in 107 KB)."""
    return encode(
        Image.fromarray(np.zeros((height, width), np.uint16)), "TIFF", compression="tiff_adobe_deflate"
    )


def gif_claiming(width: int, height: int) -> bytes:
    data = bytearray(encode(Image.new("P", (16, 16), 0), "GIF"))
    data[6:10] = struct.pack("<HH", width, height)  # logical screen
    at = data.index(b"\x2c")  # image descriptor: left, top, width, height
    data[at + 5 : at + 9] = struct.pack("<HH", width, height)
    return bytes(data)


def bmp_claiming(width: int, height: int) -> bytes:
    data = bytearray(encode(Image.new("RGB", (16, 16), (90, 120, 150)), "BMP"))
    data[18:26] = struct.pack("<ii", width, height)  # BITMAPINFOHEADER width and height
    return bytes(data)


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    return data[: max(1, int(len(data) * keep))]
