"""The hosted page's multipart uploads, read as they stream in and kept under byte budgets.

The routes call this only after the link has been checked, so an unknown, closed or rate-limited
link costs no body at all; the raw body size is capped once more by `ops.middleware.RequestGuard`.
Nothing is spooled to disk: a part is kept in memory up to its budget, and the first byte over it
ends the request.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise

from python_multipart import MultipartParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header
from starlette.requests import ClientDisconnect, Request

from idscan.errors import PayloadTooLargeError, Problem, ValidationError

PART_HEADER_BYTES = 1024  # one header line of a part; a browser's are about 100 bytes
PART_HEADER_LINES = 4
TEXT_FIELD_BYTES = 32 * 1024  # a text field: `source`, or `timestamps` of up to 2000 frames
# What one part may add around its content: its header lines, the boundary and line ends.
PART_OVERHEAD = PART_HEADER_LINES * (PART_HEADER_BYTES + 2) + 512


def body_limit(max_file_bytes: int, max_parts: int) -> int:
    """The largest raw body a form of `max_parts` parts with `max_file_bytes` of files can have."""
    return max_file_bytes + TEXT_FIELD_BYTES + max_parts * PART_OVERHEAD


@dataclass(frozen=True, slots=True)
class FormSpec:
    """The fields a form may hold: file fields with their most parts, text fields, and budgets."""

    files: Mapping[str, int]
    texts: frozenset[str]
    max_file_bytes: int  # all file parts together
    too_large: str  # what the user reads when the files exceed it


@dataclass(slots=True)
class Form:
    files: dict[str, list[bytes]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)


def _invalid(path: str, message: str) -> ValidationError:
    return ValidationError([Problem(path, message)])


class _Reader:
    """python-multipart callbacks that keep each part within the spec."""

    def __init__(self, spec: FormSpec) -> None:
        self.spec = spec
        self.form = Form()
        self.file_bytes = 0
        self.finished = False
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._disposition: bytes | None = None
        self._name = ""
        self._is_file = False
        self._data = bytearray()

    def on_part_begin(self) -> None:
        self._disposition = None
        self._data = bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if bytes(self._header_field).lower() == b"content-disposition":
            self._disposition = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    def on_headers_finished(self) -> None:
        kind, options = parse_options_header(self._disposition)
        name = options.get(b"name")
        if kind != b"form-data" or name is None:
            raise _invalid("body", "Each part of the form needs a name.")
        self._name = name.decode("utf-8", "replace")
        self._is_file = b"filename" in options
        spec = self.spec
        if self._is_file and self._name in spec.files:
            if len(self.form.files.get(self._name, [])) >= spec.files[self._name]:
                raise _invalid(self._name, f"Send at most {spec.files[self._name]} files in {self._name}.")
        elif not self._is_file and self._name in spec.texts:
            if self._name in self.form.texts:
                raise _invalid(self._name, f"Send {self._name} once.")
        else:
            raise _invalid(self._name, f"Unexpected form field {self._name!r}.")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        size = end - start
        if self._is_file:
            self.file_bytes += size
            if self.file_bytes > self.spec.max_file_bytes:
                raise PayloadTooLargeError(self.spec.too_large)
        elif len(self._data) + size > TEXT_FIELD_BYTES:
            raise _invalid(self._name, f"{self._name} is too long.")
        self._data += data[start:end]

    def on_part_end(self) -> None:
        if self._is_file:
            self.form.files.setdefault(self._name, []).append(bytes(self._data))
            return
        try:
            self.form.texts[self._name] = self._data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _invalid(self._name, f"{self._name} is not UTF-8 text.") from exc

    def on_end(self) -> None:
        self.finished = True


async def read_form(request: Request, spec: FormSpec) -> Form:
    """Parse the multipart body of `request` as it arrives, refusing it at the first part or byte
    that breaks `spec` (413 for size, 422 for shape)."""
    _, params = parse_options_header(request.headers.get("content-type"))
    boundary = params.get(b"boundary")
    if not boundary:
        raise _invalid("body", "Send the form as multipart/form-data.")
    reader = _Reader(spec)
    callbacks = {name: getattr(reader, name) for name in dir(_Reader) if name.startswith("on_")}
    try:
        parser = MultipartParser(
            boundary,
            callbacks,  # type: ignore[arg-type]  # a TypedDict of these same callables
            max_header_count=PART_HEADER_LINES,
            max_header_size=PART_HEADER_BYTES,
        )
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except FormParserError as exc:
        raise _invalid("body", "The form could not be read.") from exc
    except ClientDisconnect as exc:
        raise _invalid("body", "The upload was interrupted.") from exc
    if not reader.finished:
        raise _invalid("body", "The upload ended before the form did.")
    return reader.form


MAX_CAPTURE_MS = 60 * 60 * 1000  # a capture lasts seconds; its plan expires long before an hour


def _no_float(text: str) -> int:
    raise ValueError(text)


def capture_times(text: str, frames: int) -> list[int]:
    """The liveness form's `timestamps`: a JSON list with one capture time per frame, in whole
    milliseconds from the start of the capture, never going backwards. Anything else (floats,
    Infinity, NaN, negative or huge values) is a 422 on `timestamps`."""
    message = "Send a JSON list of whole milliseconds, one per frame, never going backwards."
    try:
        values = json.loads(text, parse_float=_no_float, parse_constant=_no_float)
    except (ValueError, RecursionError) as exc:
        raise _invalid("timestamps", message) from exc
    if isinstance(values, list) and len(values) != frames:
        raise _invalid("timestamps", "Send one timestamp per frame.")
    if (
        not isinstance(values, list)
        or not all(type(v) is int and 0 <= v <= MAX_CAPTURE_MS for v in values)
        or any(b < a for a, b in pairwise(values))
    ):
        raise _invalid("timestamps", message)
    return values
