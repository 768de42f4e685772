"""Finding a transaction by document number through a keyed digest (`lib/blind_index.py`): the
pipeline remembers the digest of an accepted document's number; the console searches by it."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from idscan.lib import blind_index
from idscan.lib.aead import Keyring
from idscan.models import DocumentNumberDigest

PURPOSE = "document-number"


def remember(session: Session, keyring: Keyring, transaction_id: str, number: str) -> None:
    if not blind_index.normalise(number):
        return
    key_id, digest = blind_index.active_digest(keyring, PURPOSE, number)
    row = session.get(DocumentNumberDigest, transaction_id)
    if row is None:
        session.add(DocumentNumberDigest(transaction_id=transaction_id, key_id=key_id, digest=digest))
    else:
        row.key_id, row.digest = key_id, digest


def matching(keyring: Keyring, number: str) -> list[tuple[int, str]]:
    """(key ID, digest) pairs that a stored row of this number has, whichever key indexed it."""
    if not blind_index.normalise(number):
        return []
    return list(blind_index.digests(keyring, PURPOSE, number).items())


def find(session: Session, keyring: Keyring, number: str) -> list[str]:
    pairs = matching(keyring, number)
    if not pairs:
        return []
    query = select(DocumentNumberDigest.transaction_id).where(
        or_(
            *(
                (DocumentNumberDigest.key_id == key_id) & (DocumentNumberDigest.digest == digest)
                for key_id, digest in pairs
            )
        )
    )
    return list(session.scalars(query))
