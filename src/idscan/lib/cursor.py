"""Opaque keyset cursors: (timestamp, id) of the last item of a page, newest first."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime


class InvalidCursorError(ValueError):
    pass


def encode(created_at: datetime, item_id: str) -> str:
    raw = json.dumps([created_at.isoformat(), item_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, item_id = json.loads(raw)
        when = datetime.fromisoformat(stamp)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise InvalidCursorError("Invalid cursor.") from exc
    if not isinstance(item_id, str) or when.tzinfo is None:
        raise InvalidCursorError("Invalid cursor.")
    return when, item_id
