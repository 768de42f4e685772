"""Console users: created with a one-time setup link, who then choose a password (argon2id) and
enrol a TOTP second factor (required for admins). Services take the session first, never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from idscan.console import passwords, totp
from idscan.errors import AuthenticationError, ConflictError, NotFoundError, Problem, ValidationError
from idscan.lib.aead import Keyring
from idscan.lib.clock import utcnow
from idscan.lib.ids import capability_token, is_token_shaped, new_uuid, token_digest
from idscan.models import ConsoleSession, ConsoleUser

SETUP_HOURS = 72


class Role(StrEnum):
    VIEWER = "viewer"  # reads; never loads an image
    REVIEWER = "reviewer"  # also images and notes
    ADMIN = "admin"  # also erase, webhooks, credentials, users, the audit log

    def at_least(self, other: Role) -> bool:
        order = (Role.VIEWER, Role.REVIEWER, Role.ADMIN)
        return order.index(self) >= order.index(other)


@dataclass(frozen=True, slots=True)
class NewUser:
    user: ConsoleUser
    setup_token: str


def normal_email(email: str) -> str:
    return email.strip().lower()


def _check_email(email: str) -> str:
    email = normal_email(email)
    local, sep, domain = email.partition("@")
    if not sep or not local or "." not in domain or len(email) > 254 or any(c.isspace() for c in email):
        raise ValidationError([Problem("email", "Not an email address.")])
    return email


def _new_setup(user: ConsoleUser) -> str:
    token = capability_token()
    user.setup_hash = token_digest(token)
    user.setup_expires_at = utcnow() + timedelta(hours=SETUP_HOURS)
    return token


def create(session: Session, email: str, role: Role) -> NewUser:
    email = _check_email(email)
    if session.scalars(select(ConsoleUser.id).where(ConsoleUser.email == email)).first() is not None:
        raise ConflictError(f"A console user {email} exists already.")
    user = ConsoleUser(id=new_uuid(), email=email, role=role.value, created_at=utcnow())
    token = _new_setup(user)
    session.add(user)
    session.flush()
    return NewUser(user, token)


def reset(session: Session, user_id: str) -> NewUser:
    """A new setup link: the password and second factor go, and so do the user's sessions."""
    user = get(session, user_id)
    user.password_hash, user.totp_sealed, user.totp_last_step = None, None, None
    end_sessions(session, user.id)
    return NewUser(user, _new_setup(user))


def get(session: Session, user_id: str) -> ConsoleUser:
    user = session.get(ConsoleUser, user_id)
    if user is None:
        raise NotFoundError("No such console user.")
    return user


def by_email(session: Session, email: str) -> ConsoleUser | None:
    return session.scalars(select(ConsoleUser).where(ConsoleUser.email == normal_email(email))).first()


def list_all(session: Session) -> list[ConsoleUser]:
    return list(session.scalars(select(ConsoleUser).order_by(ConsoleUser.email)))


def by_setup_token(session: Session, token: str) -> ConsoleUser:
    user = None
    if is_token_shaped(token):
        user = session.scalars(
            select(ConsoleUser).where(ConsoleUser.setup_hash == token_digest(token))
        ).first()
    if user is None or user.setup_expires_at is None or user.setup_expires_at <= utcnow() or user.disabled_at:
        raise NotFoundError("This setup link is not valid (used, expired, or never issued).")
    return user


def _totp_aad(user_id: str) -> bytes:
    return f"console-totp:{user_id}".encode()


def complete_setup(
    session: Session, keyring: Keyring, token: str, password: str, totp_secret: str, code: str
) -> ConsoleUser:
    """Set the password and, when a code for the offered secret is given (always for an admin),
    the second factor. The link is then spent."""
    user = by_setup_token(session, token)
    problems = []
    if not passwords.acceptable(password):
        problems.append(Problem("password", f"Use at least {passwords.MIN_LENGTH} characters."))
    step = None
    if code.strip() or user.role == Role.ADMIN:
        step = totp.matching_step(totp_secret, code)
        if step is None:
            problems.append(Problem("code", "The code does not match. Scan the QR code again."))
    if problems:
        raise ValidationError(problems)
    user.password_hash = passwords.hash_password(password)
    if step is not None:
        user.totp_sealed = keyring.seal(totp_secret.encode(), aad=_totp_aad(user.id))
        user.totp_last_step = step
    user.setup_hash, user.setup_expires_at = None, None
    return user


def has_second_factor(user: ConsoleUser) -> bool:
    return user.totp_sealed is not None


def authenticate(session: Session, keyring: Keyring, email: str, password: str, code: str) -> ConsoleUser:
    """The user for this email, password and (when enrolled, always for admins) TOTP code. Every
    failure answers the same, so the form tells nobody which part was wrong."""
    user = by_email(session, email)
    ok = passwords.verify(user.password_hash if user else None, password)
    if user is None or not ok or user.disabled_at is not None:
        raise AuthenticationError("Wrong email, password or code.")
    if user.role == Role.ADMIN and user.totp_sealed is None:
        raise AuthenticationError("Wrong email, password or code.")
    if user.totp_sealed is not None:
        secret = keyring.open(user.totp_sealed, aad=_totp_aad(user.id)).decode()
        step = totp.matching_step(secret, code, after=user.totp_last_step)
        if step is None:
            raise AuthenticationError("Wrong email, password or code.")
        user.totp_last_step = step
    assert user.password_hash is not None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    return user


def set_role(session: Session, user_id: str, role: Role) -> ConsoleUser:
    user = get(session, user_id)
    user.role = role.value
    end_sessions(session, user.id)
    return user


def disable(session: Session, user_id: str) -> ConsoleUser:
    user = get(session, user_id)
    if user.disabled_at is None:
        user.disabled_at = utcnow()
    end_sessions(session, user.id)
    return user


def end_sessions(session: Session, user_id: str) -> None:
    for row in session.scalars(select(ConsoleSession).where(ConsoleSession.user_id == user_id)):
        session.delete(row)
