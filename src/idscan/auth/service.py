"""Accounts and credentials: create, list, revoke, resolve a key ID to its secret."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from idscan.errors import NotFoundError
from idscan.lib.aead import Keyring
from idscan.lib.clock import utcnow
from idscan.lib.ids import new_secret, new_uuid
from idscan.models import Account, Credential

LIVE, TEST = "live", "test"


@dataclass(frozen=True, slots=True)
class NewCredential:
    account_id: str
    account_name: str
    kid: str
    secret: str
    mode: str


@dataclass(frozen=True, slots=True)
class CredentialInfo:
    kid: str
    account_name: str
    mode: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class ResolvedCredential:
    account_id: str
    secret: bytes
    mode: str


def get_or_create_account(session: Session, name: str, mode: str = LIVE) -> Account:
    """The account of that name in that world (live or test), created if new."""
    query = select(Account).where(Account.name == name, Account.mode == mode)
    account = session.scalars(query).one_or_none()
    if account is None:
        account = Account(id=new_uuid(), name=name, mode=mode, created_at=utcnow())
        session.add(account)
        session.flush()
    return account


def create_credential(
    session: Session, keyring: Keyring, account_name: str, *, test: bool = False
) -> NewCredential:
    """A key of the account's live world, or of its test world (`test`): a separate account row."""
    account = get_or_create_account(session, account_name, TEST if test else LIVE)
    kid, secret = new_uuid(), new_secret()
    session.add(
        Credential(
            kid=kid,
            account_id=account.id,
            secret_sealed=keyring.seal(secret.encode(), aad=_aad(kid)),
            created_at=utcnow(),
        )
    )
    session.flush()
    return NewCredential(
        account_id=account.id, account_name=account.name, kid=kid, secret=secret, mode=account.mode
    )


def list_credentials(session: Session, account_name: str | None = None) -> list[CredentialInfo]:
    query = (
        select(Credential, Account.name, Account.mode)
        .join(Account)
        .order_by(Account.name, Account.mode, Credential.created_at)
    )
    if account_name is not None:
        query = query.where(Account.name == account_name)
    return [
        CredentialInfo(
            kid=c.kid, account_name=name, mode=mode, created_at=c.created_at, revoked_at=c.revoked_at
        )
        for c, name, mode in session.execute(query)
    ]


def revoke_credential(session: Session, kid: str) -> None:
    credential = session.get(Credential, kid)
    if credential is None:
        raise NotFoundError(f"No credential with key ID {kid}.")
    if credential.revoked_at is None:
        credential.revoked_at = utcnow()


def resolve(session: Session, keyring: Keyring, kid: str) -> ResolvedCredential | None:
    """The account and secret of an active credential; None when unknown or revoked."""
    credential = session.get(Credential, kid)
    if credential is None or credential.revoked_at is not None:
        return None
    secret = keyring.open(credential.secret_sealed, aad=_aad(kid))
    mode = session.scalars(select(Account.mode).where(Account.id == credential.account_id)).one()
    return ResolvedCredential(account_id=credential.account_id, secret=secret, mode=mode)


def _aad(kid: str) -> bytes:
    return f"credential:{kid}".encode()
