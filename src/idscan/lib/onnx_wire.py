"""Just enough of ONNX's protobuf wire format to find a model's float32 weights, without the `onnx`
package: the fields of ModelProto -> GraphProto -> TensorProto that hold an initializer's name, shape
and raw bytes. Hostile or truncated bytes raise `ModelFormatError` rather than read out of bounds."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from idscan.errors import ConfigurationError

FLOAT = 1  # TensorProto.DataType.FLOAT
# field numbers: ModelProto.graph, GraphProto.initializer, TensorProto.dims / data_type / name / raw_data
GRAPH, INITIALIZER, DIMS, DATA_TYPE, NAME, RAW_DATA = 7, 5, 1, 2, 8, 9
Buffer = bytes | bytearray


class ModelFormatError(ConfigurationError):
    """The bytes are not a protobuf message of the expected shape: refuse to run."""

    default_detail = "A model file is not a valid ONNX model."


def initializers(buffer: Buffer) -> Iterator[tuple[int, int]]:
    """The byte spans of every initializer (a TensorProto) of the model's graph."""
    for g_start, g_end in fields(buffer, 0, len(buffer), GRAPH):
        yield from fields(buffer, g_start, g_end, INITIALIZER)


def float_initializer(model: Buffer, name: str) -> npt.NDArray[np.float32]:
    """A copy of the float32 initializer called `name`, in its shape."""
    wanted = name.encode()
    for start, end in initializers(model):
        names = [model[a:b] for number, wire, a, b in walk(model, start, end) if wire == 2 and number == NAME]
        if names != [wanted]:
            continue
        if data_type(model, start, end) != FLOAT:
            raise ModelFormatError(f"{name} is not float32")
        raw = fields(model, start, end, RAW_DATA)
        shape = dims(model, start, end)
        if len(raw) != 1 or raw[0][1] - raw[0][0] != 4 * math.prod(shape):
            raise ModelFormatError(f"{name}: raw_data does not match its shape {shape}")
        count = (raw[0][1] - raw[0][0]) // 4
        return np.frombuffer(model, "<f4", count=count, offset=raw[0][0]).astype(np.float32).reshape(shape)
    raise ModelFormatError(f"the model has no initializer {name}")


def dims(buffer: Buffer, start: int, end: int) -> tuple[int, ...]:
    """A TensorProto's shape: `dims` is a repeated int64, packed or not."""
    out: list[int] = []
    for number, wire, a, b in walk(buffer, start, end):
        if number != DIMS:
            continue
        if wire == 0:
            out.append(a)
            continue
        pos = a
        while pos < b:
            value, pos = varint(buffer, pos, b)
            out.append(value)
    return tuple(out)


def data_type(buffer: Buffer, start: int, end: int) -> int | None:
    varints = (a for number, wire, a, _ in walk(buffer, start, end) if wire == 0 and number == DATA_TYPE)
    return next(varints, None)


def varint(buffer: Buffer, pos: int, end: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        if pos >= end or shift > 63:
            raise ModelFormatError("truncated or overlong varint")
        byte = buffer[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def walk(buffer: Buffer, start: int, end: int) -> Iterator[tuple[int, int, int, int]]:
    """The fields of the message in buffer[start:end]: (number, wire type, a, b), where a is the
    value of a varint and (a, b) the span of a length-delimited field's bytes."""
    pos = start
    while pos < end:
        key, pos = varint(buffer, pos, end)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = varint(buffer, pos, end)
            yield number, wire, value, value
        elif wire == 2:
            length, pos = varint(buffer, pos, end)
            if pos + length > end:
                raise ModelFormatError("field runs past its message")
            yield number, wire, pos, pos + length
            pos += length
        elif wire in (1, 5):  # fixed 64 / 32 bits
            pos += 8 if wire == 1 else 4
        else:
            raise ModelFormatError(f"unsupported wire type {wire}")
    if pos != end:
        raise ModelFormatError("field runs past its message")


def fields(buffer: Buffer, start: int, end: int, wanted: int) -> list[tuple[int, int]]:
    """The byte spans of the length-delimited fields numbered `wanted`."""
    return [(a, b) for number, wire, a, b in walk(buffer, start, end) if wire == 2 and number == wanted]
