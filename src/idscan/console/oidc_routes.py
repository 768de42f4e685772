"""OIDC sign-in (optional): /console/oidc/start sends the browser to the provider; the callback
checks state, nonce and the ID token, then opens a session for the existing console user."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from idscan.console import audit, oidc, sessions, users, web
from idscan.console.routes import safe_next
from idscan.console.web import ContainerDep
from idscan.container import Container
from idscan.db import transaction
from idscan.errors import AuthenticationError
from idscan.lib import blind_index

log = logging.getLogger(__name__)
router = APIRouter(prefix=web.PREFIX + "/oidc", include_in_schema=False)
FLOW_COOKIE = "idscan_console_oidc"
FLOW_SECONDS = 600


def provider(c: Container) -> oidc.Provider | None:
    s = c.settings.console
    if not (s.oidc_issuer and s.oidc_client_id and s.oidc_client_secret):
        return None
    redirect = f"{c.settings.effective_public_base_url}{web.PREFIX}/oidc/callback"
    return oidc.Provider(s.oidc_issuer, s.oidc_client_id, s.oidc_client_secret.get_secret_value(), redirect)


def _flows(c: Container) -> URLSafeTimedSerializer:
    key = blind_index.derive(c.keyring.keys[c.keyring.active_id], "console-oidc")
    return URLSafeTimedSerializer(key, salt="idscan-console-oidc")


@router.get("/start")
def start(c: ContainerDep, next: str | None = None) -> Response:
    p = provider(c)
    if p is None:
        return RedirectResponse(f"{web.PREFIX}/login", status_code=303)
    flow = oidc.start(p)
    response = RedirectResponse(flow.url, status_code=303)
    # Lax, not Strict: the provider sends the browser back from another site.
    response.set_cookie(
        FLOW_COOKIE,
        _flows(c).dumps(
            {"state": flow.state, "nonce": flow.nonce, "verifier": flow.verifier, "next": safe_next(next)}
        ),
        max_age=FLOW_SECONDS, path=f"{web.PREFIX}/oidc", httponly=True, samesite="lax",
        secure=c.settings.effective_public_base_url.startswith("https://"),
    )  # fmt: skip
    return response


@router.get("/callback")
def callback(
    request: Request,
    c: ContainerDep,
    code: Annotated[str, Query(max_length=2048)] = "",
    state: Annotated[str, Query(max_length=512)] = "",
) -> Response:
    p = provider(c)
    ip = web.client_ip(request)
    try:
        flow = _flows(c).loads(request.cookies.get(FLOW_COOKIE, ""), max_age=FLOW_SECONDS)
    except BadSignature:
        flow = None
    t = web.translator(web.locale_of(request))
    try:
        if p is None or flow is None or not code or state != flow["state"]:
            raise AuthenticationError("The sign-in could not be matched to its start.")
        email = oidc.finish(p, code, flow["verifier"], flow["nonce"])
        with transaction(c.session_factory) as session:
            user = users.by_email(session, email)
            allowed = user is not None and user.disabled_at is None
            if (
                user is None
                or not allowed
                or (user.role == users.Role.ADMIN and not c.settings.console.oidc_admins)
            ):
                raise AuthenticationError("No console user may sign in with this identity.")
            token = sessions.start(session, user)
            audit.record(session, audit.Actor(user.id, user.email, ip), "login", via="oidc")
    except AuthenticationError as exc:
        log.warning("console OIDC sign-in failed", extra={"ip": ip})
        with transaction(c.session_factory) as session:
            audit.record(session, audit.Actor(None, "oidc", ip), "login_failed", why=exc.detail, via="oidc")
        response: Response = web.render(
            request, "message.html", None, status_code=401, message_key="oidc_failed"
        )
        response.delete_cookie(FLOW_COOKIE, path=f"{web.PREFIX}/oidc")
        return response
    # A page, not a redirect: the hop after a cross-site redirect chain would not carry the
    # SameSite=Strict session cookie; a same-site navigation from this page does.
    target = flow["next"]
    response = HTMLResponse(
        f'<!doctype html><html lang="{web.locale_of(request)}"><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0;url={target}"><title>{t("login_title")}</title>'
        f'<p><a href="{target}">{t("continue")}</a></p></html>'
    )
    web.set_session_cookie(response, c, token)
    response.delete_cookie(FLOW_COOKIE, path=f"{web.PREFIX}/oidc")
    return response
