"""ONNX protobuf bytes written by hand, for the readers of `idscan.lib.onnx_wire`."""

from __future__ import annotations

import struct


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def field(tag: int, payload: bytes) -> bytes:
    return varint(tag << 3 | 2) + varint(len(payload)) + payload


def number(tag: int, value: int) -> bytes:
    return varint(tag << 3) + varint(value)


def tensor(
    name: str, data_type: int, raw: bytes, dims: tuple[int, ...] | None = None, *, packed: bool = False
) -> bytes:
    """A TensorProto: dims (1, repeated varint, one field each or packed), data_type (2), name (8),
    raw_data (9). Without dims, one dimension of whole 4-byte values."""
    shape = dims if dims is not None else (len(raw) // 4,)
    if packed:
        shape_bytes = field(1, b"".join(varint(d) for d in shape))
    else:
        shape_bytes = b"".join(number(1, d) for d in shape)
    return shape_bytes + number(2, data_type) + field(8, name.encode()) + field(9, raw)


def model(*tensors: bytes) -> bytes:
    # ModelProto: ir_version (1), producer_name (2), a fixed32 field to skip, graph (7)
    graph = field(2, b"g") + b"".join(field(5, t) for t in tensors)
    return number(1, 8) + field(2, b"test") + struct.pack("<BI", 13 << 3 | 5, 7) + field(7, graph)
