"""The one table from error class to HTTP status, and problem+json rendering (RFC 9457)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match

from idscan import errors

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

# Most specific first: the first matching class wins.
ERROR_TABLE: tuple[tuple[type[errors.IdscanError], int, str], ...] = (
    (errors.AuthenticationError, 401, "unauthorized"),
    (errors.ForbiddenError, 403, "forbidden"),
    (errors.NotFoundError, 404, "not_found"),
    (errors.GoneError, 410, "gone"),
    (errors.TransactionNotCompletedError, 409, "transaction_not_completed"),
    (errors.ConflictError, 409, "conflict"),
    (errors.ValidationError, 422, "validation_failed"),
    (errors.PayloadTooLargeError, 413, "payload_too_large"),
    (errors.ImageTooLargeError, 413, "payload_too_large"),
    (errors.UnsupportedMediaTypeError, 415, "unsupported_media_type"),
    (errors.RateLimitedError, 429, "rate_limited"),
    (errors.OutboundRequestRefusedError, 422, "validation_failed"),
    (errors.ServiceUnavailableError, 503, "service_unavailable"),
    (errors.StorageError, 503, "service_unavailable"),
    (errors.ConfigurationError, 500, "internal_error"),
)

_STATUS_CODES = {
    400: "invalid_json",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    problems: Sequence[errors.Problem] = (),
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if problems or status == 422:
        body["errors"] = [{"path": p.path, "message": p.message} for p in problems]
    return Response(orjson.dumps(body), status_code=status, media_type=PROBLEM_JSON, headers=headers)


def render(exc: errors.IdscanError) -> Response:
    status, code = next(
        ((s, c) for cls, s, c in ERROR_TABLE if isinstance(exc, cls)), (500, "internal_error")
    )
    headers: dict[str, str] = {}
    if isinstance(exc, errors.AuthenticationError):
        headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    if isinstance(exc, errors.RateLimitedError):
        headers["Retry-After"] = str(exc.retry_after)
    problems: Sequence[errors.Problem] = ()
    if isinstance(exc, errors.ValidationError):
        problems = exc.problems
    elif isinstance(exc, errors.OutboundRequestRefusedError):
        problems = (errors.Problem("url", exc.detail),)
    detail = exc.detail if status < 500 else "Internal error."
    return problem(status, code, detail, problems=problems, headers=headers)


def json_path(loc: Sequence[int | str]) -> str:
    """('body', 'settings', 'documentScan', 'redactFields', 0) -> settings.documentScan.redactFields[0]"""
    parts = list(loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc)
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "$"


def _message(error: dict[str, Any]) -> str:
    message = str(error.get("msg", "Invalid value."))
    # Pydantic prefixes our own validator messages; the client needs only the sentence.
    return message.removeprefix("Value error, ")


def validation_problems(exc: RequestValidationError) -> tuple[bool, list[errors.Problem]]:
    """(is_json_syntax_error, problems)."""
    problems = []
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            return True, []
        problems.append(errors.Problem(json_path(error.get("loc", ())), _message(error)))
    return False, problems


def domain_error(exc: errors.IdscanError, route: str) -> Response:
    """A domain error's answer; failures worth an operator's look are logged (without the request)."""
    if not isinstance(exc, errors.ValidationError | errors.AuthenticationError | errors.NotFoundError):
        log.info("request failed", extra={"error": type(exc).__name__, "route": route})
    return render(exc)


def http_error(exc: StarletteHTTPException, allowed: Sequence[str] | None = None) -> Response:
    code = _STATUS_CODES.get(exc.status_code, "error")
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    headers = dict(exc.headers or {})
    if allowed is not None:
        headers["Allow"] = ", ".join(allowed)
    return problem(exc.status_code, code, detail, headers=headers)


def install(app: FastAPI) -> None:
    async def on_domain_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, errors.IdscanError)
        return domain_error(exc, _route(request))

    async def on_validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        is_syntax, problems = validation_problems(exc)
        if is_syntax:
            return problem(400, "invalid_json", "The request body is not valid JSON.")
        detail = problems[0].message if len(problems) == 1 else f"{len(problems)} problems in the request."
        return problem(422, "validation_failed", detail, problems=problems)

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        # Starlette names only the first route that matched the path; list them all.
        allowed = allowed_methods(request) if exc.status_code == 405 else None
        return http_error(exc, allowed)

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        log.error("unhandled error", exc_info=exc, extra={"route": _route(request)})
        return problem(500, "internal_error", "Internal error.")

    app.add_exception_handler(errors.IdscanError, on_domain_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)


_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves on the request's path (asked of the routes themselves, as
    included routers nest theirs)."""
    routes = request.app.router.routes
    return [
        method
        for method in _METHODS
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)
    ]


def _route(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path", "unmatched"))
