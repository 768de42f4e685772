"""HTTP routes of the webhooks API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from idscan import pagination
from idscan.auth.dependencies import Principal, require_principal
from idscan.container import Container, get_container
from idscan.db import transaction
from idscan.ops.openapi import PROBLEM_RESPONSES
from idscan.webhooks import schemas, service

router = APIRouter(prefix="/id-scan/v1", tags=["webhooks"], responses=PROBLEM_RESPONSES)

PrincipalDep = Annotated[Principal, Depends(require_principal)]
ContainerDep = Annotated[Container, Depends(get_container)]


@router.post("/webhooks", status_code=201, response_model=schemas.WebhookOut)
def create_webhook(
    body: schemas.WebhookCreate, principal: PrincipalDep, c: ContainerDep
) -> schemas.WebhookOut:
    with transaction(c.session_factory) as session:
        webhook = service.create(
            session,
            c.keyring,
            principal.account_id,
            body,
            allow_private=c.settings.webhooks.allow_private_targets,
        )
        return service.to_out(c.keyring, webhook)


@router.get("/webhooks", response_model=schemas.WebhookList)
def list_webhooks(principal: PrincipalDep, c: ContainerDep) -> schemas.WebhookList:
    with c.session_factory() as session:
        return schemas.WebhookList(
            items=[
                service.to_out(c.keyring, w) for w in service.list_for_account(session, principal.account_id)
            ]
        )


@router.get("/webhooks/{webhook_id}", response_model=schemas.WebhookOut)
def get_webhook(webhook_id: str, principal: PrincipalDep, c: ContainerDep) -> schemas.WebhookOut:
    with c.session_factory() as session:
        return service.to_out(c.keyring, service.get(session, principal.account_id, webhook_id))


@router.patch("/webhooks/{webhook_id}", response_model=schemas.WebhookOut)
def update_webhook(
    webhook_id: str, body: schemas.WebhookUpdate, principal: PrincipalDep, c: ContainerDep
) -> schemas.WebhookOut:
    with transaction(c.session_factory) as session:
        webhook = service.update(
            session,
            c.keyring,
            principal.account_id,
            webhook_id,
            body,
            allow_private=c.settings.webhooks.allow_private_targets,
        )
        return service.to_out(c.keyring, webhook)


@router.delete("/webhooks/{webhook_id}", status_code=204, response_class=Response)
def delete_webhook(webhook_id: str, principal: PrincipalDep, c: ContainerDep) -> Response:
    with transaction(c.session_factory) as session:
        service.delete(session, principal.account_id, webhook_id)
    return Response(status_code=204)


@router.get("/webhooks/{webhook_id}/deliveries", response_model=schemas.DeliveryPage)
def list_deliveries(
    webhook_id: str,
    principal: PrincipalDep,
    c: ContainerDep,
    cursor: Annotated[str | None, Query(pattern=pagination.CURSOR_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> schemas.DeliveryPage:
    with c.session_factory() as session:
        return service.list_deliveries(session, principal.account_id, webhook_id, cursor=cursor, limit=limit)
