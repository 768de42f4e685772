"""Opaque keyset cursors: (timestamp, id) of the last item of a page, newest first.

Written as `<microseconds since the epoch>.<id>`, so that the OpenAPI document can state its form
as a pattern, and every string of that form is a cursor the list accepts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

# 17 digits reach the year 5138: every cursor of this form is a valid datetime.
PATTERN = r"^[0-9]{1,17}\.[A-Za-z0-9_-]{1,64}$"
_FORM = re.compile(PATTERN)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class InvalidCursorError(ValueError):
    pass


def encode(created_at: datetime, item_id: str) -> str:
    micros = (created_at - _EPOCH) // timedelta(microseconds=1)
    cursor = f"{micros}.{item_id}"
    if not _FORM.fullmatch(cursor):
        raise ValueError(f"no cursor for {created_at!r}, {item_id!r}")
    return cursor


def decode(cursor: str) -> tuple[datetime, str]:
    if not _FORM.fullmatch(cursor):
        raise InvalidCursorError("Invalid cursor.")
    micros, item_id = cursor.split(".", 1)
    return _EPOCH + timedelta(microseconds=int(micros)), item_id
