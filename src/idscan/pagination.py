"""Keyset pagination, newest first: the one place that turns an opaque cursor into a filter."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute

from idscan.errors import Problem, ValidationError
from idscan.lib import cursor as cursors

S = TypeVar("S", bound=Select[*tuple[Any, ...]])
CURSOR_PATTERN = cursors.PATTERN  # routes publish it on their `cursor` parameter


def newest_first(
    query: S,
    created: InstrumentedAttribute[datetime],
    key: InstrumentedAttribute[str],
    *,
    cursor: str | None,
    limit: int,
) -> S:
    """Order by (created, key) descending, start after `cursor`, and fetch one extra row so the
    caller knows whether another page follows."""
    query = query.order_by(created.desc(), key.desc()).limit(limit + 1)
    if cursor:
        try:
            after_ts, after_id = cursors.decode(cursor)
        except cursors.InvalidCursorError as exc:
            raise ValidationError([Problem("cursor", "Invalid cursor.")]) from exc
        query = query.where(or_(created < after_ts, and_(created == after_ts, key < after_id)))
    return query


def next_cursor(created: datetime, key: str, *, more: bool) -> str | None:
    return cursors.encode(created, key) if more else None
