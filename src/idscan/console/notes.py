"""Reviewer notes on a transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from idscan.errors import Problem, ValidationError
from idscan.lib.clock import utcnow
from idscan.lib.ids import new_uuid
from idscan.models import ReviewerNote

MAX_LENGTH = 4000


def add(session: Session, transaction_id: str, author: str, body: str) -> ReviewerNote:
    text = body.strip()
    if not text or len(text) > MAX_LENGTH:
        raise ValidationError([Problem("body", f"Write between 1 and {MAX_LENGTH} characters.")])
    note = ReviewerNote(
        id=new_uuid(), transaction_id=transaction_id, author=author, body=text, created_at=utcnow()
    )
    session.add(note)
    session.flush()
    return note
