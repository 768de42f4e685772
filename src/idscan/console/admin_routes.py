"""Admin pages: console users, the audit log (and its CSV), and per account its webhooks and API
credentials. A new secret or setup link is shown once, on the answer to the form that made it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy import select

from idscan import pagination
from idscan.auth import service as credentials
from idscan.console import audit, users, web
from idscan.console.web import Admin, ContainerDep
from idscan.container import Container
from idscan.db import transaction
from idscan.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from idscan.lib.clock import utcnow
from idscan.models import Account, Credential
from idscan.webhooks import schemas as webhook_schemas
from idscan.webhooks import service as webhooks

router = APIRouter(prefix=web.PREFIX, include_in_schema=False)


def setup_link(c: Container, token: str) -> str:
    return f"{c.settings.effective_public_base_url}{web.PREFIX}/setup/{token}"


# -- users -------------------------------------------------------------------------------------------


def _users_page(request: Request, c: ContainerDep, operator: web.Operator, **extra: Any) -> Response:
    with c.session_factory() as session:
        listed = users.list_all(session)
        return web.render(
            request, "users.html", operator, users=listed, roles=[r.value for r in users.Role], **extra
        )


@router.get("/users")
def list_users(request: Request, c: ContainerDep, operator: Admin) -> Response:
    return _users_page(request, c, operator)


@router.post("/users")
def create_user(
    request: Request,
    c: ContainerDep,
    operator: Admin,
    email: Annotated[str, Form(max_length=254)],
    role: Annotated[users.Role, Form()],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    web.check_csrf(operator, csrf, c)
    try:
        with transaction(c.session_factory) as session:
            new = users.create(session, email, role)
            audit.record(session, operator.actor, "create_user", new.user.email, role=role.value)
    except (ValidationError, ConflictError):
        return _users_page(request, c, operator, status_code=422, error_key="user_invalid")
    return _users_page(request, c, operator, link=setup_link(c, new.setup_token), link_for=new.user.email)


@router.post("/users/{user_id}/{action}")
def change_user(
    request: Request,
    c: ContainerDep,
    operator: Admin,
    user_id: str,
    action: str,
    role: Annotated[users.Role | None, Form()] = None,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    web.check_csrf(operator, csrf, c)
    if user_id == operator.user_id and action in ("disable", "role"):
        raise ForbiddenError("Ask another admin to change your own account.")
    link = None
    with transaction(c.session_factory) as session:
        if action == "disable":
            user = users.disable(session, user_id)
        elif action == "reset":
            new = users.reset(session, user_id)
            user, link = new.user, setup_link(c, new.setup_token)
        elif action == "role" and role is not None:
            user = users.set_role(session, user_id, role)
        else:
            raise NotFoundError("No such action.")
        audit.record(
            session, operator.actor, f"user_{action}", user.email, **({"role": role.value} if role else {})
        )
        email = user.email
    if link:
        return _users_page(request, c, operator, link=link, link_for=email)
    return RedirectResponse(f"{web.PREFIX}/users", status_code=303)


# -- audit log ---------------------------------------------------------------------------------------


@router.get("/audit")
def audit_log(
    request: Request,
    c: ContainerDep,
    operator: Admin,
    action: Annotated[str | None, Query(max_length=40)] = None,
    cursor: Annotated[str | None, Query(pattern=pagination.CURSOR_PATTERN)] = None,
) -> Response:
    with c.session_factory() as session:
        found = audit.page(session, action=action or None, cursor=cursor)
        return web.render(request, "audit.html", operator, page=found, action=action or "")


@router.get("/audit.csv")
def audit_csv(c: ContainerDep, operator: Admin) -> Response:
    with transaction(c.session_factory) as session:
        audit.record(session, operator.actor, "export_audit")

    def chunks() -> Iterator[str]:
        with c.session_factory() as session:
            yield from audit.csv_lines(session)

    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    return StreamingResponse(
        chunks(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="idscan-console-audit-{stamp}.csv"'},
    )


# -- accounts: webhooks and credentials ---------------------------------------------------------------


@router.get("/accounts")
def list_accounts(request: Request, c: ContainerDep, operator: Admin) -> Response:
    with c.session_factory() as session:
        accounts = list(session.scalars(select(Account).order_by(Account.name, Account.mode)))
        return web.render(request, "accounts.html", operator, accounts=accounts)


def _account_page(
    request: Request, c: ContainerDep, operator: web.Operator, account_id: str, **extra: Any
) -> Response:
    with c.session_factory() as session:
        account = session.get(Account, account_id)
        if account is None:
            raise NotFoundError("Account not found.")
        keys = list(
            session.scalars(
                select(Credential).where(Credential.account_id == account_id).order_by(Credential.created_at)
            )
        )
        hooks = webhooks.list_for_account(session, account_id)
        return web.render(
            request, "account.html", operator, account=account, credentials=keys, webhooks=hooks,
            status_code=int(str(extra.pop("status_code", 200))), **extra,
        )  # fmt: skip


@router.get("/accounts/{account_id}")
def show_account(request: Request, c: ContainerDep, operator: Admin, account_id: str) -> Response:
    return _account_page(request, c, operator, account_id)


@router.post("/accounts/{account_id}/credentials")
def create_credential(
    request: Request,
    c: ContainerDep,
    operator: Admin,
    account_id: str,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    web.check_csrf(operator, csrf, c)
    with transaction(c.session_factory) as session:
        account = session.get(Account, account_id)
        if account is None:
            raise NotFoundError("Account not found.")
        new = credentials.create_credential(
            session, c.keyring, account.name, test=account.mode == credentials.TEST
        )
        audit.record(
            session, operator.actor, "create_credential", new.kid, account=account.name, mode=account.mode
        )
    return _account_page(request, c, operator, account_id, secret=new.secret, secret_kid=new.kid)


@router.post("/accounts/{account_id}/credentials/{kid}/{action}")
def change_credential(
    request: Request,
    c: ContainerDep,
    operator: Admin,
    account_id: str,
    kid: str,
    action: str,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """`rotate`: a new key for the account, and this one revoked; `revoke`: this one revoked."""
    web.check_csrf(operator, csrf, c)
    with transaction(c.session_factory) as session:
        account = session.get(Account, account_id)
        key = session.get(Credential, kid)
        if (
            account is None
            or key is None
            or key.account_id != account_id
            or action not in ("rotate", "revoke")
        ):
            raise NotFoundError("Credential not found.")
        new = None
        if action == "rotate":
            new = credentials.create_credential(
                session, c.keyring, account.name, test=account.mode == credentials.TEST
            )
        credentials.revoke_credential(session, kid)
        audit.record(session, operator.actor, f"{action}_credential", kid, new_kid=new.kid if new else None)
    if new is not None:
        return _account_page(request, c, operator, account_id, secret=new.secret, secret_kid=new.kid)
    return RedirectResponse(f"{web.PREFIX}/accounts/{account_id}", status_code=303)


@router.post("/accounts/{account_id}/webhooks")
def create_webhook(
    request: Request,
    c: ContainerDep,
    operator: Admin,
    account_id: str,
    url: Annotated[str, Form(max_length=2048)],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    web.check_csrf(operator, csrf, c)
    try:
        data = webhook_schemas.WebhookCreate.model_validate({"url": url})
        with transaction(c.session_factory) as session:
            hook = webhooks.create(
                session, c.keyring, account_id, data, allow_private=c.settings.webhooks.allow_private_targets
            )
            secret = webhooks.signing_secret(c.keyring, hook)
            audit.record(session, operator.actor, "create_webhook", hook.id, url=hook.url)
    except (ValidationError, ValueError):
        return _account_page(request, c, operator, account_id, status_code=422, error_key="webhook_invalid")
    return _account_page(request, c, operator, account_id, secret=secret, secret_webhook=hook.id)


@router.post("/accounts/{account_id}/webhooks/{webhook_id}/{action}")
def change_webhook(
    request: Request,
    c: ContainerDep,
    operator: Admin,
    account_id: str,
    webhook_id: str,
    action: str,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """`rotate`: a new signing secret (shown once); `revoke`: the webhook is deleted."""
    web.check_csrf(operator, csrf, c)
    secret = None
    with transaction(c.session_factory) as session:
        if action == "rotate":
            secret = webhooks.rotate_secret(session, c.keyring, account_id, webhook_id)
        elif action == "revoke":
            webhooks.delete(session, account_id, webhook_id)
        else:
            raise NotFoundError("No such action.")
        audit.record(session, operator.actor, f"{action}_webhook", webhook_id)
    if secret is not None:
        return _account_page(request, c, operator, account_id, secret=secret, secret_webhook=webhook_id)
    return RedirectResponse(f"{web.PREFIX}/accounts/{account_id}", status_code=303)
