"""The one domain error tree. No HTTP here: `http_errors.py` maps each class to a status.

IdscanError
├── ConfigurationError          settings that cannot work (raised at start)
├── AuthenticationError         bad, expired or unknown credentials / token
├── ForbiddenError              signed in, but the role does not allow it (console), or no CSRF token
├── NotFoundError               absent, or owned by another account (same answer on purpose)
├── GoneError                   existed, but expired or erased
├── ConflictError
│   └── TransactionNotCompletedError
├── ValidationError             carries every problem as (path, message)
├── PayloadTooLargeError
├── UnsupportedMediaTypeError
│   └── UnsupportedImageError   not an image, not one allowed for its purpose, or unreadable
│       └── ImageTooLargeError  more pixels than its purpose allows, judged from the header
├── RateLimitedError            carries retry_after seconds
├── OutboundRequestRefusedError a webhook URL is invalid or its target is a forbidden address
├── StorageError                blob missing or unreadable
│   └── IntegrityError          decryption failed: tampered or wrong key
└── ServiceUnavailableError     a dependency (database, storage, TSA) is not reachable
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class IdscanError(Exception):
    """Base of every error the service raises on purpose."""

    default_detail = "Error."

    def __init__(self, detail: str | None = None) -> None:
        self.detail = detail or self.default_detail
        super().__init__(self.detail)


class ConfigurationError(IdscanError):
    default_detail = "Invalid configuration."


class AuthenticationError(IdscanError):
    default_detail = "Invalid token."


class ForbiddenError(IdscanError):
    default_detail = "Not allowed."


class NotFoundError(IdscanError):
    default_detail = "Not found."


class GoneError(IdscanError):
    default_detail = "The data is no longer available."


class ConflictError(IdscanError):
    default_detail = "Conflict."


class TransactionNotCompletedError(ConflictError):
    default_detail = "The transaction is not completed."


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation problem: a JSON path (dotted, with [i] for list items) and a message."""

    path: str
    message: str


class ValidationError(IdscanError):
    default_detail = "The request is invalid."

    def __init__(self, problems: Sequence[Problem], detail: str | None = None) -> None:
        self.problems = list(problems)
        super().__init__(detail or (self.problems[0].message if len(self.problems) == 1 else None))


class PayloadTooLargeError(IdscanError):
    default_detail = "The request body is too large."


class UnsupportedMediaTypeError(IdscanError):
    default_detail = "Unsupported media type."


class UnsupportedImageError(UnsupportedMediaTypeError):
    """An image we will not decode; `reason` is a short machine-readable word (empty, unknown_format,
    corrupt, truncated, decompression_bomb, too_large)."""

    default_detail = "The file is not an image we can read."

    def __init__(self, reason: str, detail: str | None = None) -> None:
        self.reason = reason
        super().__init__(detail)


class ImageTooLargeError(UnsupportedImageError):
    default_detail = "The image has too many pixels."


class RateLimitedError(IdscanError):
    default_detail = "Too many requests."

    def __init__(self, retry_after: int, detail: str | None = None) -> None:
        self.retry_after = max(1, retry_after)
        super().__init__(detail)


class OutboundRequestRefusedError(IdscanError):
    default_detail = "The target address is not allowed."

    def __init__(self, detail: str | None = None, *, reason: str = "private_target") -> None:
        super().__init__(detail)
        self.reason = reason  # private_target | invalid_url


class StorageError(IdscanError):
    default_detail = "Stored object is not available."


class IntegrityError(StorageError):
    default_detail = "Stored object failed its integrity check."


class ServiceUnavailableError(IdscanError):
    default_detail = "A dependency is not available."
