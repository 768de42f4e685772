"""Signing in and out, the one-time setup link, and the console's front door."""

from __future__ import annotations

import hashlib
import logging
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from idscan.console import audit, sessions, totp, users, web
from idscan.console.web import ContainerDep, Operator, Viewer
from idscan.container import Container
from idscan.db import transaction
from idscan.errors import (
    AuthenticationError,
    ForbiddenError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)
from idscan.lib.ids import capability_token

log = logging.getLogger(__name__)
router = APIRouter(prefix=web.PREFIX, include_in_schema=False)
PRE_COOKIE = "idscan_console_pre"  # signs the forms shown before a session exists (login, setup)


def _pre_token(request: Request) -> str:
    return request.cookies.get(PRE_COOKIE) or capability_token()


def _with_pre_cookie(response: Response, token: str) -> Response:
    response.set_cookie(PRE_COOKIE, token, path=web.PREFIX, httponly=True, samesite="strict")
    return response


def _check_pre(request: Request, c: ContainerDep, given: str) -> None:
    token = request.cookies.get(PRE_COOKIE)
    if not token or not web.signed(c).csrf_ok(token, given):
        raise ForbiddenError("The form's security token is missing or wrong. Reload the page and try again.")


def safe_next(target: str | None) -> str:
    """Only a path inside the console: never another site."""
    if target and target.startswith(web.PREFIX + "/") and not target.startswith("//") and "\\" not in target:
        return target
    return f"{web.PREFIX}/transactions"


@router.get("")
def front_door() -> RedirectResponse:
    return RedirectResponse(f"{web.PREFIX}/transactions", status_code=303)


@router.get("/login")
def login_form(request: Request, c: ContainerDep, next: str | None = None) -> Response:
    token = _pre_token(request)
    page = web.render(
        request, "login.html", None, csrf=web.signed(c).csrf(token), next=safe_next(next),
        oidc=c.settings.console.oidc_issuer is not None,
    )  # fmt: skip
    return _with_pre_cookie(page, token)


async def _limit(request: Request, email: str) -> None:
    limiter = request.app.state.console_limiter
    ip = web.client_ip(request) or "unknown"
    await limiter.hit("login", f"ip:{ip}")
    await limiter.hit(
        "login", "email:" + hashlib.blake2b(users.normal_email(email).encode(), digest_size=16).hexdigest()
    )


@router.post("/login")
async def login(
    request: Request,
    c: ContainerDep,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=1024)],
    code: Annotated[str, Form(max_length=20)] = "",
    next: Annotated[str, Form(max_length=2048)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    _check_pre(request, c, csrf)
    ip = web.client_ip(request)
    t = web.translator(web.locale_of(request))
    try:
        await _limit(request, email)
    except RateLimitedError as exc:
        log.warning("console sign-in rate limited", extra={"ip": ip})
        await anyio.to_thread.run_sync(_audit_failure, c, email, ip, "rate_limited")
        return web.render(
            request,
            "login.html",
            None,
            status_code=429,
            csrf=csrf,
            next=safe_next(next),
            error=t("too_many_logins"),
            email=email,
            retry_after=exc.retry_after,
        )
    try:
        token = await anyio.to_thread.run_sync(_sign_in, c, email, password, code, ip)
    except AuthenticationError:
        log.warning("console sign-in failed", extra={"ip": ip})
        await anyio.to_thread.run_sync(_audit_failure, c, email, ip, "wrong_credentials")
        return web.render(
            request,
            "login.html",
            None,
            status_code=401,
            csrf=csrf,
            next=safe_next(next),
            error=t("login_failed"),
            email=email,
        )
    log.info("console sign-in", extra={"ip": ip})
    response = RedirectResponse(safe_next(next), status_code=303)
    web.set_session_cookie(response, c, token)
    response.delete_cookie(PRE_COOKIE, path=web.PREFIX)
    return response


def _sign_in(c: Container, email: str, password: str, code: str, ip: str | None) -> str:
    with transaction(c.session_factory) as session:
        user = users.authenticate(session, c.keyring, email, password, code)
        token = sessions.start(session, user)
        audit.record(session, audit.Actor(user.id, user.email, ip), "login")
        return token


def _audit_failure(c: Container, email: str, ip: str | None, why: str) -> None:
    with transaction(c.session_factory) as session:
        audit.record(session, audit.Actor(None, users.normal_email(email)[:254], ip), "login_failed", why=why)


@router.post("/logout")
def logout(
    request: Request,
    c: ContainerDep,
    operator: Viewer,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    web.check_csrf(operator, csrf, c)
    with transaction(c.session_factory) as session:
        sessions.end(session, operator.token)
        audit.record(session, operator.actor, "logout")
    response = RedirectResponse(f"{web.PREFIX}/login", status_code=303)
    web.clear_session_cookie(response)
    return response


def _setup_page(request: Request, c: ContainerDep, token: str, secret: str, **extra: object) -> Response:
    with c.session_factory() as session:
        user = users.by_setup_token(session, token)
        email, role = user.email, user.role
    pre = _pre_token(request)
    page = web.render(
        request,
        "setup.html",
        None,
        status_code=int(str(extra.pop("status_code", 200))),
        csrf=web.signed(c).csrf(pre),
        email=email,
        role=role,
        secret=secret,
        qr=totp.qr_svg(secret, email),
        required=role == users.Role.ADMIN,
        **extra,
    )
    return _with_pre_cookie(page, pre)


@router.get("/setup/{token}")
def setup_form(request: Request, c: ContainerDep, token: str) -> Response:
    try:
        return _setup_page(request, c, token, totp.new_secret())
    except NotFoundError:
        return web.render(request, "message.html", None, status_code=404, message_key="setup_invalid")


@router.post("/setup/{token}")
def setup(
    request: Request,
    c: ContainerDep,
    token: str,
    password: Annotated[str, Form(max_length=1024)],
    password_again: Annotated[str, Form(max_length=1024)],
    secret: Annotated[str, Form(max_length=64)],
    code: Annotated[str, Form(max_length=20)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    _check_pre(request, c, csrf)
    t = web.translator(web.locale_of(request))
    if password != password_again:
        return _setup_page(request, c, token, secret, status_code=422, errors=[t("passwords_differ")])
    try:
        with transaction(c.session_factory) as session:
            user = users.complete_setup(session, c.keyring, token, password, secret, code)
            audit.record(session, audit.Actor(user.id, user.email, web.client_ip(request)), "setup")
    except ValidationError as exc:
        errors = [t("password_short") if p.path == "password" else t("code_wrong") for p in exc.problems]
        return _setup_page(request, c, token, secret, status_code=422, errors=errors)
    except NotFoundError:
        return web.render(request, "message.html", None, status_code=404, message_key="setup_invalid")
    return RedirectResponse(f"{web.PREFIX}/login", status_code=303)


OperatorDep = Annotated[Operator, Depends(web.current_operator)]


@router.get("/overview")
def overview_page(
    request: Request, c: ContainerDep, operator: Viewer, days: int = 30, mode: str | None = None
) -> Response:
    from idscan.console import charts, overview

    days = days if days in (7, 30, 90) else 30
    t = web.translator(web.locale_of(request))
    with c.session_factory() as session:
        figures = overview.compute(session, days=days, mode=mode if mode in ("live", "test") else None)
    drawn = {
        "per_day": charts.columns([(d.isoformat(), n) for d, n in figures.per_day], title=t("chart_per_day")),
        "codes": charts.rows(figures.failing_codes, title=t("chart_codes")),
        "completion": charts.gauge(figures.completion_rate, title=t("completion_rate"), empty=t("no_data")),
        "liveness": charts.gauge(figures.liveness_rate, title=t("liveness_rate"), empty=t("no_data")),
        "match": charts.gauge(figures.match_rate, title=t("match_rate"), empty=t("no_data")),
    }
    return web.render(request, "overview.html", operator, o=figures, charts=drawn, mode=mode or "")
