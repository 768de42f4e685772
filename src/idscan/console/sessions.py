"""Console sessions: a random token in a signed, HttpOnly, SameSite=Strict cookie; the database
keeps its digest, when it started (absolute expiry) and when it was last used (idle expiry). The
CSRF token of every form is an HMAC of the session token: nothing more to store."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, Signer
from sqlalchemy.orm import Session

from idscan.lib import blind_index
from idscan.lib.aead import Keyring
from idscan.lib.clock import utcnow
from idscan.lib.ids import capability_token, is_token_shaped, token_digest
from idscan.models import ConsoleSession, ConsoleUser

COOKIE = "idscan_console"
# Last-seen is written at most this often: a page view is not a write.
TOUCH_SECONDS = 60


@dataclass(frozen=True, slots=True)
class Lifetimes:
    idle: timedelta
    absolute: timedelta


@dataclass(frozen=True, slots=True)
class Signed:
    """The cookie's signing and CSRF keys, derived from the active master key."""

    signer: Signer
    csrf_key: bytes

    @classmethod
    def from_keyring(cls, keyring: Keyring) -> Signed:
        master = keyring.keys[keyring.active_id]
        return cls(
            Signer(blind_index.derive(master, "console-session"), salt="idscan-console"),
            blind_index.derive(master, "console-csrf"),
        )

    def cookie(self, token: str) -> str:
        return self.signer.sign(token).decode()

    def token(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            token = self.signer.unsign(cookie).decode()
        except BadSignature:
            return None
        return token if is_token_shaped(token) else None

    def csrf(self, token: str) -> str:
        return hmac.new(self.csrf_key, token.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, token: str, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(self.csrf(token), given or "")


def start(session: Session, user: ConsoleUser) -> str:
    token = capability_token()
    now = utcnow()
    session.add(
        ConsoleSession(token_hash=token_digest(token), user_id=user.id, created_at=now, last_seen_at=now)
    )
    session.flush()
    return token


def resolve(session: Session, token: str, life: Lifetimes, now: datetime | None = None) -> ConsoleUser | None:
    """The signed-in user, or None when the session is unknown, idle too long, too old, or the user
    is disabled (an expired session is deleted)."""
    now = now or utcnow()
    row = session.get(ConsoleSession, token_digest(token))
    if row is None:
        return None
    if now - row.last_seen_at > life.idle or now - row.created_at > life.absolute:
        session.delete(row)
        return None
    user = session.get(ConsoleUser, row.user_id)
    if user is None or user.disabled_at is not None:
        return None
    if (now - row.last_seen_at).total_seconds() > TOUCH_SECONDS:
        row.last_seen_at = now
    return user


def end(session: Session, token: str) -> None:
    row = session.get(ConsoleSession, token_digest(token))
    if row is not None:
        session.delete(row)
