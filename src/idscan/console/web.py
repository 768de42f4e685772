"""What every console page shares: templates, the language, security headers, the signed-in
operator, roles and CSRF. Routes stay thin on top of it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from idscan.console import audit, i18n, sessions
from idscan.console.users import Role
from idscan.container import Container, get_container
from idscan.db import transaction
from idscan.errors import ForbiddenError
from idscan.lib.clock import iso

PREFIX = "/console"
STATIC_PREFIX = "/static/console"
STATIC_DIR = Path(__file__).with_name("static")
LANG_COOKIE = "idscan_console_lang"
ContainerDep = Annotated[Container, Depends(get_container)]

templates = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=select_autoescape(["html"]),
)
templates.filters["iso"] = lambda value: iso(value) or ""
templates.filters["urlquote"] = lambda value: quote(str(value), safe="")

# The hosted pages' headers, and never inside a frame.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
        "media-src 'self' blob:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
_RAW_HEADERS = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]


class SecurityHeaders:
    """Pure ASGI: every response under /console (pages, files, errors, redirects) gets the headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == PREFIX or path.startswith((PREFIX + "/", STATIC_PREFIX + "/"))):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *(h for h in message.get("headers", []) if h[0] != b"cache-control"),
                    *(h for h in _RAW_HEADERS if h[0] not in names or h[0] == b"cache-control"),
                ]
            await send(message)

        await self.app(scope, receive, with_headers)


class LoginRequired(Exception):  # noqa: N818  # control flow, not an error of the domain
    def __init__(self, path: str) -> None:
        self.path = path


def install(app: FastAPI) -> None:
    async def to_login(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        return RedirectResponse(f"{PREFIX}/login?next={quote(exc.path, safe='/')}", status_code=303)

    app.add_exception_handler(LoginRequired, to_login)


def locale_of(request: Request) -> str:
    """?lang=, then the language cookie, then Accept-Language, then en-US."""
    for wanted in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if wanted in i18n.LOCALES:
            return wanted
    header = request.headers.get("accept-language", "")
    for part in header.split(","):
        tag = part.split(";")[0].strip().lower()
        for locale in i18n.LOCALES:
            if tag in (locale.lower(), locale[:2].lower()):
                return locale
    return "en-US"


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


@dataclass(frozen=True, slots=True)
class Operator:
    user_id: str
    email: str
    role: Role
    token: str
    csrf: str
    ip: str | None

    @property
    def actor(self) -> audit.Actor:
        return audit.Actor(self.user_id, self.email, self.ip)

    def may(self, role: Role) -> bool:
        return self.role.at_least(role)


def signed(c: Container) -> sessions.Signed:
    return sessions.Signed.from_keyring(c.keyring)


def lifetimes(c: Container) -> sessions.Lifetimes:
    s = c.settings.console
    return sessions.Lifetimes(timedelta(minutes=s.idle_minutes), timedelta(hours=s.absolute_hours))


def current_operator(request: Request, c: ContainerDep) -> Operator:
    keys = signed(c)
    token = keys.token(request.cookies.get(sessions.COOKIE))
    if token is None:
        raise LoginRequired(request.url.path)
    with transaction(c.session_factory) as session:
        user = sessions.resolve(session, token, lifetimes(c))  # an expired session is deleted (committed)
        found = None if user is None else (user.id, user.email, Role(user.role))
    if found is None:
        raise LoginRequired(request.url.path)
    return Operator(*found, token, keys.csrf(token), client_ip(request))


def require(role: Role) -> Callable[[Operator], Operator]:
    def check(operator: Annotated[Operator, Depends(current_operator)]) -> Operator:
        if not operator.may(role):
            raise ForbiddenError(f"This needs the {role.value} role.")
        return operator

    return check


Viewer = Annotated[Operator, Depends(require(Role.VIEWER))]
Reviewer = Annotated[Operator, Depends(require(Role.REVIEWER))]
Admin = Annotated[Operator, Depends(require(Role.ADMIN))]


def check_csrf(operator: Operator, given: str | None, c: Container) -> None:
    if not signed(c).csrf_ok(operator.token, given):
        raise ForbiddenError("The form's security token is missing or wrong. Reload the page and try again.")


def translator(locale: str) -> Callable[..., str]:
    def t(key: str, **values: Any) -> str:
        text = i18n.text(key, locale)
        return text.format(**values) if values else text

    return t


def render(
    request: Request,
    name: str,
    operator: Operator | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    locale = locale_of(request)
    html = templates.get_template(name).render(
        t=translator(locale),
        lang=locale,
        locales=i18n.LOCALES,
        operator=operator,
        csrf=operator.csrf if operator else context.pop("csrf", ""),
        path=request.url.path,
        Role=Role,
        **context,
    )
    response = HTMLResponse(html, status_code=status_code)
    if request.query_params.get("lang") in i18n.LOCALES:
        response.set_cookie(LANG_COOKIE, locale, path=PREFIX, samesite="strict", httponly=True)
    return response


def set_session_cookie(response: Response, c: Container, token: str) -> None:
    response.set_cookie(
        sessions.COOKIE,
        signed(c).cookie(token),
        max_age=c.settings.console.absolute_hours * 3600,
        path=PREFIX,
        httponly=True,
        samesite="strict",
        secure=c.settings.effective_public_base_url.startswith("https://"),
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(sessions.COOKIE, path=PREFIX, httponly=True, samesite="strict")
