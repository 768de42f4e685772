"""The append-only audit log of console actions: who, what, when, from where. Nothing here updates
or deletes an entry (and the database refuses an UPDATE)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from idscan import pagination
from idscan.lib.clock import iso, utcnow
from idscan.lib.ids import new_uuid
from idscan.models import AuditEntry


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, and from where (the client address as the server saw it)."""

    user_id: str | None
    email: str
    ip: str | None


def record(
    session: Session, actor: Actor, action: str, target: str | None = None, **detail: Any
) -> AuditEntry:
    entry = AuditEntry(
        id=new_uuid(),
        at=utcnow(),
        user_id=actor.user_id,
        actor=actor.email,
        action=action,
        target=target,
        ip=actor.ip,
        detail=detail,
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True, slots=True)
class AuditPage:
    items: list[AuditEntry]
    next_cursor: str | None


def page(session: Session, *, action: str | None = None, cursor: str | None, limit: int = 50) -> AuditPage:
    query = select(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
    rows = list(
        session.scalars(
            pagination.newest_first(query, AuditEntry.at, AuditEntry.id, cursor=cursor, limit=limit)
        )
    )
    items = rows[:limit]
    more = len(rows) > limit
    return AuditPage(items, pagination.next_cursor(items[-1].at, items[-1].id, more=more) if items else None)


CSV_COLUMNS = ("at", "actor", "user_id", "action", "target", "ip", "detail")


def _safe(cell: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: defuse them."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def csv_lines(session: Session) -> Iterator[str]:
    """The whole log, oldest first, as CSV text in chunks."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    query = select(AuditEntry).order_by(AuditEntry.at, AuditEntry.id).execution_options(yield_per=500)
    for entry in session.scalars(query):
        writer.writerow(
            [
                _safe(str(v))
                for v in (
                    iso(entry.at),
                    entry.actor,
                    entry.user_id or "",
                    entry.action,
                    entry.target or "",
                    entry.ip or "",
                    json.dumps(entry.detail, sort_keys=True, separators=(",", ":")),
                )
            ]
        )
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()
