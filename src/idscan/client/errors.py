"""Typed errors from the service's problem+json answers (API section 8)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    message: str


class IdScanError(Exception):
    """Any error answer of the service: its status, `code` and `detail`, and each problem by path."""

    def __init__(self, status: int, code: str, detail: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status, self.code, self.detail, self.problems = status, code, detail, problems


class UnauthorizedError(IdScanError):  # 401: the key ID, secret or clock is wrong
    pass


class NotFoundError(IdScanError):  # 404: absent, or another account's (or the other mode's)
    pass


class ConflictError(IdScanError):  # 409: e.g. the transaction is not completed yet
    pass


class GoneError(IdScanError):  # 410: erased or expired
    pass


class PayloadTooLargeError(IdScanError):  # 413
    pass


class ValidationFailedError(IdScanError):  # 422: `problems` lists every one by JSON path
    pass


class RateLimitedError(IdScanError):  # 429: wait `retry_after` seconds
    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        problems: tuple[Problem, ...] = (),
        *,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(status, code, detail, problems)
        self.retry_after = retry_after


class ServerError(IdScanError):  # 5xx
    pass


class WebhookSignatureError(Exception):
    """A delivery whose signature does not hold for the webhook's secret: do not trust it."""


_BY_STATUS: dict[int, type[IdScanError]] = {
    401: UnauthorizedError,
    404: NotFoundError,
    409: ConflictError,
    410: GoneError,
    413: PayloadTooLargeError,
    422: ValidationFailedError,
}


def from_response(status: int, body: Any, retry_after: str | None) -> IdScanError:
    """The typed error for an error answer (a problem+json body, or anything else)."""
    data = body if isinstance(body, dict) else {}
    code = str(data.get("code") or "error")
    detail = str(data.get("detail") or data.get("title") or f"HTTP {status}")
    problems = tuple(
        Problem(str(p.get("path", "")), str(p.get("message", "")))
        for p in data.get("errors") or ()
        if isinstance(p, dict)
    )
    if status == 429:
        wait = float(retry_after) if retry_after and retry_after.replace(".", "", 1).isdigit() else None
        return RateLimitedError(status, code, detail, problems, retry_after=wait)
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else IdScanError)
    return cls(status, code, detail, problems)
