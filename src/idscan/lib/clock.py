"""Time in one place, so tests can pin it and every timestamp is UTC with an offset."""

from __future__ import annotations

from datetime import UTC, datetime


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
