"""Branding use cases: read, replace and clear an account's branding, and the look it gives.
Functions take the session first and never commit."""

from __future__ import annotations

import base64
import binascii
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from idscan.branding import colours, logo
from idscan.branding.look import DEFAULT_PRIMARY, DEFAULT_TEXT, NEUTRAL, Look
from idscan.branding.schemas import LOGO_PATTERN, BrandingIn, BrandingOut
from idscan.errors import NotFoundError, Problem, ValidationError
from idscan.lib.clock import iso, utcnow
from idscan.models import Account, Branding

_LOGO = re.compile(LOGO_PATTERN)


def account_named(session: Session, name: str, mode: str = "live") -> str:
    """The ID of the account called `name` in that world (for the command line)."""
    query = select(Account.id).where(Account.name == name, Account.mode == mode)
    account_id = session.scalars(query).one_or_none()
    if account_id is None:
        raise NotFoundError(f"No account named {name!r}.")
    return account_id


def _decode_logo(value: str) -> logo.Logo:
    match = _LOGO.fullmatch(value)
    if match is None:
        raise ValidationError([Problem("logo", "The logo must be a data URI: data:image/png;base64,…")])
    try:
        data = base64.b64decode(value[value.index(",") + 1 :], validate=True)
    except binascii.Error as exc:
        raise ValidationError([Problem("logo", "The logo's base64 is invalid.")]) from exc
    return logo.clean(data, f"image/{match.group(1)}")


def check_contrast(primary: str, text: str) -> None:
    """Refuse a pair the end user cannot read: WCAG 2.2 AA for normal text (4.5:1)."""
    ratio = colours.contrast(primary, text)
    if ratio < colours.AA_TEXT:
        raise ValidationError(
            [
                Problem(
                    "textColor",
                    f"Text colour {text} on primary colour {primary} has a contrast of {ratio:.2f}:1; "
                    f"WCAG AA needs at least {colours.AA_TEXT}:1.",
                )
            ]
        )


def put(session: Session, account_id: str, body: BrandingIn) -> Branding:
    """Replace the branding of an account (validated whole before anything changes)."""
    primary = colours.normalise(body.primary_color) if body.primary_color else None
    text = colours.normalise(body.text_color) if body.text_color else None
    check_contrast(primary or DEFAULT_PRIMARY, text or DEFAULT_TEXT)
    cleaned = _decode_logo(body.logo) if body.logo is not None else None
    row = session.get(Branding, account_id)
    if row is None:
        row = Branding(account_id=account_id, updated_at=utcnow())
        session.add(row)
    row.display_name = body.display_name
    row.primary_color = primary
    row.text_color = text
    row.support_url = body.support_url
    row.logo = cleaned.data if cleaned else None
    row.logo_type = cleaned.media_type if cleaned else None
    row.updated_at = utcnow()
    return row


def clear(session: Session, account_id: str) -> None:
    row = session.get(Branding, account_id)
    if row is not None:
        session.delete(row)
        session.flush()  # so that a read in the same unit of work sees the default


def get(session: Session, account_id: str) -> Branding | None:
    return session.get(Branding, account_id)


def _look(row: Branding | None) -> Look:
    if row is None:
        return NEUTRAL
    stored = logo.Logo(row.logo_type, row.logo) if row.logo is not None and row.logo_type else None
    return Look(
        primary=row.primary_color or DEFAULT_PRIMARY,
        on_primary=row.text_color or DEFAULT_TEXT,
        display_name=row.display_name,
        support_url=row.support_url,
        logo=stored,
    )


def look_of(session: Session, account_id: str) -> Look:
    """What the pages and the report of this account look like."""
    return _look(session.get(Branding, account_id))


def to_out(row: Branding | None) -> BrandingOut:
    look = _look(row)
    return BrandingOut(
        display_name=row.display_name if row else None,
        primary_color=row.primary_color if row else None,
        text_color=row.text_color if row else None,
        support_url=row.support_url if row else None,
        logo=look.logo_data_uri(),
        updated_at=iso(row.updated_at) if row else None,
    )
