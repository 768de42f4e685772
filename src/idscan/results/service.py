"""Results and downloads: stored sealed, answered only to the owning account."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from idscan.documents.codes import AttemptCode
from idscan.errors import GoneError, NotFoundError, TransactionNotCompletedError
from idscan.lib.aead import Keyring
from idscan.lib.clock import utcnow
from idscan.lib.ids import capability_token, is_token_shaped, new_uuid, token_digest
from idscan.models import DocumentScan, Download, LivenessSession, Result, Transaction
from idscan.storage.blobstore import BlobNotFoundError, BlobStore

DOWNLOAD_PATH = "/id-scan/v1/downloads/"


def _aad(result_id: str) -> bytes:
    return f"result:{result_id}".encode()


def store(session: Session, keyring: Keyring, transaction: Transaction, body: dict[str, Any]) -> str:
    """Seal and keep the result body; the caller completes the transaction in the same unit."""
    result_id = new_uuid()
    sealed = keyring.seal(json.dumps(body, separators=(",", ":")).encode(), aad=_aad(result_id))
    session.add(Result(id=result_id, transaction_id=transaction.id, created_at=utcnow(), body_sealed=sealed))
    transaction.result_id = result_id
    return result_id


def read(
    session: Session, keyring: Keyring, account_id: str, transaction_id: str, result_id: str
) -> dict[str, Any]:
    transaction = session.get(Transaction, transaction_id)
    if transaction is None or transaction.account_id != account_id:
        raise NotFoundError("Transaction not found.")
    if transaction.state != "completed":
        raise TransactionNotCompletedError()
    if transaction.result_id != result_id:
        raise NotFoundError("Result not found.")
    if transaction.erased_at is not None:
        raise GoneError("The result has been erased.")
    result = session.get(Result, result_id)
    if result is None:
        raise GoneError("The result has been erased.")
    body: dict[str, Any] = json.loads(keyring.open(result.body_sealed, aad=_aad(result_id)))
    return body


def new_download(
    session: Session, transaction: Transaction, blob_key: str, media_type: str, kind: str, api_base_url: str
) -> str:
    """A download URL for one stored file (the token is the only handle on it; the database keeps
    its digest). Whoever keeps the URL keeps it sealed (`seal_url`) or inside a sealed result."""
    token = capability_token()
    session.add(
        Download(
            token_hash=token_digest(token),
            transaction_id=transaction.id,
            account_id=transaction.account_id,
            blob_key=blob_key,
            media_type=media_type,
            kind=kind,
            created_at=utcnow(),
        )
    )
    return f"{api_base_url}{DOWNLOAD_PATH}{token}"


def _url_aad(blob_key: str) -> bytes:
    return f"download-url:{blob_key}".encode()


def seal_url(keyring: Keyring, blob_key: str, url: str) -> str:
    """A download URL as kept in a `files` entry (JSON): sealed, base64, bound to the file's key."""
    return base64.b64encode(keyring.seal(url.encode(), aad=_url_aad(blob_key))).decode()


def is_served(item: Mapping[str, Any]) -> bool:
    """Whether a `files` entry has a download (derived files do; the raw upload never)."""
    return "url_sealed" in item


def file_url(keyring: Keyring, item: Mapping[str, Any]) -> str | None:
    """The download URL of a `files` entry, or None for a file that is not served."""
    if not is_served(item):
        return None
    return keyring.open(base64.b64decode(item["url_sealed"]), aad=_url_aad(str(item["key"]))).decode()


@dataclass(frozen=True, slots=True)
class DownloadedFile:
    data: bytes
    media_type: str


def fetch(session: Session, blobs: BlobStore, account_id: str, token: str) -> DownloadedFile:
    download = session.get(Download, token_digest(token)) if is_token_shaped(token) else None
    if download is None or download.account_id != account_id:
        raise NotFoundError("Download not found.")
    transaction = session.get(Transaction, download.transaction_id)
    if transaction is None or transaction.erased_at is not None:
        raise GoneError("The file has been erased.")
    try:
        return DownloadedFile(blobs.get(download.blob_key), download.media_type)
    except BlobNotFoundError as exc:
        raise GoneError("The file is no longer available.") from exc


def accepted_document_files(session: Session, transaction_id: str) -> list[dict[str, Any]]:
    """The files of the latest accepted document attempt: redacted sides and the portrait."""
    files = session.scalars(
        select(DocumentScan.files)
        .where(DocumentScan.transaction_id == transaction_id, DocumentScan.code == AttemptCode.ACCEPTED)
        .order_by(DocumentScan.created_at.desc())
    ).first()
    return list(files or [])


def selfie_files(session: Session, transaction_id: str) -> list[dict[str, Any]]:
    """The selfie of the latest passed liveness check."""
    files = session.scalars(
        select(LivenessSession.files)
        .where(LivenessSession.transaction_id == transaction_id, LivenessSession.passed.is_(True))
        .order_by(LivenessSession.created_at.desc())
    ).first()
    return list(files or [])
