"""Time in one place, so tests can pin it and every timestamp is UTC with an offset."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_RFC3339 = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt]([0-9]{2}:[0-9]{2}:[0-9]{2})(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(ts: datetime | None) -> str | None:
    """ISO 8601, whole seconds, explicit +00:00 offset (the wire format of the spec)."""
    if ts is None:
        return None
    if ts.tzinfo is None:
        # SQLite hands back naive datetimes; everything we store is UTC.
        ts = ts.replace(tzinfo=UTC)
    return ts.astimezone(UTC).replace(microsecond=0).isoformat()


def as_utc(ts: datetime) -> datetime:
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def parse_rfc3339(text: str) -> datetime:
    """An RFC 3339 date-time (OpenAPI's `format: date-time`: seconds and an offset required) as UTC.
    ValueError for anything else; an instant beyond datetime's range in UTC is clamped to it."""
    match = _RFC3339.fullmatch(text)
    if match is None:
        raise ValueError("Use an RFC 3339 date-time, such as 2026-01-02T13:00:00Z.")
    date, time, fraction, offset = match.groups()
    offset = "+00:00" if offset in ("Z", "z") else offset
    parsed = datetime.fromisoformat(f"{date}T{time}{(fraction or '')[:7]}{offset}")
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        return (datetime.min if parsed.year == 1 else datetime.max).replace(tzinfo=UTC)
